// The checks every field of a stored record is read with, and the one STORE_ERROR they throw: shared by the
// schema-2 parser, the 0.1 migration, the factor list and the trusted devices.
import { TwoFactorError } from '../../errors.js';
import { describe } from '../../internal/assert.js';
import { isDigits, MAX_DIGITS, MIN_DIGITS } from '../../internal/parameters.js';
import { ALGORITHM_RULE, isAlgorithm } from '../../algorithm.js';
import { MAX_SECRET_BYTES } from '../../base32.js';
import { MAX_BACKUP_CODE_COUNT } from '../../backup-codes/codes.js';
import { countBackupCodes } from '../../backup-codes/format.js';
import { MAX_ENROLLMENT_TTL_MS, MAX_KEY_ID_CHARS, MAX_TOTP_PERIOD_SECONDS, type PendingEnrollment, type SealedSecret, type TotpParameters } from './types.js';

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

// Stored secrets are at most the core's MAX_SECRET_BYTES: in base32 when clear, base64url with the
// 16-byte GCM tag when sealed. Anything longer was not written by the service.
const MAX_CLEAR_SECRET_CHARS = Math.ceil((MAX_SECRET_BYTES * 8) / 5);
const MAX_CIPHERTEXT_CHARS = Math.ceil(((MAX_SECRET_BYTES + 16) * 4) / 3);

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE32 = /^[A-Z2-7]+$/;

/** @internal */
export function sealed(value: unknown, field: string): SealedSecret {
  if (!isObject(value)) bad(field, 'a sealed secret object', value);
  if (value.alg === 'none') {
    // Lengths 1, 3 and 6 mod 8 encode no byte string.
    const { secret } = value;
    if (typeof secret !== 'string' || secret.length > MAX_CLEAR_SECRET_CHARS || !BASE32.test(secret) || [1, 3, 6].includes(secret.length % 8)) {
      bad(`${field}.secret`, `upper-case base32 of 1–${MAX_SECRET_BYTES} bytes`, secret);
    }
    return { alg: 'none', secret };
  }
  if (value.alg === 'A256GCM') {
    const { kid, iv, ct } = value;
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KEY_ID_CHARS) bad(`${field}.kid`, `a key id of 1–${MAX_KEY_ID_CHARS} characters`, kid);
    if (typeof iv !== 'string' || iv.length !== 16 || !BASE64URL.test(iv)) bad(`${field}.iv`, '12 bytes of base64url', iv);
    // At least the 16-byte GCM tag plus one byte of secret: 17 bytes, 23 characters.
    if (typeof ct !== 'string' || ct.length < 23 || ct.length > MAX_CIPHERTEXT_CHARS || !BASE64URL.test(ct)) {
      bad(`${field}.ct`, `base64url ciphertext of 23–${MAX_CIPHERTEXT_CHARS} characters`, ct);
    }
    // v 2: the associated data names the secret's place too; absent (0.2): the user alone.
    if (value.v !== undefined && value.v !== 2) bad(`${field}.v`, '2 or absent', value.v);
    return value.v === 2 ? { alg: 'A256GCM', kid, iv, ct, v: 2 } : { alg: 'A256GCM', kid, iv, ct };
  }
  return bad(`${field}.alg`, "'none' or 'A256GCM'", value.alg);
}

/** @internal */
export function parameters(value: Record<string, unknown>, field: string): TotpParameters {
  const { algorithm, digits, period } = value;
  if (!isAlgorithm(algorithm)) bad(`${field}.algorithm`, ALGORITHM_RULE, algorithm);
  if (!isDigits(digits)) bad(`${field}.digits`, `an integer ${MIN_DIGITS}–${MAX_DIGITS}`, digits);
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1 || period > MAX_TOTP_PERIOD_SECONDS) {
    bad(`${field}.period`, `a whole number of seconds 1–${MAX_TOTP_PERIOD_SECONDS}`, period);
  }
  return { algorithm, digits, period };
}

// Its own parser bounds the length (4 KB) and the format; only the error code differs here.
/** @internal */
function isBackupCodeHash(text: string): boolean {
  try {
    countBackupCodes(text);
    return true;
  } catch {
    return false;
  }
}

/** The fields of a pending enrolment that every schema has (0.1's had no label). @internal */
export function pendingFields(value: unknown): Omit<PendingEnrollment, 'label'> {
  if (!isObject(value)) bad('pending', 'an object', value);
  const createdAt = time(value.createdAt, 'pending.createdAt');
  const expiresAt = time(value.expiresAt, 'pending.expiresAt');
  // The service writes createdAt + enrollmentTtlMs (1 s – 1 day): a planted far-off expiry would keep an enrolment open.
  if (expiresAt <= createdAt || expiresAt - createdAt > MAX_ENROLLMENT_TTL_MS) {
    bad('pending.expiresAt', `after createdAt by at most ${MAX_ENROLLMENT_TTL_MS} ms`, expiresAt);
  }
  return { secret: sealed(value.secret, 'pending.secret'), ...parameters(value, 'pending'), createdAt, expiresAt };
}

/** Used backup-code indexes: bounded and distinct, so a hand-edited row can neither cost a pass over a huge array nor miscount the codes left. @internal */
export function usedIndexes(value: unknown, field: string): number[] {
  if (
    !Array.isArray(value) ||
    value.length > MAX_BACKUP_CODE_COUNT ||
    !value.every((i, k) => Number.isInteger(i) && i >= 0 && i < MAX_BACKUP_CODE_COUNT && value.indexOf(i) === k)
  ) {
    bad(field, `an array of distinct indexes 0–${MAX_BACKUP_CODE_COUNT - 1}`, value);
  }
  return [...(value as number[])];
}

/** A backup-code hash string that parses. @internal */
export function backupCodeHash(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isBackupCodeHash(value)) bad(field, 'a backup-code hash string from hashBackupCodes', value);
  return value;
}
