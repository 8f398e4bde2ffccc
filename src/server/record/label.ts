// Factor labels and ids: the names a user sees and the handles an app keeps.
import { fail } from '../../internal/assert.js';
import { isWellFormed } from '../../internal/text.js';
import { randomBytes } from '../../internal/random.js';
import { encodeBase32 } from '../../base32.js';

/** Longest factor label, in UTF-16 code units. */
export const MAX_LABEL_CHARS = 64;
/** The rule a label must meet, as error messages state it. @internal */
export const LABEL_RULE = `a string of 1–${MAX_LABEL_CHARS} characters without control characters`;
/** Label of an authenticator app added without one, and of the factor of a record migrated from 0.1. */
export const DEFAULT_TOTP_LABEL = 'Authenticator app';
/** Label of a hardware token added without one. */
export const DEFAULT_HOTP_LABEL = 'Hardware token';

// C0, DEL and C1 controls: they would break the lines of a page or a log that shows the label.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** True for a label the service stores: 1–64 characters, no control character, no lone surrogate. @internal */
export function isLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_LABEL_CHARS && !CONTROL.test(value) && isWellFormed(value) && value.trim().length > 0;
}

/** A label argument (`undefined`: `fallback`); `INVALID_OPTION` naming `field` otherwise. @internal */
export function labelArgument(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!isLabel(value)) fail('INVALID_OPTION', field, LABEL_RULE, value);
  return value;
}

const FACTOR_ID = /^f_[a-z2-7]{10}$/;
/** The id a factor migrated from a 0.1 record gets: fixed, so it stays the same on every read until the record is rewritten (and after). @internal */
export const MIGRATED_FACTOR_ID = 'f_aaaaaaaaaa';

/** True for a factor id as the service makes them: `f_` and 10 base32 characters (50 random bits). @internal */
export const isFactorId = (value: unknown): value is string => typeof value === 'string' && FACTOR_ID.test(value);

/** A factor id argument; `INVALID_OPTION` naming `factorId` unless it has the shape of an id. @internal */
export function factorIdArgument(value: unknown): string {
  if (!isFactorId(value)) fail('INVALID_OPTION', 'factorId', 'a factor id (f_ and 10 characters a–z, 2–7)', value);
  return value;
}

/** A fresh random factor id, distinct from `taken` (a collision among 10 ids of 50 bits is ~1e-13, but cheap to rule out). @internal */
export function newFactorId(taken: readonly { id: string }[]): string {
  for (;;) {
    const id = `f_${encodeBase32(randomBytes(7)).slice(0, 10).toLowerCase()}`;
    if (!taken.some((factor) => factor.id === id)) return id;
  }
}
