// HOTP, RFC 4226: HMAC over an 8-byte big-endian counter, dynamic truncation, modulo 10^digits.
import { integerOption, optionsObject } from './internal/assert.js';
import { counterOption, digitsOption, MAX_COUNTER } from './internal/parameters.js';
import { secretBytes } from './base32.js';
import { algorithmOption, type Algorithm } from './algorithm.js';
import { counterMac, truncatedMac, wipeCounterMac } from './hmac.js';
import type { Secret } from './secret.js';

/** Options shared by HOTP and TOTP. */
export interface OtpOptions {
  /** HMAC hash; default `'SHA1'`. */
  algorithm?: Algorithm;
  /** Code length, 6–10; default 6. */
  digits?: number;
}

/** Result of {@link verifyHotp}: the matched counter and how far ahead of the expected one it was. */
export type HotpVerifyResult = { valid: true; counter: bigint; delta: number } | { valid: false };

/** Most counters {@link verifyHotp} looks ahead; resynchronisation beyond this belongs to a support flow. */
export const MAX_LOOK_AHEAD = 1000;
// Longest code text looked at; anything longer is `{ valid: false }` without normalising.
const MAX_CODE_CHARS = 64;

/** Validated algorithm and digits. @internal */
export function otpOptions(options: OtpOptions): { algorithm: Algorithm; digits: number } {
  return { algorithm: algorithmOption(options.algorithm), digits: digitsOption(options.digits) };
}

/**
 * The 31-bit dynamically truncated values (RFC 4226 §5.3) for `count` consecutive counters from
 * `hi·2^32 + lo`, with the key scheduled once for all of them and wiped before returning.
 * @internal
 */
export function otpValues(secret: Uint8Array, algorithm: Algorithm, hi: number, lo: number, count: number): number[] {
  const values = new Array<number>(count);
  const mac = counterMac(algorithm, secret);
  for (let k = 0; k < count; k++) {
    values[k] = truncatedMac(mac, hi, lo);
    if (lo === 0xffffffff) { lo = 0; hi += 1; } else lo += 1;
  }
  wipeCounterMac(mac);
  return values;
}

// 10^digits for digits 0–10: a table lookup in the verify loop instead of an exponentiation per step.
const POW10 = Array.from({ length: 11 }, (_, d) => 10 ** d);

/** A truncated value as a zero-padded code string. @internal */
export function codeString(value: number, digits: number): string {
  return String(value % POW10[digits]!).padStart(digits, '0');
}

/**
 * Parses a user-typed code: spaces ignored, exactly `digits` ASCII digits. Returns the numeric value,
 * or -1 when it cannot be a code (then no HMAC is computed). A value of 2^31 or more can never equal a
 * truncated HOTP value, so it is refused here too; that depends only on the typed input.
 * @internal
 */
export function parseCode(code: unknown, digits: number): number {
  if (typeof code !== 'string' || code.length > MAX_CODE_CHARS) return -1;
  const compact = code.includes(' ') ? code.replace(/ /g, '') : code;
  if (compact.length !== digits) return -1;
  let value = 0;
  for (let i = 0; i < compact.length; i++) {
    const d = compact.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value < 2 ** 31 ? value : -1;
}

/**
 * Constant-time equality of a candidate OTP value with the parsed input: both are below 2^31, the
 * comparison is one XOR with no data-dependent branch or early exit.
 * @internal
 */
export function valueMatches(value: number, digits: number, expected: number): boolean {
  return ((value % POW10[digits]!) ^ expected) === 0;
}

/** Splits a validated counter into 32-bit halves. @internal */
export function counterHalves(counter: number | bigint): [hi: number, lo: number] {
  if (typeof counter === 'bigint') return [Number(counter >> 32n), Number(counter & 0xffffffffn)];
  return [Math.floor(counter / 2 ** 32), counter >>> 0];
}

/**
 * Generates an HOTP code (RFC 4226 §5.3).
 *
 * @param secret - the shared secret, bytes or base32
 * @param counter - the moving factor: a safe integer ≥ 0, or a bigint up to 2^64−1
 * @param options - `algorithm` (default `'SHA1'`) and `digits` (6–10, default 6)
 * @returns the code as a zero-padded digit string
 * @throws TwoFactorError `INVALID_SECRET` for a bad secret, `INVALID_OPTION` for a bad counter or option
 *
 * @example
 * ```ts
 * generateHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0); // '755224' (RFC 4226 Appendix D)
 * ```
 */
export function generateHotp(secret: Secret, counter: number | bigint, options?: OtpOptions): string {
  const { algorithm, digits } = otpOptions(optionsObject(options));
  const key = secretBytes(secret);
  const [hi, lo] = counterHalves(counterOption(counter));
  return codeString(otpValues(key, algorithm, hi, lo, 1)[0]!, digits);
}

/**
 * Verifies an HOTP code against `counter` and, with `lookAhead`, the next counters (RFC 4226 §7.4
 * resynchronisation; HOTP never looks back). The caller must store `counter + 1` of a match so the
 * code cannot be used again.
 *
 * A code of the wrong length or with characters other than digits and spaces is `{ valid: false }`
 * without any HMAC being computed. Codes are compared in constant time.
 *
 * @param secret - the shared secret, bytes or base32
 * @param code - what the user typed; spaces are ignored
 * @param counter - the next expected counter
 * @param options - `algorithm`, `digits`, and `lookAhead` (0–1000 further counters, default 0)
 * @returns `{ valid: true, counter, delta }` with the matched counter, or `{ valid: false }`
 * @throws TwoFactorError `INVALID_SECRET` / `INVALID_OPTION` for bad arguments (never for a bad code)
 *
 * @example
 * ```ts
 * verifyHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '287082', 0, { lookAhead: 2 });
 * // { valid: true, counter: 1n, delta: 1 }
 * ```
 */
export function verifyHotp(
  secret: Secret,
  code: string,
  counter: number | bigint,
  options?: OtpOptions & { lookAhead?: number },
): HotpVerifyResult {
  const opts = optionsObject(options);
  const { algorithm, digits } = otpOptions(opts);
  const lookAhead = integerOption(opts.lookAhead, 'lookAhead', 0, MAX_LOOK_AHEAD, 0);
  const key = secretBytes(secret);
  const start = BigInt(counterOption(counter));
  const expected = parseCode(code, digits);
  if (expected < 0) return { valid: false };
  const last = start + BigInt(lookAhead) > MAX_COUNTER ? MAX_COUNTER : start + BigInt(lookAhead);
  const [hi, lo] = counterHalves(start);
  const count = Number(last - start);
  const values = otpValues(key, algorithm, hi, lo, count + 1);
  let matched = -1;
  for (let delta = 0; delta <= count; delta++) {
    // No early exit: every candidate costs the same whether or not an earlier one matched.
    if (valueMatches(values[delta]!, digits, expected) && matched < 0) matched = delta;
  }
  return matched < 0 ? { valid: false } : { valid: true, counter: start + BigInt(matched), delta: matched };
}
