// Assertions on TwoFactorError: the code and the field the message names.
import { expect } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { parseRecord } from '../../src/server/record/parse.js';

/** Runs `fn`, expects a TwoFactorError with `code` (and naming `field`, when given), returns it. */
export function expectError(fn: () => unknown, code: string, field?: string): TwoFactorError {
  try {
    fn();
  } catch (e) {
    return checked(e, code, field);
  }
  throw new Error('expected a TwoFactorError');
}

/** Awaits `promise`, expects it to reject with a TwoFactorError with `code` (naming `field`), returns it. */
export async function expectRejection(promise: Promise<unknown>, code: string, field?: string): Promise<TwoFactorError> {
  const e = await promise.then(
    () => {
      throw new Error('expected a TwoFactorError');
    },
    (error: unknown) => error,
  );
  return checked(e, code, field);
}

function checked(e: unknown, code: string, field: string | undefined): TwoFactorError {
  expect(e).toBeInstanceOf(TwoFactorError);
  expect((e as TwoFactorError).code).toBe(code);
  if (field !== undefined) expect((e as TwoFactorError).message).toContain(`"${field}"`);
  return e as TwoFactorError;
}

/** The TwoFactorError `run` throws; fails the test when it throws something else or nothing. */
export function thrown(run: () => unknown): TwoFactorError {
  try {
    run();
  } catch (e) {
    if (e instanceof TwoFactorError) return e;
    throw new Error(`expected a TwoFactorError, got ${String(e)}`);
  }
  throw new Error('expected a TwoFactorError, nothing was thrown');
}

/** parseRecord refuses `record` with STORE_ERROR, in a short message saying what `record.<field>` must be. */
export function expectRecordRefused(record: unknown, field: string): void {
  const error = expectError(() => parseRecord(record), 'STORE_ERROR');
  expect(error.message).toContain(`"record.${field}" must be`);
  expect(error.message.length).toBeLessThan(300);
}
