// The OTP kernel shared by HOTP, TOTP and the server's code checks: option checks, the truncated values of
// a run of counters under one keyed HMAC, code parsing and the constant-time value comparison.
import { algorithmOption, type Algorithm } from '../algorithm.js';
import { counterMac, truncatedMac, wipeCounterMac } from '../hmac.js';
import { digitsOption, MAX_DIGITS, MIN_DIGITS } from './parameters.js';

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

/** A typed code read once per request: its length in digits and its value (below 2^31). @internal */
export interface TypedCode {
  digits: number;
  value: number;
}

/** The typed text with spaces removed, or null when it is not a string of at most 64 characters. */
function compactCode(code: unknown): string | null {
  if (typeof code !== 'string' || code.length > MAX_CODE_CHARS) return null;
  return code.includes(' ') ? code.replace(/ /g, '') : code;
}

/** The value of a run of ASCII digits, or -1 for any other character or a value of 2^31 or more. */
function digitsValue(compact: string): number {
  let value = 0;
  for (let i = 0; i < compact.length; i++) {
    const d = compact.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value < 2 ** 31 ? value : -1;
}

/**
 * Parses a user-typed code: spaces ignored, exactly `digits` ASCII digits. Returns the numeric value,
 * or -1 when it cannot be a code (then no HMAC is computed). A value of 2^31 or more can never equal a
 * truncated HOTP value, so it is refused here too; that depends only on the typed input.
 * @internal
 */
export function parseCode(code: unknown, digits: number): number {
  const compact = compactCode(code);
  return compact !== null && compact.length === digits ? digitsValue(compact) : -1;
}

/**
 * Reads a user-typed code once, for checking against factors of several lengths: spaces ignored, 6–10
 * ASCII digits. Null when it cannot be a code of any length (then no HMAC is computed). @internal
 */
export function readCode(code: unknown): TypedCode | null {
  const compact = compactCode(code);
  if (compact === null || compact.length < MIN_DIGITS || compact.length > MAX_DIGITS) return null;
  const value = digitsValue(compact);
  return value < 0 ? null : { digits: compact.length, value };
}

/**
 * The TOTP step among `current − past … current + future` (never below 0, never at or below `afterStep`)
 * whose code is `expected`: the one closest to `current`, the earlier on a tie; -1 when none is. The key
 * is scheduled once and every step is computed and compared, with no early exit. Inputs are trusted. @internal
 */
export function matchStep(key: Uint8Array, algorithm: Algorithm, digits: number, expected: number, current: number, past: number, future: number, afterStep = -1): number {
  const lowest = Math.max(current - past, afterStep + 1, 0);
  const highest = current + future;
  if (lowest > highest) return -1;
  const values = otpValues(key, algorithm, Math.floor(lowest / 2 ** 32), lowest >>> 0, highest - lowest + 1);
  let best = -1;
  let bestDistance = Infinity;
  for (let step = lowest; step <= highest; step++) {
    const matches = valueMatches(values[step - lowest]!, digits, expected);
    const distance = Math.abs(step - current);
    // No early exit; among matches keep the step closest to now (the earlier on a tie, as steps ascend).
    if (matches && distance < bestDistance) { best = step; bestDistance = distance; }
  }
  return best;
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

