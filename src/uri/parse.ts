// Parsing otpauth:// URIs as real producers write them: lenient where they differ, strict where a
// misreading would break codes.
import { fail } from '../internal/assert.js';
import { COUNTER_RULE, DEFAULT_DIGITS, DEFAULT_PERIOD_SECONDS, MAX_COUNTER, MAX_DIGITS, MAX_PERIOD_SECONDS, MIN_DIGITS } from '../internal/parameters.js';
import { isWellFormed } from '../internal/text.js';
import { TwoFactorError } from '../errors.js';
import { decodeBase32Field } from '../base32.js';
import { ALGORITHM_RULE, DEFAULT_ALGORITHM, parseAlgorithmName, type Algorithm } from '../algorithm.js';
import { labelPartProblem, MAX_OTPAUTH_URI_CHARS, SCHEME, validImage, type OtpauthParams } from './params.js';

const PARAMETERS = ['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'image'] as const;
type ParameterName = (typeof PARAMETERS)[number];

/**
 * Parses an otpauth URI as written by this library, other libraries and real services.
 *
 * Lenient where real producers differ, strict where a misreading would break codes:
 * - Scheme, type and parameter names are case-insensitive; `algorithm` may be spelled `sha1`, `SHA-1`,
 *   `sha-256`, …; the secret may be lower case, padded or contain spaces; unknown parameters are ignored,
 *   and so are `period` on hotp and `counter` on totp.
 * - Percent-encoding is decoded as UTF-8; in parameter values a `+` also means a space (form encoding,
 *   which URLSearchParams-based producers use), in the label a `+` is a plus (RFC 3986 path).
 * - A known parameter given twice is refused: two readers could pick different values (a different secret).
 * - `image` is returned only when it is an `https:`/`http:` URL; otherwise it is dropped, since a bad
 *   logo should not stop an enrolment.
 *
 * **Issuer and account.** The `issuer` parameter wins over a label prefix when they disagree (Microsoft
 * sends `Company%3Aalice?issuer=Microsoft`); neither is an error. The label is split by the first rule
 * that applies:
 * 1. an `issuer` parameter exists and the decoded label is that issuer, optional spaces, `:`, account
 *    (how every consistent producer writes it, whether its colon is literal or `%3A`);
 * 2. the raw label has a literal `:` — split at the first one. This library encodes every colon inside a
 *    part as `%3A`, so its own URIs always split at the right place;
 * 3. an `issuer` parameter exists and the raw label has `%3A` — split at the first one (the Key Uri Format
 *    allows `%3A` as the separator and forbids colons in either part);
 * 4. otherwise the whole label is the account. Without an issuer parameter a `%3A` cannot be told from a
 *    colon inside an account name (this library writes `a%3Ab` for the account `a:b` with no issuer), so the
 *    label is kept whole rather than guessed at.
 * White space around each part (the `*"%20"` the label grammar allows after the separator) is dropped.
 *
 * **Result.** `secret` is bytes. `algorithm` and `digits` are always filled in (defaults SHA1, 6); `period`
 * is filled in for totp (default 30 s) and absent for hotp; `counter` is present for hotp only, as a
 * `number` when it is a safe integer (≤ 2^53−1) and a `bigint` above. `issuer` and `image` are present
 * only when the URI has them. Whatever this returns, {@link buildOtpauthUri} accepts.
 *
 * @param uri - the URI text (surrounding white space is ignored), at most 4096 characters
 * @returns the parameters
 * @throws TwoFactorError `INVALID_URI` with the reason (too long, wrong scheme or type, bad percent-encoding,
 *   missing secret or account, digits not 6–10, period not an integer ≥ 1, counter not an integer 0–2^64−1,
 *   hotp without counter, a repeated parameter); `INVALID_SECRET` when the secret is not valid base32
 *
 * @example
 * ```ts
 * const p = parseOtpauthUri('otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example');
 * // { type: 'totp', secret: Uint8Array(10), accountName: 'alice@google.com', issuer: 'Example',
 * //   algorithm: 'SHA1', digits: 6, period: 30 }
 * ```
 */
export function parseOtpauthUri(uri: string): OtpauthParams {
  if (typeof uri !== 'string') fail('INVALID_URI', 'uri', 'a string', uri);
  // Before trimming or any other pass over the text, so hostile input costs nothing.
  if (uri.length > MAX_OTPAUTH_URI_CHARS) fail('INVALID_URI', 'uri', `at most ${MAX_OTPAUTH_URI_CHARS} characters`, uri);
  const text = uri.trim();
  if (!isWellFormed(text)) fail('INVALID_URI', 'uri', 'well-formed text (no lone surrogates)', uri);
  if (text.slice(0, SCHEME.length).toLowerCase() !== SCHEME) fail('INVALID_URI', 'uri', 'an otpauth:// URI', uri);

  const hash = text.indexOf('#', SCHEME.length); // a fragment is not part of the key
  const body = text.slice(SCHEME.length, hash === -1 ? text.length : hash);
  const slash = body.indexOf('/');
  const question = body.indexOf('?');
  if (slash === -1 || (question !== -1 && question < slash)) {
    fail('INVALID_URI', 'uri', 'of the form otpauth://TYPE/LABEL?PARAMETERS', uri);
  }
  const typeText = body.slice(0, slash).toLowerCase();
  if (typeText !== 'totp' && typeText !== 'hotp') fail('INVALID_URI', 'type', "'totp' or 'hotp'", body.slice(0, slash));
  const type: 'totp' | 'hotp' = typeText;
  const rawLabel = question === -1 ? body.slice(slash + 1) : body.slice(slash + 1, question);
  const values = queryValues(question === -1 ? '' : body.slice(question + 1));

  const issuerParameter = values.issuer === undefined ? undefined : values.issuer.trim();
  const { labelIssuer, accountName } = splitLabel(rawLabel, issuerParameter || undefined);
  const issuer = issuerParameter || labelIssuer || undefined;
  checkLabelPart(accountName, 'accountName');
  if (issuer !== undefined) checkLabelPart(issuer, 'issuer');

  if (values.secret === undefined) missing('secret', 'present (the Key Uri Format requires it)');
  const secret = decodeBase32Field(values.secret, 'secret');

  const result: OtpauthParams = {
    type,
    secret,
    accountName,
    ...(issuer === undefined ? {} : { issuer }),
    algorithm: values.algorithm === undefined ? DEFAULT_ALGORITHM : algorithmParameter(values.algorithm),
    digits: values.digits === undefined ? DEFAULT_DIGITS : decimalParameter(values.digits, 'digits', BigInt(MIN_DIGITS), BigInt(MAX_DIGITS)),
  };
  if (type === 'totp') {
    result.period =
      values.period === undefined ? DEFAULT_PERIOD_SECONDS : decimalParameter(values.period, 'period', 1n, BigInt(MAX_PERIOD_SECONDS));
  } else {
    if (values.counter === undefined) missing('counter', "present for 'hotp'");
    result.counter = decimalCounter(values.counter);
  }
  if (values.image !== undefined && validImage(values.image)) result.image = values.image;
  return result;
}

/** Decoded values of the known parameters; a known name given twice is refused, unknown names are skipped. */
function queryValues(query: string): Partial<Record<ParameterName, string>> {
  const values: Partial<Record<ParameterName, string>> = {};
  if (query === '') return values;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq), 'parameter name', true).toLowerCase();
    if (!(PARAMETERS as readonly string[]).includes(name)) continue;
    const key = name as ParameterName;
    if (values[key] !== undefined) throw new TwoFactorError('INVALID_URI', `"${key}" must be given once (a repeated parameter is ambiguous), got it twice`);
    values[key] = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1), key, true);
  }
  return values;
}

