// Boundary validation helpers. Every public function validates once here; internals trust their inputs.
// Messages follow one format: `"field" must be <rule>, got <what>` and never echo secrets or codes.
import { TwoFactorError, type TwoFactorErrorCode } from '../errors.js';

/** A short, secret-free description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value); // 'NaN', 'Infinity' included
  // Decimal conversion of a huge bigint is quadratic (seconds for a few MB) and would flood the message.
  if (typeof value === 'bigint') return value > 2n ** 64n || value < -(2n ** 64n) ? 'a bigint beyond ±2^64' : `${value}n`;
  if (typeof value === 'string') return `a string of length ${value.length}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return typeof value;
}

export function fail(code: TwoFactorErrorCode, field: string, rule: string, value: unknown): never {
  throw new TwoFactorError(code, `"${field}" must be ${rule}, got ${describe(value)}`);
}

/** An integer in [min, max]; `undefined` yields `fallback`. */
export function integerOption(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail('INVALID_OPTION', field, `an integer ${min}–${max}`, value);
  }
  return value;
}

/** The options argument itself: `undefined` or a plain object. */
export function optionsObject<T extends object>(value: T | undefined, field = 'options'): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('INVALID_OPTION', field, 'an object', value);
  return value;
}

/** A string no longer than `maxLength`. */
export function stringOption(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string') fail('INVALID_OPTION', field, 'a string', value);
  if (value.length > maxLength) fail('INVALID_OPTION', field, `at most ${maxLength} characters`, value);
  return value;
}
