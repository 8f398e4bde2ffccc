// generateTotp / verifyTotp groups: this library and its peers on the same secrets and times.
import * as OTPAuth from 'otpauth';
import * as OTPAuthSlim from 'otpauth/slim';
import { generateSync, verifySync } from 'otplib';
import speakeasy from 'speakeasy';
import { generateHOTP, verifyHOTP } from '@oslojs/otp';
import { boundAdapter, boundValues, hmacCloneIntoValues, hmacCloneValues, prototypeValues } from './noble-bound.mjs';

// RFC 6238 Appendix B: seconds, and the 8-digit codes for SHA-1, SHA-256, SHA-512. Each hash has its
// own seed length (20, 32, 64 bytes), as the RFC's reference code uses.
const RFC6238 = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];
const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'];
const SEED_BYTES = { SHA1: 20, SHA256: 32, SHA512: 64 };
const rfcSeed = (algorithm) => new TextEncoder().encode('1234567890'.repeat(7).slice(0, SEED_BYTES[algorithm]));

// Deterministic inputs, so every run and every library sees the same secrets and times.
function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
export const SECRET_COUNT = 256;
export const TIME_COUNT = 16;
const INPUTS = SECRET_COUNT * TIME_COUNT;

/** otpauth's node build and its slim build have the same API. */
function otpauthAdapter(lib, note) {
  const totp = (secret, algorithm, digits) => new lib.TOTP({ secret: lib.Secret.fromBase32(secret.b32), algorithm, digits, period: 30 });
  return {
    algorithms: ALGORITHMS,
    note,
    generate: (secret, algorithm, ms, digits) => totp(secret, algorithm, digits).generate({ timestamp: ms }),
    verify: (secret, algorithm, ms, digits, code) =>
      totp(secret, algorithm, digits).validate({ token: code, timestamp: ms, window: 1 }) !== null,
  };
}

/** The row ours is measured against besides the peers (see bench/noble-bound.mjs). */
export const BOUND = 'bound: noble keyed once';
/** Rows that time @noble/hashes itself rather than a library: never "the fastest peer". */
export const OURS_BYTES = '@inworkjobs/two-factor, bytes in';
export const PROTOTYPE_BOUND = 'noble create() per call (0.1 prototype)';
export const isReference = (lib) => lib === BOUND || lib === OURS_BYTES || lib.startsWith('noble ');

/**
 * Adapters: one call shape for every library. `secret` is { b32, bytes }; time in epoch ms; verify
 * returns true/false with a window of one step either side.
 */
