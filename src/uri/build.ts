// Building otpauth:// URIs. Encoded by hand: URLSearchParams writes a space as `+`, which apps show
// literally (@oslojs/otp#8).
import { fail } from '../internal/assert.js';
import { counterOption, DEFAULT_DIGITS, DEFAULT_PERIOD_SECONDS, digitsOption, periodOption } from '../internal/parameters.js';
import { encodeBase32, secretBytes } from '../base32.js';
import { algorithmOption, DEFAULT_ALGORITHM } from '../algorithm.js';
import type { Secret } from '../secret.js';
import { labelPartProblem, MAX_IMAGE_CHARS, MAX_OTPAUTH_URI_CHARS, SCHEME, validImage, type OtpauthParams } from './params.js';

const HEX = '0123456789ABCDEF';
const UTF8 = new TextEncoder();

/**
 * Builds an otpauth URI for a QR code or a link, following the Key Uri Format:
 * `otpauth://TYPE/ISSUER:ACCOUNT?secret=…&issuer=…`.
 *
 * - The label is `issuer:accountName`, or just `accountName` without an issuer. Each part is
 *   percent-encoded by hand (RFC 3986 §2.3 unreserved characters kept, everything else UTF-8
 *   percent-encoded): a space is `%20`, never `+`; a colon inside either part is `%3A`, so the one
 *   literal `:` is always the separator.
 * - `issuer` is sent as a parameter too (newer apps read the parameter, older ones the label).
 * - The secret is upper-case base32 without padding.
 * - `algorithm`, `digits` and `period` are written only when they differ from SHA1 / 6 / 30 s: a shorter
 *   URI makes a smaller QR code, and many apps ignore these parameters anyway.
 * - `counter` is written for (and required by) `hotp`; `period` belongs to `totp` only.
 *
 * @param params - `type`, `secret` (bytes or base32), `accountName` (1–256 characters), optional `issuer`
 *   (1–256 characters), `algorithm`, `digits` (6–10), `period` (integer seconds ≥ 1), `counter` (hotp: safe
 *   integer ≥ 0 or bigint up to 2^64−1), `image` (an `https:`/`http:` URL, at most 2048 characters).
 *   `accountName` and `issuer` may not start or end with white space, contain control characters or lone
 *   surrogates (they could not be read back or shown faithfully).
 * @returns the URI, at most {@link MAX_OTPAUTH_URI_CHARS} characters, pure ASCII
 * @throws TwoFactorError `INVALID_SECRET` for a bad secret; `INVALID_OPTION` naming the field for any other
 *   bad parameter, or `"uri"` when the result would exceed 4096 characters
 *
 * @example
 * ```ts
 * buildOtpauthUri({ type: 'totp', secret: 'JBSWY3DPEHPK3PXP', accountName: 'alice@example.com', issuer: 'Acme Co' });
 * // 'otpauth://totp/Acme%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Co'
 * ```
 */
export function buildOtpauthUri(params: Omit<OtpauthParams, 'secret'> & { secret: Secret }): string {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) fail('INVALID_OPTION', 'params', 'an object', params);
  const { type } = params;
  if (type !== 'totp' && type !== 'hotp') fail('INVALID_OPTION', 'type', "'totp' or 'hotp'", type);
  const secret = encodeBase32(secretBytes(params.secret, 'secret'));
  const accountName = labelPartOption(params.accountName, 'accountName');
  const issuer = params.issuer === undefined ? undefined : labelPartOption(params.issuer, 'issuer');
  const algorithm = algorithmOption(params.algorithm);
  const digits = digitsOption(params.digits);

  let query = `secret=${secret}`;
  if (issuer !== undefined) query += `&issuer=${percentEncode(issuer)}`;
  if (algorithm !== DEFAULT_ALGORITHM) query += `&algorithm=${algorithm}`;
  if (digits !== DEFAULT_DIGITS) query += `&digits=${digits}`;
  if (type === 'totp') {
    if (params.counter !== undefined) fail('INVALID_OPTION', 'counter', "omitted for 'totp' (it is for 'hotp')", params.counter);
    const period = periodOption(params.period);
    if (period !== DEFAULT_PERIOD_SECONDS) query += `&period=${period}`;
  } else {
    if (params.period !== undefined) fail('INVALID_OPTION', 'period', "omitted for 'hotp' (it is for 'totp')", params.period);
    if (params.counter === undefined) fail('INVALID_OPTION', 'counter', "given for 'hotp'", params.counter);
    query += `&counter=${counterOption(params.counter)}`;
  }
  if (params.image !== undefined) query += `&image=${percentEncode(imageOption(params.image))}`;

  const label = issuer === undefined ? percentEncode(accountName) : `${percentEncode(issuer)}:${percentEncode(accountName)}`;
  const uri = `${SCHEME}${type}/${label}?${query}`;
  if (uri.length > MAX_OTPAUTH_URI_CHARS) {
    fail('INVALID_OPTION', 'uri', `at most ${MAX_OTPAUTH_URI_CHARS} characters (shorten accountName, issuer or image)`, uri);
  }
  return uri;
}

/** RFC 3986 §2.1/§2.3 percent-encoding of UTF-8: unreserved ASCII kept, every other byte `%XX`. */
function percentEncode(text: string): string {
  let out = '';
  for (const byte of UTF8.encode(text)) {
    const unreserved =
      (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) ||
      byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e;
    out += unreserved ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

function labelPartOption(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail('INVALID_OPTION', field, 'a non-empty string', value);
  const problem = labelPartProblem(value);
  if (problem !== undefined) fail('INVALID_OPTION', field, problem, value);
  return value;
}

function imageOption(value: unknown): string {
  if (typeof value !== 'string' || !validImage(value)) {
    fail('INVALID_OPTION', 'image', `an https: or http: URL of at most ${MAX_IMAGE_CHARS} characters`, value);
  }
  return value;
}
