// The OTP kernel shared by HOTP, TOTP and the server's code checks: option checks, the truncated values of
// a run of counters under one keyed HMAC, code parsing and the constant-time value comparison.
import { algorithmOption, type Algorithm } from '../algorithm.js';
import { counterMac, truncatedMac, wipeCounterMac } from '../hmac.js';
import { digitsOption } from './parameters.js';

// Longest code text looked at; anything longer is `{ valid: false }` without normalising.
const MAX_CODE_CHARS = 64;

/** Validated algorithm and digits. @internal */
export function otpOptions(options: { algorithm?: Algorithm; digits?: number }): { algorithm: Algorithm; digits: number } {
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

