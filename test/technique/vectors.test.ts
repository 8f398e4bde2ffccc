// Every published vector through the public API, secrets as bytes and as base32, plus the RFC 4226
// intermediate values through the library's own HMAC and truncation.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateHotp, generateTotp, verifyHotp, verifyTotp, type Algorithm } from '../../src/index.js';
import { keyedHmac } from '../../src/hmac.js';

const root = new URL('../..', import.meta.url);
const readJson = <T>(path: string): T => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as T;
const ascii = (text: string) => new TextEncoder().encode(text);
const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const counterBytes = (counter: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, counter);
  return out;
};

interface Rfc4226 {
  secretAscii: string; secretHex: string; secretBase32: string; digits: number;
  vectors: { counter: number; hmacHex: string; truncatedHex: string; truncated: number; hotp: string }[];
}
interface Rfc6238 {
  period: number; epoch: number; digits: number;
  secrets: Record<Algorithm, { ascii: string; base32: string }>;
  vectors: { time: number; stepHex: string; algorithm: Algorithm; totp: string }[];
}
type OathVector =
  | { mode: 'totp'; algorithm: Algorithm; digits: number; secretHex: string; secretBase32: string; period: number; epoch: number; time: number; step: number; code: string; command: string }
  | { mode: 'hotp'; algorithm: Algorithm; digits: number; secretHex: string; secretBase32: string; counter: string; code: string; command: string };

const rfc4226 = readJson<Rfc4226>('vectors/rfc4226.json');
const rfc6238 = readJson<Rfc6238>('vectors/rfc6238.json');
const oath = readJson<{ vectors: OathVector[] }>('vectors/oathtool.json');

/** A code that differs from `code` in its last digit: must never verify at the same counter/step. */
const wrongCode = (code: string) => code.slice(0, -1) + ((Number(code.at(-1)) + 1) % 10);