const adapters = {
  '@inworkjobs/two-factor': (core) => ({
    algorithms: ALGORITHMS,
    generate: (secret, algorithm, ms, digits) => core.generateTotp(secret.b32, { algorithm, digits, now: ms }),
    verify: (secret, algorithm, ms, digits, code) =>
      core.verifyTotp(secret.b32, code, { algorithm, digits, now: ms, window: 1 }).valid,
  }),
  // The same calls with the secret as bytes: no base32 decoding, as the bound below takes it.
  [OURS_BYTES]: (core) => ({
    algorithms: ALGORITHMS,
    note: 'not a peer: the secret as a Uint8Array (no base32 decoding), like the bound',
    generate: (secret, algorithm, ms, digits) => core.generateTotp(secret.bytes, { algorithm, digits, now: ms }),
    verify: (secret, algorithm, ms, digits, code) =>
      core.verifyTotp(secret.bytes, code, { algorithm, digits, now: ms, window: 1 }).valid,
  }),
  'otpauth 9.5.2': () => otpauthAdapter(OTPAuth, 'HMAC from node:crypto on Node'),
  'otpauth 9.5.2 slim': () => otpauthAdapter(OTPAuthSlim, 'otpauth/slim: its pure-JS build, HMAC from @noble/hashes'),
  'otplib 13': () => ({
    algorithms: ALGORITHMS,
    note: 'generateSync/verifySync, default noble plugin; window as epochTolerance 30 s',
    generate: (secret, algorithm, ms, digits) =>
      generateSync({ secret: secret.b32, algorithm: algorithm.toLowerCase(), digits, period: 30, epoch: Math.floor(ms / 1000) }),
    verify: (secret, algorithm, ms, digits, code) =>
      verifySync({
        secret: secret.b32, token: code, algorithm: algorithm.toLowerCase(), digits, period: 30,
        epoch: Math.floor(ms / 1000), epochTolerance: 30,
      }).valid,
  }),
  'speakeasy 2': () => ({
    algorithms: ALGORITHMS,
    note: 'node:crypto',
    generate: (secret, algorithm, ms, digits) =>
      speakeasy.totp({ secret: secret.b32, encoding: 'base32', algorithm: algorithm.toLowerCase(), digits, step: 30, time: Math.floor(ms / 1000) }),
    verify: (secret, algorithm, ms, digits, code) =>
      speakeasy.totp.verifyDelta({
        secret: secret.b32, encoding: 'base32', algorithm: algorithm.toLowerCase(), digits, step: 30,
        time: Math.floor(ms / 1000), token: code, window: 1,
      }) !== undefined,
  }),
  '@oslojs/otp 1.1': () => ({
    algorithms: ['SHA1'],
    // Its TOTP functions read Date.now(); the HOTP functions at the same step are what they compute.
    note: 'SHA-1 only; bytes in (no base32 decode); HOTP at the step, as its TOTP functions do with Date.now()',
    generate: (secret, algorithm, ms, digits) => generateHOTP(secret.bytes, BigInt(Math.floor(ms / 30000)), digits),
    verify: (secret, algorithm, ms, digits, code) => {
      const step = BigInt(Math.floor(ms / 30000));
      for (let c = step - 1n; c <= step + 1n; c++) if (verifyHOTP(secret.bytes, c, digits, code)) return true;
      return false;
    },
  }),
  // Not peers: @noble/hashes driven directly, bytes in, nothing validated (bench/noble-bound.mjs). The
  // first is the bound ours is held to; the other two are the slower ways of driving noble, SHA-1 only.
  [BOUND]: () => boundAdapter(boundValues, 'bound, not a peer: noble keyed once (reused pad) + 1 or 3 steps cloned with _cloneInto; bytes in'),
  [PROTOTYPE_BOUND]: () => ({
    ...boundAdapter(prototypeValues, "not a peer: the 0.1 prototype, create() per call for the keyed states + _cloneInto per step; bytes in"),
    algorithms: ['SHA1'],
  }),
  'noble hmac.create + _cloneInto': () => ({
    ...boundAdapter(hmacCloneIntoValues, 'not a peer: hmac.create per call, HMAC _cloneInto per step; bytes in'),
    algorithms: ['SHA1'],
  }),
  'noble hmac.create + clone()': () => ({
    ...boundAdapter(hmacCloneValues, 'not a peer: hmac.create per call, clone() per step; bytes in'),
    algorithms: ['SHA1'],
  }),
};

/** Checks RFC 6238 Appendix B for one library and algorithm: generate, accept the right code, refuse a wrong one. */
function rfcCheck(adapter, algorithm) {
  const column = ALGORITHMS.indexOf(algorithm) + 1;
  const bytes = rfcSeed(algorithm);
  const secret = { bytes, b32: new OTPAuth.Secret({ buffer: bytes.slice().buffer }).base32 };
  for (const row of RFC6238) {
    const ms = row[0] * 1000;
    const want = row[column];
    const got = adapter.generate(secret, algorithm, ms, 8);
    if (got !== want) return `RFC 6238 vector T=${row[0]}: got ${got}, want ${want}`;
    if (!adapter.verify(secret, algorithm, ms, 8, want)) return `RFC 6238 vector T=${row[0]}: refuses the right code`;
    const wrong = String((Number(want) + 1) % 1e8).padStart(8, '0');
    if (adapter.verify(secret, algorithm, ms, 8, wrong)) return `RFC 6238 vector T=${row[0]}: accepts a wrong code`;
  }
  return null;
}

