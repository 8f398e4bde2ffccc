// The stored record: one JSON object per user, versioned by `schema` so later releases can migrate it.
// Stores treat it as opaque JSON; the service validates every record it reads (a store is outside our trust
// boundary: a hand-edited row or a record of a future schema must fail loudly, not half-work).
import { TwoFactorError } from '../errors.js';
import { describe } from '../internal/assert.js';
import { MAX_BACKUP_CODE_COUNT } from '../backup-codes.js';
import { countBackupCodes } from '../backup-codes-string.js';
import { MAX_SECRET_BYTES } from '../base32.js';
import { ALGORITHM_RULE, isAlgorithm, type Algorithm } from '../algorithm.js';
import { isDigits, MAX_DIGITS, MIN_DIGITS } from '../internal/parameters.js';
import { parseDevices, type TrustedDevice } from './trusted-devices.js';

/** The schema version this release writes. Records of a lower version are migrated on read. */
export const RECORD_SCHEMA = 1;

/**
 * A TOTP secret as stored: in the clear (base32) when no `encryption` is configured, otherwise
 * AES-256-GCM sealed with the key `kid` (`iv` 12 bytes and `ct` = ciphertext‖16-byte tag, both base64url).
 */
export type SealedSecret =
  | { alg: 'none'; secret: string }
  | { alg: 'A256GCM'; kid: string; iv: string; ct: string };

/** The TOTP parameters a secret was enrolled with; kept per secret so changing the service's options never breaks enrolled users. */
export interface TotpParameters {
  algorithm: Algorithm;
  /** Code length, 6–10. */
  digits: number;
  /** Step length in seconds. */
  period: number;
}

/** The confirmed, working second factor. */
export interface ActiveFactor extends TotpParameters {
  secret: SealedSecret;
  /** Time step of the last accepted TOTP code (incl. the confirming one); steps at or below it are refused. */
  lastStep: number;
  /** The backup codes' hash string from `hashBackupCodes`, unchanged until regenerated. */
  backupCodes: string;
  /** Indexes (as returned by `verifyBackupCode`) of the backup codes already used: distinct, 0–99. */
  backupCodesUsed: number[];
  /** When this factor was confirmed, epoch ms. */
  enabledAt: number;
}

/** An enrolment started by `beginEnrollment` and not yet confirmed. */
export interface PendingEnrollment extends TotpParameters {
  secret: SealedSecret;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; confirming at or after this moment fails with `'expired'`. */
  expiresAt: number;
}

/**
 * Everything the service stores for one user. No record means 2FA is disabled.
 *
 * - `state` `'pending'`: an enrolment was started, nothing is enabled (`factor` is null, `pending` is set).
 * - `state` `'enabled'`: `factor` is set; `pending` may hold a re-enrolment that replaces `factor` only once confirmed.
 * - `failures` / `lastFailureAt`: consecutive failed attempts (any code-checking call) and the last one's time (epoch ms).
 * - `devices`: browsers trusted to skip the second step (absent = none); see trusted-devices.ts.
 */
export interface TwoFactorRecord {
  schema: 1;
  state: 'pending' | 'enabled';
  factor: ActiveFactor | null;
  pending: PendingEnrollment | null;
  failures: number;
  lastFailureAt: number | null;
  devices?: TrustedDevice[];
}

/** Longest key id in `encryption.keys` and in a stored record. @internal */
export const MAX_KEY_ID_CHARS = 64;
/** Longest TOTP step the service enrols with and reads back, in seconds: longer codes would stay valid for hours. @internal */
export const MAX_TOTP_PERIOD_SECONDS = 3600;
/** Longest `enrollmentTtlMs` the service accepts, and so the longest pending enrolment a record holds. @internal */
export const MAX_ENROLLMENT_TTL_MS = 24 * 60 * 60 * 1000;

// Stored secrets are at most the core's MAX_SECRET_BYTES: in base32 when clear, base64url with the
// 16-byte GCM tag when sealed. Anything longer was not written by the service.
const MAX_CLEAR_SECRET_CHARS = Math.ceil((MAX_SECRET_BYTES * 8) / 5);
const MAX_CIPHERTEXT_CHARS = Math.ceil(((MAX_SECRET_BYTES + 16) * 4) / 3);

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE32 = /^[A-Z2-7]+$/;

function bad(field: string, rule: string, value: unknown): never {
  const name = field === '' ? 'record' : `record.${field}`;
  throw new TwoFactorError('STORE_ERROR', `"${name}" must be ${rule}, got ${describe(value)}`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function time(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad(field, 'epoch milliseconds', value);
  return value;
}

function sealed(value: unknown, field: string): SealedSecret {
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
    return { alg: 'A256GCM', kid, iv, ct };
  }
  return bad(`${field}.alg`, "'none' or 'A256GCM'", value.alg);
}

function parameters(value: Record<string, unknown>, field: string): TotpParameters {
  const { algorithm, digits, period } = value;
  if (!isAlgorithm(algorithm)) bad(`${field}.algorithm`, ALGORITHM_RULE, algorithm);
  if (!isDigits(digits)) bad(`${field}.digits`, `an integer ${MIN_DIGITS}–${MAX_DIGITS}`, digits);
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1 || period > MAX_TOTP_PERIOD_SECONDS) {
    bad(`${field}.period`, `a whole number of seconds 1–${MAX_TOTP_PERIOD_SECONDS}`, period);
  }
  return { algorithm, digits, period };
}

