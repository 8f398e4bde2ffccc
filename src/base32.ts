// Base32 (RFC 4648 §6) at the edge: bytes inside, strings for people and URIs.
import base32Encode from 'base32-encode';
import { fail } from './internal/assert.js';

/** The longest secret accepted anywhere, in bytes. HMAC takes any key length; this only bounds hostile input. */
export const MAX_SECRET_BYTES = 1024;
// Longest base32 text accepted before normalising: the encoding of MAX_SECRET_BYTES plus room for
// spaces, hyphens and padding that people and other tools add.
const MAX_BASE32_CHARS = 4096;

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
  // One pass, no regular expression and no intermediate strings: this runs on every verification of a
  // base32 secret. ASCII letters are folded by arithmetic, never by toUpperCase, which would map some
  // non-ASCII letters onto the alphabet ('ı' → 'I', 'ſ' → 'S') and silently decode text that is not base32.
  const out = new Uint8Array((text.length * 5) >> 3);
  let symbols = 0;
  let bytes = 0;
  let buffer = 0;
  let bits = 0;
  let padding = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let value: number;
    if (c >= 65 && c <= 90) value = c - 65; // A–Z
    else if (c >= 97 && c <= 122) value = c - 97; // a–z
    else if (c >= 50 && c <= 55) value = c - 24; // 2–7 → 26–31
    else if (c === 61) { padding = true; continue; } // "=": only spaces, hyphens and more "=" may follow
    else if (c === 45 || c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(text[i]!))) continue;
    else return fail('INVALID_SECRET', field, 'base32: A–Z and 2–7, with spaces, "-" and a trailing "=" ignored', text);
    if (padding) fail('INVALID_SECRET', field, 'base32 with "=" only at the end', text);
    symbols++;
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[bytes++] = buffer >>> bits;
    }
  }
  if (symbols === 0) fail('INVALID_SECRET', field, 'non-empty base32', text);
  const rest = symbols % 8;
  if (rest === 1 || rest === 3 || rest === 6) {
    fail('INVALID_SECRET', field, 'base32 of a valid length (not 1, 3 or 6 mod 8)', text);
  }
  if (bytes > MAX_SECRET_BYTES) fail('INVALID_SECRET', field, `at most ${MAX_SECRET_BYTES} bytes`, out.subarray(0, bytes));
  // Whitespace, hyphens and padding leave `out` longer than the bytes; otherwise it is returned as is.
  return bytes === out.length ? out : out.slice(0, bytes);
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
