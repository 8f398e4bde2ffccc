// HOTP (src/hotp.ts): look-ahead, counters across the 32-bit halves up to 2^64 − 1, and the codes people
// type (spaces ignored, anything else { valid: false }), shared by HOTP and TOTP verification.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateHotp, generateTotp, verifyHotp, verifyTotp } from '../src/index.js';
import { referenceHotp } from './support/reference.js';
import { algorithmArb, digitsArb, RFC_SECRET, secretArb } from './support/arbitraries.js';

describe('verifyHotp lookAhead', () => {
  it('finds counter + k for every k ≤ lookAhead with delta k, never counter − 1 or counter + lookAhead + 1', () => {
    fc.assert(
      fc.property(
        secretArb, fc.bigInt({ min: 1n, max: 2n ** 64n - 12n }), fc.integer({ min: 0, max: 10 }), digitsArb,
        (secret, counter, lookAhead, digits) => {
          const codes = Array.from({ length: lookAhead + 2 }, (_, k) => referenceHotp(secret, counter + BigInt(k), 'SHA1', digits));
          for (let k = 0; k <= lookAhead + 1; k++) {
            const code = generateHotp(secret, counter + BigInt(k), { digits });
            expect(code).toBe(codes[k]);
            const first = codes.indexOf(code); // HOTP looks forward and takes the earliest match
            const expected = first <= lookAhead ? { valid: true, counter: counter + BigInt(first), delta: first } : { valid: false };
            expect(verifyHotp(secret, code, counter, { digits, lookAhead })).toEqual(expected);
          }
          const before = generateHotp(secret, counter - 1n, { digits });
          if (!codes.slice(0, lookAhead + 1).includes(before)) expect(verifyHotp(secret, before, counter, { digits, lookAhead })).toEqual({ valid: false });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('stops at 2^64 − 1 instead of wrapping to counter 0', () => {
    const last = 2n ** 64n - 1n;
    expect(verifyHotp(RFC_SECRET, generateHotp(RFC_SECRET, last), last - 2n, { lookAhead: 5 })).toEqual({ valid: true, counter: last, delta: 2 });
    expect(verifyHotp(RFC_SECRET, generateHotp(RFC_SECRET, 0), last - 2n, { lookAhead: 5 })).toEqual({ valid: false });
  });
});

describe('counters', () => {
  it('bigint counters up to 2^64 − 1 agree with node:crypto, across the 32-bit halves', () => {
    fc.assert(
      fc.property(secretArb, algorithmArb, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (secret, algorithm, counter) => {
        expect(generateHotp(secret, counter, { algorithm })).toBe(referenceHotp(secret, counter, algorithm));
      }),
      { numRuns: 300 },
    );
    for (const counter of [0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]) {
      expect(generateHotp(RFC_SECRET, counter)).toBe(referenceHotp(RFC_SECRET, counter));
    }
  });

  it('number counters up to 2^53 − 1 agree with node:crypto and with the same bigint', () => {
    fc.assert(
      fc.property(secretArb, fc.maxSafeNat(), (secret, counter) => {
        const code = generateHotp(secret, counter);
        expect(code).toBe(referenceHotp(secret, BigInt(counter)));
        expect(generateHotp(secret, BigInt(counter))).toBe(code);
      }),
      { numRuns: 300 },
    );
    expect(generateHotp(RFC_SECRET, Number.MAX_SAFE_INTEGER)).toBe(referenceHotp(RFC_SECRET, 2n ** 53n - 1n));
  });
});

describe('codes typed by people', () => {
  it('a correct code with spaces anywhere verifies', () => {
    fc.assert(
      fc.property(secretArb, digitsArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (secret, digits, positions) => {
        const now = 1_700_000_000_000;
        const code = generateTotp(secret, { now, digits });
        const addSpaces = (text: string) =>
          positions.reduce((acc, p) => {
            const at = p % (acc.length + 1);
            return `${acc.slice(0, at)} ${acc.slice(at)}`;
          }, text);
        expect(verifyTotp(secret, addSpaces(code), { now, digits })).toMatchObject({ valid: true, delta: 0 });
        expect(verifyHotp(secret, addSpaces(generateHotp(secret, 5, { digits })), 5, { digits })).toEqual({ valid: true, counter: 5n, delta: 0 });
      }),
    );
    expect(verifyTotp(RFC_SECRET, '942 870 82', { now: 59_000, digits: 8 })).toEqual({ valid: true, step: 1, delta: 0 });
  });

  it('a code of the wrong length or with non-digits is { valid: false }', () => {
    const now = 59_000;
    const code = generateTotp(RFC_SECRET, { now, digits: 8 }); // '94287082'
    for (const bad of [
      code.slice(1), `${code}0`, `0${code}`, code.slice(0, 6), '', ' ', `${code.slice(0, 7)}a`, `${code.slice(0, 7)}-`,
      `-${code.slice(1)}`, `+${code.slice(1)}`, `${code.slice(0, 4)}.${code.slice(5)}`, '９４２８７０８２', `${code}\n`, `\t${code}`,
      '1e7', 'NaN', '0x1234', `${code.slice(0, 7)}\u0000`,
    ]) {
      expect(verifyTotp(RFC_SECRET, bad, { now, digits: 8 }), JSON.stringify(bad)).toEqual({ valid: false });
      expect(verifyHotp(RFC_SECRET, bad, 1, { digits: 8 }), JSON.stringify(bad)).toEqual({ valid: false });
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        fc.pre(!/^[0-9 ]*$/.test(text));
        expect(verifyTotp(RFC_SECRET, text, { now })).toEqual({ valid: false });
      }),
    );
  });
});