function factor(value: unknown): ActiveFactor {
  if (!isObject(value)) bad('factor', 'an object', value);
  const { lastStep, backupCodes, backupCodesUsed } = value;
  if (typeof lastStep !== 'number' || !Number.isSafeInteger(lastStep) || lastStep < -1) bad('factor.lastStep', 'an integer ≥ -1', lastStep);
  if (typeof backupCodes !== 'string' || !isBackupCodeHash(backupCodes)) bad('factor.backupCodes', 'a backup-code hash string from hashBackupCodes', backupCodes);
  // Bounded and distinct, so a hand-edited row can neither cost a pass over a huge array nor miscount the codes left.
  if (
    !Array.isArray(backupCodesUsed) ||
    backupCodesUsed.length > MAX_BACKUP_CODE_COUNT ||
    !backupCodesUsed.every((i, k) => Number.isInteger(i) && i >= 0 && i < MAX_BACKUP_CODE_COUNT && backupCodesUsed.indexOf(i) === k)
  ) {
    bad('factor.backupCodesUsed', `an array of distinct indexes 0–${MAX_BACKUP_CODE_COUNT - 1}`, backupCodesUsed);
  }
  return {
    secret: sealed(value.secret, 'factor.secret'),
    ...parameters(value, 'factor'),
    lastStep,
    backupCodes,
    backupCodesUsed: [...(backupCodesUsed as number[])],
    enabledAt: time(value.enabledAt, 'factor.enabledAt'),
  };
}

// Its own parser bounds the length (4 KB) and the format; only the error code differs here.
function isBackupCodeHash(text: string): boolean {
  try {
    countBackupCodes(text);
    return true;
  } catch {
    return false;
  }
}

function pending(value: unknown): PendingEnrollment {
  if (!isObject(value)) bad('pending', 'an object', value);
  const createdAt = time(value.createdAt, 'pending.createdAt');
  const expiresAt = time(value.expiresAt, 'pending.expiresAt');
  // The service writes createdAt + enrollmentTtlMs (1 s – 1 day): a planted far-off expiry would keep an enrolment open.
  if (expiresAt <= createdAt || expiresAt - createdAt > MAX_ENROLLMENT_TTL_MS) {
    bad('pending.expiresAt', `after createdAt by at most ${MAX_ENROLLMENT_TTL_MS} ms`, expiresAt);
  }
  return { secret: sealed(value.secret, 'pending.secret'), ...parameters(value, 'pending'), createdAt, expiresAt };
}

/**
 * Validates a record read from a store and migrates it to the current schema. Returns a fresh object, so
 * the caller may change it without touching what the store handed out.
 *
 * Stores do not need to call this; the service does on every read. It is exported for store authors who
 * want to check records (e.g. after a manual data migration). Every field is bounded to what the service
 * could have written: secrets of at most 1024 bytes (clear or sealed), periods of 1–3600 s, digits 6–10,
 * a backup-code string that parses, an enrolment of at most a day, at most 20 trusted devices of at most a
 * year each, times and counters as safe integers ≥ 0.
 *
 * @param value - the parsed JSON of one stored record
 * @returns the record in the current schema ({@link RECORD_SCHEMA})
 * @throws TwoFactorError `STORE_ERROR` naming the first malformed or out-of-bounds field (the message never contains the secret)
 *
 * @example
 * ```ts
 * const record = parseRecord(JSON.parse(row.record_json));
 * ```
 */
export function parseRecord(value: unknown): TwoFactorRecord {
  if (!isObject(value)) bad('', 'an object', value);
  // Schema 1 is the first; migrations from older schemas go here as `if (value.schema === n) value = migrateN(value)`.
  if (value.schema !== RECORD_SCHEMA) bad('schema', `${RECORD_SCHEMA} (a record of a newer release cannot be read)`, value.schema);
  const { state, failures, lastFailureAt } = value;
  if (state !== 'pending' && state !== 'enabled') bad('state', "'pending' or 'enabled'", state);
  if (typeof failures !== 'number' || !Number.isSafeInteger(failures) || failures < 0) bad('failures', 'an integer ≥ 0', failures);
  const record: TwoFactorRecord = {
    schema: RECORD_SCHEMA,
    state,
    factor: value.factor === null || value.factor === undefined ? null : factor(value.factor),
    pending: value.pending === null || value.pending === undefined ? null : pending(value.pending),
    failures,
    lastFailureAt: lastFailureAt === null || lastFailureAt === undefined ? null : time(lastFailureAt, 'lastFailureAt'),
    ...parseDevices(value.devices),
  };
  if ((state === 'enabled') !== (record.factor !== null)) bad('factor', `present exactly when state is 'enabled'`, value.factor);
  if (state === 'pending' && record.pending === null) bad('pending', "present when state is 'pending'", value.pending);
  return record;
}
