// HOTP, RFC 4226: HMAC over an 8-byte big-endian counter, dynamic truncation, modulo 10^digits.
import { integerOption, optionsObject } from './internal/assert.js';
import { counterOption, MAX_COUNTER } from './internal/parameters.js';
import { codeString, counterHalves, otpOptions, otpValues, parseCode, valueMatches } from './internal/otp.js';
import { secretBytes } from './base32.js';
import type { Algorithm } from './algorithm.js';
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
