// The limits of the OTP parameters, one definition each: digits, period, counter.
import { fail, integerOption } from './assert.js';

/** Code length: 6–10 digits (RFC 4226 §5.3 asks for at least 6; 10 is the most a 31-bit value gives). */
export const MIN_DIGITS = 6;
export const MAX_DIGITS = 10;
export const DEFAULT_DIGITS = 6;
/** TOTP step, whole seconds (RFC 6238 §5.2 recommends 30). */
export const DEFAULT_PERIOD_SECONDS = 30;
export const MAX_PERIOD_SECONDS = 2 ** 32 - 1;
/** HOTP counters are 8 bytes (RFC 4226 §5.1). */
export const MAX_COUNTER = 0xffffffffffffffffn; // 2^64 − 1, a literal so bundlers can drop it when unused
export const COUNTER_RULE = 'an integer 0–2^64−1';

export const isDigits = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= MIN_DIGITS && value <= MAX_DIGITS;

/** A `digits` option; `undefined` is the default. */
export function digitsOption(value: unknown, field = 'digits'): number {
  return integerOption(value, field, MIN_DIGITS, MAX_DIGITS, DEFAULT_DIGITS);
}

/** A `period` option in seconds, 1–`max`; `undefined` is the default. */
export function periodOption(value: unknown, field = 'period', max = MAX_PERIOD_SECONDS): number {
  return integerOption(value, field, 1, max, DEFAULT_PERIOD_SECONDS);
}

/** An HOTP counter: a safe integer ≥ 0 or a bigint up to 2^64−1. */
export function counterOption(value: unknown, field = 'counter'): number | bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > MAX_COUNTER) fail('INVALID_OPTION', field, COUNTER_RULE, value);
    return value;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail('INVALID_OPTION', field, 'a safe integer ≥ 0 or a bigint 0–2^64−1', value);
  }
  return value;
}