/**
 * Percent-decodes UTF-8. `plusIsSpace` applies form encoding to query values.
 * The field name goes into the error; the text does not (it may hold a secret).
 */
function decodeComponent(raw: string, field: string, plusIsSpace: boolean): string {
  const text = plusIsSpace && raw.includes('+') ? raw.split('+').join(' ') : raw;
  try {
    return decodeURIComponent(text);
  } catch {
    return fail('INVALID_URI', field, 'valid percent-encoded UTF-8', raw);
  }
}

/** Splits a raw (still encoded) label into issuer prefix and account by the rules in {@link parseOtpauthUri}. */
function splitLabel(rawLabel: string, issuerParameter: string | undefined): { labelIssuer?: string; accountName: string } {
  const label = decodeComponent(rawLabel, 'label', false);
  if (issuerParameter !== undefined) {
    // Rule 1: `<issuer> *space ":" account`, the colon literal or encoded.
    const start = label.length - label.trimStart().length;
    if (label.startsWith(issuerParameter, start)) {
      let i = start + issuerParameter.length;
      while (i < label.length && label[i] === ' ') i++;
      if (label[i] === ':') return { labelIssuer: issuerParameter, accountName: label.slice(i + 1).trim() };
    }
  }
  // Rule 2: the first literal colon. A UTF-8 sequence never contains 0x3A, so each side decodes on its own.
  const colon = rawLabel.indexOf(':');
  if (colon !== -1) {
    return {
      labelIssuer: decodeComponent(rawLabel.slice(0, colon), 'label', false).trim(),
      accountName: decodeComponent(rawLabel.slice(colon + 1), 'label', false).trim(),
    };
  }
  // Rule 3: the first `%3A`, trusted as a separator only when the issuer parameter shows an issuer exists.
  const encoded = issuerParameter === undefined ? -1 : rawLabel.toUpperCase().indexOf('%3A');
  if (encoded !== -1) {
    return {
      labelIssuer: decodeComponent(rawLabel.slice(0, encoded), 'label', false).trim(),
      accountName: decodeComponent(rawLabel.slice(encoded + 3), 'label', false).trim(),
    };
  }
  return { accountName: label.trim() };
}

function missing(field: string, rule: string): never {
  throw new TwoFactorError('INVALID_URI', `"${field}" must be ${rule}, got none`);
}

function checkLabelPart(value: string, field: string): void {
  if (value.length === 0) fail('INVALID_URI', field, 'non-empty (the label names the account)', value);
  const problem = labelPartProblem(value);
  if (problem !== undefined) fail('INVALID_URI', field, problem, value);
}

/** `SHA1`, `sha1`, `SHA-1`, `sha-256`, … → the closed union; anything else is refused, never defaulted. */
function algorithmParameter(value: string): Algorithm {
  return parseAlgorithmName(value) ?? fail('INVALID_URI', 'algorithm', ALGORITHM_RULE, value);
}

/** Plain ASCII decimal digits, or `undefined` (signs, spaces, dots and exponents are not integers here). */
function decimalDigits(value: string): bigint | undefined {
  if (value.length === 0 || value.length > 32) return undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return BigInt(value);
}

function decimalParameter(value: string, field: string, min: bigint, max: bigint): number {
  const n = decimalDigits(value);
  if (n === undefined || n < min || n > max) {
    // The number itself is worth showing; an absurdly long digit string only by its length.
    fail('INVALID_URI', field, `an integer ${min}–${max}`, n === undefined || n > MAX_COUNTER ? value : Number(n));
  }
  return Number(n);
}

function decimalCounter(value: string): number | bigint {
  const n = decimalDigits(value);
  if (n === undefined || n > MAX_COUNTER) fail('INVALID_URI', 'counter', COUNTER_RULE, value);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}
