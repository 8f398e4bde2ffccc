// The stored record: one JSON object per user, versioned by `schema` so later releases can migrate it.
// Stores treat it as opaque JSON; the service validates every record it reads (a store is outside our trust
// boundary: a hand-edited row or a record of a future schema must fail loudly, not half-work).
import { MAX_BACKUP_CODE_COUNT } from '../backup-codes.js';
import { countBackupCodes } from '../backup-codes-string.js';
import { MAX_SECRET_BYTES } from '../base32.js';
import { ALGORITHM_RULE, isAlgorithm, type Algorithm } from '../algorithm.js';
import { isDigits, MAX_DIGITS, MIN_DIGITS } from '../internal/parameters.js';
import { isLabel, LABEL_RULE } from './label.js';
import { factorList } from './record-factors.js';
import { bad, isObject, safeInteger, time } from './record-fields.js';
import { parseRecordV1 } from './record-v1.js';
import { parseDevices, type TrustedDevice } from './trusted-devices.js';

/** The schema version this release writes. Records of a lower version are migrated on read (schema 1: release 0.1). */
export const RECORD_SCHEMA = 2;

/**
 * A secret as stored: in the clear (base32) when no `encryption` is configured, otherwise
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

/** What every stored factor has. */
interface FactorBase {
  /** Opaque, stable, unique per user: `f_` and 10 base32 characters. */
  id: string;
  /** 1–64 characters, no control characters. */
  label: string;
  secret: SealedSecret;
  algorithm: Algorithm;
  digits: number;
  /** Epoch ms. */
  createdAt: number;
  /** The last sign-in or proof with this factor, epoch ms. */
  lastUsedAt: number | null;
}

/** An authenticator app (RFC 6238). */
export interface TotpFactor extends FactorBase {
  type: 'totp';
  /** Step length in seconds. */
  period: number;
  /** Time step of the last accepted code (incl. the confirming one); steps at or below it are refused. -1: none yet. */
  lastStep: number;
  /** The device's clock offset in steps, learned from accepted codes (RFC 6238 §6); the window is centred on it. */
  driftSteps: number;
}

/** A hardware token (RFC 4226). */
export interface HotpFactor extends FactorBase {
  type: 'hotp';
  /** The next counter expected: one past the last accepted code. */
  counter: number;
}

/** One enabled second factor. */
export type StoredFactor = TotpFactor | HotpFactor;

/** An enrolment started by `beginEnrollment` and not yet confirmed. */
export interface PendingEnrollment extends TotpParameters {
  secret: SealedSecret;
  /** The label the factor gets once confirmed. */
  label: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; confirming at or after this moment fails with `'expired'`. */
  expiresAt: number;
}

/**
 * Everything the service stores for one user. No record means 2FA is disabled.
 *
 * - `factors`: the enabled factors (at most {@link MAX_FACTORS}); 2FA is on exactly when there is one.
 * - `backupCodes` / `backupCodesUsed` / `enabledAt`: the user's backup codes (hash string from
 *   `hashBackupCodes`, indexes already used) and when 2FA was turned on; null / [] / null while off
 *   (`backupCodes` is null too after importing a factor without codes).
 * - `pending`: an enrolment waiting for its first code (with factors enabled: an addition that needs proof).
 * - `failures` / `lastFailureAt`: consecutive failed attempts across every factor and the backup codes.
 * - `devices`: browsers trusted to skip the second step (absent = none); see trusted-devices.ts.
 */
export interface TwoFactorRecord {
  schema: 2;
  factors: StoredFactor[];
  backupCodes: string | null;
  backupCodesUsed: number[];
  enabledAt: number | null;
  pending: PendingEnrollment | null;
  failures: number;
  lastFailureAt: number | null;
  devices?: TrustedDevice[];
}

/** True when 2FA is on: the record holds at least one factor. The one definition of "enabled". @internal */
export function isEnabled(record: TwoFactorRecord): boolean {
  return record.factors.length > 0;
}

