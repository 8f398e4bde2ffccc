// node:crypto createHmac as a second, independent implementation: random secrets, all three hashes,
// digits 6–10 (9 and 10 are beyond what oathtool computes), random times, periods and T0s.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, generateHotp, generateTotp, verifyHotp, verifyTotp, type Algorithm } from '../../src/index.js';
import { counterMac, keyedHmac } from '../../src/hmac.js';
import { referenceHotp, referenceStep, referenceTotp, referenceTruncated } from '../support/reference.js';
import { createHash, createHmac } from 'node:crypto';

const MAX_NOW_MS = 8.64e15;
// Up to 200 bytes: longer than the SHA-1/SHA-256 block (64 B) and the SHA-512 block (128 B), so keys
// that HMAC must hash first are covered too.
const secretArb = fc.uint8Array({ minLength: 1, maxLength: 200 });
const algorithmArb = fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512');
const digitsArb = fc.integer({ min: 6, max: 10 });
const periodArb = fc.oneof(fc.constantFrom(1, 30, 60), fc.integer({ min: 1, max: 1_000_000 }));
const epochArb = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4_000_000_000 }));

describe('node:crypto oracle', () => {
  it('keyedHmac equals createHmac for every hash, key length and message, reused across messages', () => {
    fc.assert(
      fc.property(algorithmArb, secretArb, fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), (algorithm, key, messages) => {
        const mac = keyedHmac(algorithm, key);
        for (const message of messages) {
          const expected = createHmac(algorithm.toLowerCase(), key).update(message).digest();
          expect(Buffer.from(mac(message)).equals(expected)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the reused HMAC states hold nothing of the key after a call, for short and long (pre-hashed) keys', () => {
    for (const algorithm of ['SHA1', 'SHA256', 'SHA512'] as const) {
      // counterMac hands back the one object every call reuses; generate/verify must leave it wiped.
      const mac = counterMac(algorithm, new Uint8Array([1]));
      for (const key of [new Uint8Array(20).fill(7), new Uint8Array(200).fill(9)]) {
        expect(generateTotp(key, { algorithm, now: 1e12 })).toBe(referenceTotp(key, 1e12, { algorithm }));
        verifyTotp(key, '000000', { algorithm, now: 1e12, window: 2 });
        // The keyed states are back at the initial hash value: finishing a copy gives the hash of nothing.
        const empty = createHash(algorithm.replace('SHA', 'sha')).digest();
        expect(Buffer.from(mac.inner.clone().digest()).equals(empty)).toBe(true);
        expect(Buffer.from(mac.outer.clone().digest()).equals(empty)).toBe(true);
        expect(() => mac.work.clone().digest()).toThrow(/destroyed/); // zeroed by destroy()
        expect([...mac.pad, ...mac.digest].every((b) => b === 0)).toBe(true);
      }
    }
  });

  it('generateHotp equals the oracle (bigint and number counters, digits 6–10)', () => {
    fc.assert(
      fc.property(
        secretArb, algorithmArb, digitsArb, fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 53n - 1n })),
        (secret, algorithm, digits, counter) => {
          const expected = referenceHotp(secret, counter, algorithm, digits);
          expect(generateHotp(secret, counter, { algorithm, digits })).toBe(expected);
          expect(generateHotp(encodeBase32(secret), counter, { algorithm, digits })).toBe(expected);
          if (counter <= BigInt(Number.MAX_SAFE_INTEGER)) expect(generateHotp(secret, Number(counter), { algorithm, digits })).toBe(expected);
          expect(verifyHotp(secret, expected, counter, { algorithm, digits })).toEqual({ valid: true, counter, delta: 0 });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('generateTotp and verifyTotp equal the oracle at random times, periods and T0s', () => {
    fc.assert(
      fc.property(
        secretArb, algorithmArb, digitsArb, periodArb, epochArb, fc.integer({ min: 0, max: MAX_NOW_MS }), fc.boolean(),
        (secret, algorithm, digits, period, epoch, offsetMs, asDate) => {
          const nowMs = Math.min(epoch * 1000 + offsetMs, MAX_NOW_MS);
          const now = asDate ? new Date(nowMs) : nowMs;
          const options = { algorithm, digits, period, epoch, now };
          const expected = referenceTotp(secret, nowMs, { algorithm, digits, period, epoch });
          expect(generateTotp(secret, options)).toBe(expected);
          const step = referenceStep(nowMs, period, epoch);
          expect(verifyTotp(secret, expected, { ...options, window: 0 })).toEqual({ valid: true, step, delta: 0 });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('digits 9 and 10 keep the leading zeros and the full 31-bit value', () => {
    fc.assert(
      fc.property(secretArb, algorithmArb, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (secret, algorithm, counter) => {
        const truncated = referenceTruncated(secret, counter, algorithm);
        expect(generateHotp(secret, counter, { algorithm, digits: 10 })).toBe(String(truncated).padStart(10, '0'));
        expect(generateHotp(secret, counter, { algorithm, digits: 9 })).toBe(String(truncated % 1e9).padStart(9, '0'));
        // A 10-digit input that equals the value modulo 2^32 is still wrong (no 32-bit wrap-around in the compare).
        expect(verifyHotp(secret, String(truncated + 2 ** 32), counter, { algorithm, digits: 10 })).toEqual({ valid: false });
        expect(verifyHotp(secret, String(truncated).padStart(10, '0'), counter, { algorithm, digits: 10 })).toMatchObject({ valid: true });
      }),
      { numRuns: 200 },
    );
    // A 10-digit code is at most 2147483647: anything larger can never match, and must not throw.
    expect(verifyHotp(new Uint8Array([1]), '9999999999', 0, { digits: 10 })).toEqual({ valid: false });
  });

  it('a base32 secret decodes to the bytes the oracle was keyed with', () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        expect(Buffer.from(decodeBase32(encodeBase32(secret))).equals(Buffer.from(secret))).toBe(true);
        expect(generateTotp(encodeBase32(secret).toLowerCase(), { now: 1e12 })).toBe(referenceTotp(secret, 1e12));
      }),
    );
  });
});
