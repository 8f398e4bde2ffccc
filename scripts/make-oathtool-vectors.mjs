// Regenerates vectors/oathtool.json byte for byte: a seeded PRNG picks secrets, algorithms, digits,
// periods, T0s, times and counters; /usr/bin/oathtool (OATH Toolkit, Debian package `oathtool`)
// computes every code, and the exact command is stored beside it so anyone can re-run one by hand.
//
//   node scripts/make-oathtool-vectors.mjs [--out vectors/oathtool.json]
//
// Node built-ins are fine here: this is a development script, not library code.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const SEED = 0x2fa0_7074; // any fixed value; changing it changes every vector
const TOTP_VECTORS = 300;
const HOTP_VECTORS = 60;
// oathtool refuses other lengths ("only digits 6, 7 and 8 are supported"); 9 and 10 are covered by
// the node:crypto oracle in test/technique/oracle.test.ts.
const DIGITS = [6, 7, 8];
const PERIODS_SECONDS = [1, 15, 30, 30, 30, 60, 90, 3600];
// The library accepts times up to 8.64e15 ms (ECMAScript's last Date); oathtool is 64-bit time_t.
const MAX_TIME_SECONDS = 8_640_000_000_000;
const YEAR_9999_END = 253_402_300_799;

// sfc32: small, fast, and identical on every platform, which is all a reproducible set needs.
function sfc32(a, b, c, d) {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}
const next32 = sfc32(0x9e3779b9, 0x243f6a88, 0xb7e15162, SEED);
for (let i = 0; i < 15; i++) next32(); // warm-up, as sfc32's author recommends
/** Uniform integer in [0, bound) for bound ≤ 2^53 (two draws, then rejection to avoid bias). */
function below(bound) {
  const big = BigInt(bound);
  const limit = (1n << 64n) - ((1n << 64n) % big);
  for (;;) {
    const x = (BigInt(next32()) << 32n) | BigInt(next32());
    if (x < limit) return Number(x % big);
  }
}
const pick = (list) => list[below(list.length)];
const bytes = (n) => Uint8Array.from({ length: n }, () => below(256));
const hex = (b) => Buffer.from(b).toString('hex');

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(b) {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += ALPHABET[(value >>> (bits - 5)) & 31]; bits -= 5; }
    value &= 0xff;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function secretLength() {
  // Mostly real-world sizes, some short legacy and long keys (longer than the hash block, so hashed first).
  return below(4) === 0 ? 1 + below(200) : pick([10, 16, 20, 20, 20, 32, 64]);
}

const EDGE_TIMES = [0, 59, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, YEAR_9999_END, YEAR_9999_END + 1, MAX_TIME_SECONDS];
function timeSeconds(index) {
  if (index < EDGE_TIMES.length) return EDGE_TIMES[index];
  switch (below(5)) {
    case 0: return below(2 ** 31); // before 2038
    case 1: return 2 ** 31 - 5 + below(2 ** 32 - 2 ** 31 + 10); // around 2038 and 2106 (32-bit rollovers)
    case 2: return below(YEAR_9999_END + 1); // up to the end of year 9999
    case 3: return YEAR_9999_END + 1 + below(MAX_TIME_SECONDS - YEAR_9999_END); // past year 9999
    default: return pick(EDGE_TIMES);
  }
}

// The edges come first so every regeneration covers them, then random counters.
const EDGE_COUNTERS = [0n, 2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];
function hotpCounter(index) {
  if (index < EDGE_COUNTERS.length) return EDGE_COUNTERS[index];
  switch (below(4)) {
    case 0: return BigInt(below(1000));
    case 1: return BigInt(below(2 ** 53));
    case 2: return (BigInt(below(2 ** 32)) << 32n) | BigInt(below(2 ** 32)); // any 64-bit value
    default: return pick(EDGE_COUNTERS);
  }
}

function secretArgs(secret) {
  // A third of the commands pass the key as base32 (-b), which also cross-checks base32 decoding.
  return below(3) === 0 ? ['-b', base32(secret)] : [hex(secret)];
}

function oathtool(args) {
  const code = execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
  if (!/^\d{6,8}$/.test(code)) throw new Error(`unexpected oathtool output for ${args.join(' ')}: ${code}`);
  return code;
}

const version = execFileSync('oathtool', ['--version'], { encoding: 'utf8' }).split('\n')[0];
const vectors = [];
for (let i = 0; i < TOTP_VECTORS; i++) {
  const secret = bytes(secretLength());
  const algorithm = pick(['SHA1', 'SHA256', 'SHA512']);
  const digits = pick(DIGITS);
  const period = below(8) === 0 ? 1 + below(100_000) : pick(PERIODS_SECONDS);
  const epoch = i >= EDGE_TIMES.length && below(4) === 0 ? below(2_000_000_000) : 0;
  const time = Math.max(epoch, timeSeconds(i));
  const args = [`--totp=${algorithm}`, '-d', String(digits), '-s', String(period), '-S', `@${epoch}`, '-N', `@${time}`, ...secretArgs(secret)];
  vectors.push({
    mode: 'totp', algorithm, digits, secretHex: hex(secret), secretBase32: base32(secret),
    period, epoch, time, step: Math.floor((time - epoch) / period), code: oathtool(args), command: `oathtool ${args.join(' ')}`,
  });
}
for (let i = 0; i < HOTP_VECTORS; i++) {
  const secret = bytes(secretLength());
  const digits = pick(DIGITS);
  const counter = hotpCounter(i);
  // oathtool's HOTP mode is SHA-1 only.
  const args = ['--hotp', '-d', String(digits), '-c', String(counter), ...secretArgs(secret)];
  vectors.push({
    mode: 'hotp', algorithm: 'SHA1', digits, secretHex: hex(secret), secretBase32: base32(secret),
    counter: String(counter), code: oathtool(args), command: `oathtool ${args.join(' ')}`,
  });
}

const file = {
  source: `${version}, run by scripts/make-oathtool-vectors.mjs (seed ${SEED}); each vector's "command" reproduces its "code"`,
  notes: 'time, epoch and period are seconds; step = floor((time - epoch) / period); counter is a decimal string (it may exceed 2^53)',
  vectors,
};
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : new URL('../vectors/oathtool.json', import.meta.url);
// One vector per line: diffs stay readable and the file stays small.
const text = `{\n  "source": ${JSON.stringify(file.source)},\n  "notes": ${JSON.stringify(file.notes)},\n  "vectors": [\n${vectors
  .map((v) => `    ${JSON.stringify(v)}`)
  .join(',\n')}\n  ]\n}\n`;
writeFileSync(out, text);
console.log(`${vectors.length} vectors written to ${out instanceof URL ? out.pathname : out}`);
