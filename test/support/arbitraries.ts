// fast-check arbitraries and constants shared by the HOTP and TOTP suites.
import fc from 'fast-check';
import type { Algorithm } from '../../src/index.js';

/** The RFC 4226 / RFC 6238 SHA-1 test secret. */
export const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
/** The last millisecond a Date can hold. */
export const MAX_NOW_MS = 8.64e15;

export const secretArb = fc.uint8Array({ minLength: 1, maxLength: 64 });
export const algorithmArb = fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512');
export const digitsArb = fc.integer({ min: 6, max: 10 });
export const periodArb = fc.oneof(fc.constantFrom(1, 15, 30, 60, 90, 3600), fc.integer({ min: 1, max: 100_000 }));
/** Times far enough from both ends that every step of a ±6 window exists and can be generated. */
export const nowArb = (period: number) => fc.integer({ min: 6 * period * 1000, max: MAX_NOW_MS - 7 * period * 1000 - 1e9 });
