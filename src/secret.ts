import { integerOption, optionsObject } from './internal/assert.js';
import { MAX_SECRET_BYTES } from './base32.js';
import { randomBytes } from './internal/random.js';

/**
 * A shared secret: raw bytes, or base32 text (case, spaces, hyphens and padding are tolerated).
 */
export type Secret = Uint8Array | string;

/** Default secret length in bytes: 160 bits, RFC 4226 R6's recommendation and what authenticator apps expect. */
export const DEFAULT_SECRET_BYTES = 20;
/** Shortest secret {@link generateSecret} makes, in bytes: RFC 4226 R6 requires at least 128 bits. */
export const MIN_SECRET_BYTES = 16;

/**
 * Generates a new shared secret from the platform CSPRNG (`crypto.getRandomValues`).
 *
 * Verifying accepts shorter legacy secrets (e.g. 80-bit ones imported from elsewhere); only
 * *generating* one below 128 bits is refused.
 *
 * @param options.bytes - length in bytes, 16–1024, default 20 (160 bits, RFC 4226 R6)
 * @returns fresh random bytes; encode them with {@link encodeBase32} to show or store
 * @throws TwoFactorError `INVALID_OPTION` when `bytes` is not an integer in 16–1024
 *
 * @example
 * ```ts
 * const secret = generateSecret();      // Uint8Array(20)
 * encodeBase32(secret).length;          // 32
 * ```
 */
export function generateSecret(options?: { bytes?: number }): Uint8Array {
  const { bytes } = optionsObject(options);
  return randomBytes(integerOption(bytes, 'bytes', MIN_SECRET_BYTES, MAX_SECRET_BYTES, DEFAULT_SECRET_BYTES));
}