describe('RFC 4226 Appendix D', () => {
  const secret = ascii(rfc4226.secretAscii);

  it('the file carries the RFC secret in all three spellings', () => {
    expect(toHex(secret)).toBe(rfc4226.secretHex);
    expect(encodeBase32(secret)).toBe(rfc4226.secretBase32);
    expect(rfc4226.vectors.map((v) => v.counter)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it.each(rfc4226.vectors)('counter $counter: HMAC-SHA-1 = $hmacHex', ({ counter, hmacHex }) => {
    const mac = keyedHmac('SHA1', secret);
    expect(toHex(mac(counterBytes(BigInt(counter))))).toBe(hmacHex);
  });

  it.each(rfc4226.vectors)('counter $counter: truncated $truncated', ({ counter, hmacHex, truncated, truncatedHex }) => {
    expect(parseInt(truncatedHex, 16)).toBe(truncated);
    // RFC 4226 §5.3 by hand from the intermediate HMAC: offset = low nibble of the last byte.
    const hmac = fromHex(hmacHex);
    const offset = hmac[19]! & 0x0f;
    expect(new DataView(hmac.buffer).getUint32(offset) & 0x7fffffff).toBe(truncated);
    // The truncated value is below 2^31 < 10^10, so a 10-digit code is exactly it, zero-padded.
    expect(generateHotp(secret, counter, { digits: 10 })).toBe(String(truncated).padStart(10, '0'));
  });

  it.each(rfc4226.vectors)('counter $counter: HOTP $hotp', ({ counter, hotp }) => {
    for (const s of [secret, rfc4226.secretBase32, rfc4226.secretBase32.toLowerCase()]) {
      expect(generateHotp(s, counter)).toBe(hotp);
      expect(generateHotp(s, BigInt(counter))).toBe(hotp);
      expect(verifyHotp(s, hotp, counter)).toEqual({ valid: true, counter: BigInt(counter), delta: 0 });
      expect(verifyHotp(s, wrongCode(hotp), counter)).toEqual({ valid: false });
    }
    // Found by looking ahead from counter 0, with the distance reported.
    expect(verifyHotp(secret, hotp, 0, { lookAhead: 9 })).toEqual({ valid: true, counter: BigInt(counter), delta: counter });
  });

  it('the keyed HMAC gives the same digest when reused across counters in any order', () => {
    const mac = keyedHmac('SHA1', secret);
    for (const v of [...rfc4226.vectors].reverse()) expect(toHex(mac(counterBytes(BigInt(v.counter))))).toBe(v.hmacHex);
  });
});

describe('RFC 6238 Appendix B', () => {
  it.each(rfc6238.vectors)('$algorithm at $time s: $totp', ({ time, stepHex, algorithm, totp }) => {
    const { ascii: seed, base32 } = rfc6238.secrets[algorithm];
    const bytes = ascii(seed);
    expect(encodeBase32(bytes)).toBe(base32);
    const step = Number(BigInt(`0x${stepHex}`));
    for (const secret of [bytes, base32]) {
      for (const now of [time * 1000, new Date(time * 1000)]) {
        const options = { algorithm, digits: rfc6238.digits, period: rfc6238.period, now };
        expect(generateTotp(secret, options)).toBe(totp);
        expect(verifyTotp(secret, totp, options)).toEqual({ valid: true, step, delta: 0 });
        expect(verifyTotp(secret, wrongCode(totp), { ...options, window: 0 })).toEqual({ valid: false });
      }
    }
    // The same value is the HOTP of the step.
    expect(generateHotp(bytes, step, { algorithm, digits: 8 })).toBe(totp);
  });

  it('a code from the previous step verifies with delta −1 and not with window 0', () => {
    const options = { digits: 8, now: 1_111_111_111_000 };
    // 1111111109 and 1111111111 straddle a step boundary (…23EC, …23ED).
    const previous = rfc6238.vectors.find((v) => v.time === 1111111109 && v.algorithm === 'SHA1')!;
    const secret = ascii(rfc6238.secrets.SHA1.ascii);
    expect(verifyTotp(secret, previous.totp, options)).toEqual({ valid: true, step: 0x23523ec, delta: -1 });
    expect(verifyTotp(secret, previous.totp, { ...options, window: 0 })).toEqual({ valid: false });
  });
});

describe('oathtool cross-implementation vectors', () => {
  it('has at least 300 vectors covering every hash, digits 6–8, HOTP and far-future times', () => {
    const { vectors } = oath;
    expect(vectors.length).toBeGreaterThanOrEqual(300);
    for (const algorithm of ['SHA1', 'SHA256', 'SHA512']) {
      for (const digits of [6, 7, 8]) {
        expect(vectors.some((v) => v.mode === 'totp' && v.algorithm === algorithm && v.digits === digits)).toBe(true);
      }
    }
    const times = new Set(vectors.flatMap((v) => (v.mode === 'totp' ? [v.time] : [])));
    for (const edge of [0, 2 ** 31, 2 ** 32, 253_402_300_800, 8.64e12]) expect(times.has(edge), `time ${edge}`).toBe(true);
    const counters = new Set(vectors.flatMap((v) => (v.mode === 'hotp' ? [BigInt(v.counter)] : [])));
    for (const edge of [0n, 2n ** 32n, 2n ** 53n, 2n ** 64n - 1n]) expect(counters.has(edge), `counter ${edge}`).toBe(true);
    for (const v of vectors) expect(v.command).toMatch(/^oathtool /);
  });

  const totp = oath.vectors.filter((v) => v.mode === 'totp');
  const hotp = oath.vectors.filter((v) => v.mode === 'hotp');

  it(`${totp.length} TOTP vectors: generate and verify, bytes and base32`, () => {
    for (const v of totp) {
      const bytes = fromHex(v.secretHex);
      expect(encodeBase32(bytes), v.command).toBe(v.secretBase32);
      // Anywhere inside the second gives the same code.
      for (const [secret, now] of [[bytes, v.time * 1000], [v.secretBase32, Math.min(v.time * 1000 + 999, 8.64e15)]] as const) {
        const options = { algorithm: v.algorithm, digits: v.digits, period: v.period, epoch: v.epoch, now };
        expect(generateTotp(secret, options), v.command).toBe(v.code);
        expect(verifyTotp(secret, v.code, { ...options, window: 0 }), v.command).toEqual({ valid: true, step: v.step, delta: 0 });
        expect(verifyTotp(secret, v.code, { ...options, afterStep: v.step }), v.command).toEqual({ valid: false });
      }
    }
  });

  it(`${hotp.length} HOTP vectors: generate and verify, bigint and number counters`, () => {
    for (const v of hotp) {
      const bytes = fromHex(v.secretHex);
      const counter = BigInt(v.counter);
      const options = { algorithm: v.algorithm, digits: v.digits };
      for (const secret of [bytes, v.secretBase32]) {
        expect(generateHotp(secret, counter, options), v.command).toBe(v.code);
        if (counter <= BigInt(Number.MAX_SAFE_INTEGER)) expect(generateHotp(secret, Number(counter), options), v.command).toBe(v.code);
        expect(verifyHotp(secret, v.code, counter, options), v.command).toEqual({ valid: true, counter, delta: 0 });
      }
      if (counter >= 3n) {
        expect(verifyHotp(bytes, v.code, counter - 3n, { ...options, lookAhead: 3 }), v.command).toEqual({ valid: true, counter, delta: 3 });
      }
    }
  });

  it('scripts/make-oathtool-vectors.mjs regenerates vectors/oathtool.json byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-factor-vectors-'));
    try {
      const out = join(dir, 'oathtool.json');
      execFileSync(process.execPath, [new URL('scripts/make-oathtool-vectors.mjs', root).pathname, '--out', out], { stdio: 'pipe' });
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(new URL('vectors/oathtool.json', root), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