/** Most factors a user may hold. */
export const MAX_FACTORS = 10;
/** Largest learned clock offset a record may hold, in steps either way (the `totp.maxDriftSteps` option's ceiling). @internal */
export const MAX_DRIFT_STEPS = 100;

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
    return { alg: 'A256GCM', kid, iv, ct };
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
export function isBackupCodeHash(text: string): boolean {
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

function pending(value: unknown): PendingEnrollment {
  const fields = pendingFields(value);
  const { label } = value as Record<string, unknown>;
  if (!isLabel(label)) bad('pending.label', LABEL_RULE, label);
  return { ...fields, label };
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

function parseRecordV2(value: Record<string, unknown>): TwoFactorRecord {
  const { failures, lastFailureAt } = value;
  const record: TwoFactorRecord = {
    schema: RECORD_SCHEMA,
    factors: factorList(value.factors),
    backupCodes: value.backupCodes === null || value.backupCodes === undefined ? null : backupCodeHash(value.backupCodes, 'backupCodes'),
    backupCodesUsed: usedIndexes(value.backupCodesUsed, 'backupCodesUsed'),
    enabledAt: value.enabledAt === null || value.enabledAt === undefined ? null : time(value.enabledAt, 'enabledAt'),
    pending: value.pending === null || value.pending === undefined ? null : pending(value.pending),
    failures: safeInteger(failures, 'failures', 0),
    lastFailureAt: lastFailureAt === null || lastFailureAt === undefined ? null : time(lastFailureAt, 'lastFailureAt'),
    ...parseDevices(value.devices),
  };
  const enabled = isEnabled(record);
  // A factor imported without backup codes leaves the set null while enabled.
  if (!enabled && record.backupCodes !== null) bad('backupCodes', 'null while no factor is enabled', value.backupCodes);
  if (record.backupCodes === null && record.backupCodesUsed.length > 0) bad('backupCodesUsed', 'empty while there is no backup-code set', value.backupCodesUsed);
  if (enabled !== (record.enabledAt !== null)) bad('enabledAt', 'present exactly when a factor is enabled', value.enabledAt);
  return record;
}

/** A backup-code hash string that parses. @internal */
export function backupCodeHash(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isBackupCodeHash(value)) bad(field, 'a backup-code hash string from hashBackupCodes', value);
  return value;
}

/**
 * Validates a record read from a store and migrates it to the current schema. Returns a fresh object, so
 * the caller may change it without touching what the store handed out.
 *
 * Stores do not need to call this; the service does on every read. It is exported for store authors who
 * want to check records (e.g. after a manual data migration). Every field is bounded to what the service
 * could have written: secrets of at most 1024 bytes (clear or sealed), periods of 1–3600 s, digits 6–10,
 * a backup-code string that parses, an enrolment of at most a day, at most 10 factors with distinct ids
 * and labels of 1–64 characters, at most 20 trusted devices of at most a year each, times and counters as
 * safe integers ≥ 0. A schema-1 record (release 0.1) is migrated: its factor becomes the factor
 * `f_aaaaaaaaaa` labelled 'Authenticator app'.
 *
 * @param value - the parsed JSON of one stored record
 * @returns the record in the current schema ({@link RECORD_SCHEMA})
 * @throws TwoFactorError `STORE_ERROR` naming the first malformed or out-of-bounds field (the message never contains the secret)
 *
 * @example
 * ```ts
 * const record = parseRecord(JSON.parse(row.record_json));
 * record.schema; // 2 (a 0.1 record comes back migrated)
 * ```
 */
export function parseRecord(value: unknown): TwoFactorRecord {
  if (!isObject(value)) bad('', 'an object', value);
  if (value.schema === 1) return parseRecordV1(value);
  if (value.schema !== RECORD_SCHEMA) bad('schema', `1 or ${RECORD_SCHEMA} (a record of a newer release cannot be read)`, value.schema);
  return parseRecordV2(value);
}