/** Inputs for timing: 256 random 20-byte secrets × 16 random moments in 2020–2040, and a wrong code for each pair. */
function makeInputs(core, algorithm) {
  const random = mulberry32(0x2fa5eed + ALGORITHMS.indexOf(algorithm));
  const secrets = Array.from({ length: SECRET_COUNT }, () => {
    const bytes = Uint8Array.from({ length: 20 }, () => Math.floor(random() * 256));
    return { bytes, b32: core.encodeBase32(bytes) };
  });
  const from = Date.UTC(2020, 0, 1);
  const to = Date.UTC(2040, 0, 1);
  const times = Array.from({ length: TIME_COUNT }, () => from + Math.floor(random() * (to - from)));
  const wrong = new Array(INPUTS);
  for (let i = 0; i < INPUTS; i++) {
    const secret = secrets[i % SECRET_COUNT].b32;
    const ms = times[(i / SECRET_COUNT) | 0];
    const near = [-30000, 0, 30000].map((d) => core.generateTotp(secret, { algorithm, now: ms + d }));
    let code = (Number(near[1]) + 500000) % 1e6;
    while (near.includes(String(code).padStart(6, '0'))) code = (code + 1) % 1e6;
    wrong[i] = String(code).padStart(6, '0');
  }
  return { secrets, times, wrong };
}

/** Also checks, on the timing inputs, that a library agrees with ours and refuses the wrong codes. */
function inputCheck(adapter, algorithm, inputs, reference) {
  for (let i = 0; i < INPUTS; i += 97) {
    const secret = inputs.secrets[i % SECRET_COUNT];
    const ms = inputs.times[(i / SECRET_COUNT) | 0];
    const got = adapter.generate(secret, algorithm, ms, 6);
    if (got !== reference.generate(secret, algorithm, ms, 6)) return `disagrees on input ${i}`;
    if (!adapter.verify(secret, algorithm, ms, 6, got)) return `refuses the current code on input ${i}`;
    if (adapter.verify(secret, algorithm, ms, 6, inputs.wrong[i])) return `accepts a wrong code on input ${i}`;
  }
  return null;
}

/** The six TOTP groups. `core` is the built dist of this package. */
export function totpGroups(core) {
  const groups = [];
  const libs = Object.entries(adapters).map(([lib, make]) => [lib, make(core)]);
  const reference = libs[0][1];
  for (const algorithm of ALGORITHMS) {
    const inputs = makeInputs(core, algorithm);
    const { secrets, times, wrong } = inputs;
    const pair = (i) => {
      const k = i & (INPUTS - 1);
      return [secrets[k & (SECRET_COUNT - 1)], times[k >>> 8], k];
    };
    const check = (adapter) => () => rfcCheck(adapter, algorithm) ?? inputCheck(adapter, algorithm, inputs, reference);
    const usable = libs.filter(([, a]) => a.algorithms.includes(algorithm));
    groups.push({
      kind: 'totp', op: 'generateTotp', algorithm,
      title: `generateTotp ${algorithm}`,
      candidates: usable.map(([lib, a]) => ({
        lib, note: a.note, check: check(a),
        run: (i) => { const [s, ms] = pair(i); return a.generate(s, algorithm, ms, 6); },
      })),
    });
    groups.push({
      kind: 'totp', op: 'verifyTotp', algorithm,
      title: `verifyTotp ${algorithm} (±1 step, wrong code)`,
      candidates: usable.map(([lib, a]) => ({
        lib, note: a.note, check: check(a),
        run: (i) => { const [s, ms, k] = pair(i); return a.verify(s, algorithm, ms, 6, wrong[k]); },
      })),
    });
  }
  return groups;
}
