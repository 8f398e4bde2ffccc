// Base32 (RFC 4648 §6) at the edge: bytes inside, strings for people and URIs.
import base32Encode from 'base32-encode';
import base32Decode from 'base32-decode';
import { fail } from './internal/assert.js';

/** The longest secret accepted anywhere, in bytes. HMAC takes any key length; this only bounds hostile input. */
export const MAX_SECRET_BYTES = 1024;
// Longest base32 text accepted before normalising: the encoding of MAX_SECRET_BYTES plus room for
// spaces, hyphens and padding that people and other tools add.
const MAX_BASE32_CHARS = 4096;
// Checked before upper-casing: toUpperCase maps some non-ASCII letters onto the alphabet ('ı' → 'I',
// 'ſ' → 'S', 'ﬀ' → 'FF'), which would silently decode text that is not base32.
const BASE32_CHARS = /^[A-Za-z2-7]*$/;
const IGNORED = /[\s-]/g;

/**
 * Encodes bytes as RFC 4648 base32: upper case, no `=` padding (the Key Uri Format says padding
 * "should be omitted").
 *
 * @param bytes - the bytes to encode, usually a secret from {@link generateSecret}
 * @returns base32 text such as `"JBSWY3DPEHPK3PXP"`
 * @throws TwoFactorError `INVALID_OPTION` when `bytes` is not a `Uint8Array`
 *
 * @example
 * ```ts
 * encodeBase32(new TextEncoder().encode('Hello!')); // 'JBSWY3DPEE'
 * ```
 */
export function encodeBase32(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) fail('INVALID_OPTION', 'bytes', 'a Uint8Array', bytes);
  // base32-encode rejects Uint8Arrays from other realms; a same-realm view over the same memory is accepted.
  return base32Encode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'RFC4648', { padding: false });
}

/**
 * Decodes base32 the way authenticator apps read typed keys: case-insensitive, spaces and hyphens
 * ignored, trailing `=` padding optional. Anything else is refused rather than silently mis-decoded.
 *
 * @param text - base32 text, e.g. `"jbsw y3dp-ehpk 3pxp"`
 * @returns the decoded bytes (never empty)
 * @throws TwoFactorError `INVALID_SECRET` for an empty result, a character outside `A–Z 2–7`, `=` anywhere
 *   but the end, a length that no byte string encodes to (1, 3 or 6 mod 8), or more than 1024 bytes
 *
 * @example
 * ```ts
 * decodeBase32('jbsw y3dp ee======'); // Uint8Array of 'Hello!'
 * ```
 */
export function decodeBase32(text: string): Uint8Array {
  return decodeBase32Field(text, 'text');
}

/** {@link decodeBase32} with the field name to use in error messages. @internal */
export function decodeBase32Field(text: unknown, field: string): Uint8Array {
  if (typeof text !== 'string') fail('INVALID_SECRET', field, 'a base32 string or a Uint8Array', text);
  if (text.length > MAX_BASE32_CHARS) fail('INVALID_SECRET', field, `at most ${MAX_BASE32_CHARS} characters of base32`, text);
  let compact = text.replace(IGNORED, '');
  // Trailing padding stripped with a loop: /=+$/ backtracks quadratically on a long run of "=" mid-text.
  let end = compact.length;
  while (end > 0 && compact.charCodeAt(end - 1) === 61 /* "=" */) end--;
  if (end < compact.length) compact = compact.slice(0, end);
  if (compact.length === 0) fail('INVALID_SECRET', field, 'non-empty base32', text);
  if (!BASE32_CHARS.test(compact)) {
    fail('INVALID_SECRET', field, 'base32 (letters A–Z and digits 2–7; spaces, hyphens and trailing "=" allowed)', text);
  }
  const normalised = compact.toUpperCase();
  const rest = normalised.length % 8;
  if (rest === 1 || rest === 3 || rest === 6) {
    fail('INVALID_SECRET', field, 'base32 of a possible length (a length of 1, 3 or 6 mod 8 encodes no byte string)', text);
  }
  const bytes = new Uint8Array(base32Decode(normalised, 'RFC4648'));
  if (bytes.length > MAX_SECRET_BYTES) fail('INVALID_SECRET', field, `at most ${MAX_SECRET_BYTES} bytes`, bytes);
  return bytes;
}

/**
 * Formats a secret for people to read and type: upper-case base32 in groups of four separated by
 * spaces, e.g. `"JBSW Y3DP EHPK 3PXP"`. {@link decodeBase32} reads it back unchanged.
 *
 * @param secret - bytes, or base32 text in any accepted spelling
 * @throws TwoFactorError `INVALID_SECRET` when the secret is empty or not valid base32
 *
 * @example
 * ```ts
 * formatSetupKey('jbswy3dpehpk3pxp'); // 'JBSW Y3DP EHPK 3PXP'
 * ```
 */
export function formatSetupKey(secret: Uint8Array | string): string {
  const encoded = encodeBase32(secretBytes(secret));
  return encoded.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Resolves a {@link Secret} argument to bytes: base32 text is decoded, bytes are checked.
 * @internal
 */
export function secretBytes(secret: unknown, field = 'secret'): Uint8Array {
  if (typeof secret === 'string') return decodeBase32Field(secret, field);
  if (!(secret instanceof Uint8Array)) fail('INVALID_SECRET', field, 'a base32 string or a Uint8Array', secret);
  if (secret.length === 0) fail('INVALID_SECRET', field, 'non-empty', secret);
  if (secret.length > MAX_SECRET_BYTES) fail('INVALID_SECRET', field, `at most ${MAX_SECRET_BYTES} bytes`, secret);
  return secret;
}
