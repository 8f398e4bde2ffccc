// base32 (src/base32.ts): RFC 4648 vectors, round trips, lenient decoding and what it refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, formatSetupKey, generateHotp, generateTotp, verifyTotp } from '../src/index.js';
import { expectError } from './support/expect-error.js';

describe('base32', () => {
  it('RFC 4648 §10 vectors (unpadded)', () => {
    const cases: [string, string][] = [['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of cases) {
      const bytes = new TextEncoder().encode(plain);
      expect(encodeBase32(bytes)).toBe(encoded);
      expect(decodeBase32(encoded)).toEqual(bytes);
      expect(decodeBase32(encoded.padEnd(Math.ceil(encoded.length / 8) * 8, '='))).toEqual(bytes);
    }
    expect(encodeBase32(new Uint8Array(0))).toBe('');
  });

  it('round trip: decode(encode(bytes)) = bytes, upper case, no padding, ⌈8n/5⌉ characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 1024 }), (bytes) => {
        const text = encodeBase32(bytes);
        expect(text).toMatch(/^[A-Z2-7]+$/);
        expect(text.length).toBe(Math.ceil((bytes.length * 8) / 5));
        expect(decodeBase32(text)).toEqual(bytes);
        // A subarray view encodes its own bytes, not the whole buffer.
        const padded = new Uint8Array(bytes.length + 2);
        padded.set(bytes, 1);
        expect(encodeBase32(padded.subarray(1, 1 + bytes.length))).toBe(text);
        expect(decodeBase32(formatSetupKey(bytes))).toEqual(bytes);
        expect(formatSetupKey(bytes)).toMatch(/^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/);
      }),
    );
  });

  it('lenient decoding (random case, spaces, hyphens, padding) equals strict decoding', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.array(fc.boolean(), { maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '-', '  ', '\t', '\n', ' - ')), { maxLength: 10 }),
        fc.boolean(),
        (bytes, lower, separators, pad) => {
          const strict = encodeBase32(bytes);
          let text = [...strict].map((c, i) => (lower[i] ? c.toLowerCase() : c)).join('');
          for (const [p, sep] of separators) {
            const at = p % (text.length + 1);
            text = text.slice(0, at) + sep + text.slice(at);
          }
          if (pad) text += '='.repeat((8 - (strict.length % 8)) % 8);
          expect(decodeBase32(text)).toEqual(decodeBase32(strict));
          expect(generateHotp(text, 7)).toBe(generateHotp(bytes, 7));
        },
      ),
    );
  });

  it('impossible lengths (1, 3 or 6 mod 8) are INVALID_SECRET', () => {
    const base32Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.constantFrom(1, 3, 6), fc.array(base32Char, { minLength: 326, maxLength: 326 }), (groups, rest, chars) => {
        const text = chars.slice(0, groups * 8 + rest).join('');
        expectError(() => decodeBase32(text), 'INVALID_SECRET');
        expectError(() => generateTotp(text), 'INVALID_SECRET');
      }),
    );
    for (const text of ['A', 'ABC', 'ABCDEF', 'ABCDEFGHA', 'A=======']) expectError(() => decodeBase32(text), 'INVALID_SECRET');
    for (const text of ['AB', 'ABCD', 'ABCDE', 'ABCDEFG', 'ABCDEFGH']) expect(decodeBase32(text).length).toBeGreaterThan(0);
  });

  it('characters outside the alphabet are INVALID_SECRET, including letters that upper-case into it', () => {
    const bad = fc.constantFrom('0', '1', '8', '9', '!', '+', '/', '_', '.', ',', 'é', 'ı', 'ſ', 'ﬀ', 'Ａ', '\u0000', '=', '😀');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 40 }), bad, fc.nat(), (bytes, char, p) => {
        const strict = encodeBase32(bytes);
        const at = p % strict.length; // strictly inside, so a '=' here is not trailing padding
        const text = strict.slice(0, at) + char + strict.slice(at);
        expectError(() => decodeBase32(text), 'INVALID_SECRET');
        expectError(() => verifyTotp(text, '123456'), 'INVALID_SECRET');
      }),
    );
    // Letters whose upper case is ASCII: 'ı'.toUpperCase() === 'I', 'ſ' → 'S', 'ﬀ' → 'FF'.
    for (const text of ['ıııııııı', 'ſſſſſſſſ', 'ﬀﬀﬀﬀ', 'MZXW6===YTBOI', '=MZXW6YTB']) expectError(() => decodeBase32(text), 'INVALID_SECRET');
  });
});
