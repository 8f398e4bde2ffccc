// The checks every field of a stored record is read with, and the one STORE_ERROR they throw. A leaf
// module, so the record parsers and the trusted-devices parser share them without an import cycle.
import { TwoFactorError } from '../errors.js';
import { describe } from '../internal/assert.js';

/**
 * Refuses a stored record: `STORE_ERROR` naming `record.<field>` (`record` when `field` is empty), the rule
 * and a description of the value, never the value itself. @internal
 * @throws TwoFactorError `STORE_ERROR`, always
 */
export function bad(field: string, rule: string, value: unknown): never {
  const name = field === '' ? 'record' : `record.${field}`;
  throw new TwoFactorError('STORE_ERROR', `"${name}" must be ${rule}, got ${describe(value)}`);
}

/** A plain object (not null, not an array). @internal */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A time in epoch milliseconds: a safe integer ≥ 0. @internal
 * @throws TwoFactorError `STORE_ERROR` naming `record.<field>`
 */
export function time(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad(field, 'epoch milliseconds', value);
  return value;
}

/**
 * A safe integer in [min, max]. @internal
 * @throws TwoFactorError `STORE_ERROR` naming `record.<field>`
 */
export function safeInteger(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) bad(field, `an integer ${min}–${max}`, value);
  return value;
}
