// The factors of a schema-2 record, each field bounded to what the service writes.
import { fail } from '../../internal/assert.js';
import type { FactorType } from '../types/failures.js';
import { isEnabled } from './state.js';
import type { TwoFactorRecord } from './types.js';
import { ALGORITHM_RULE, isAlgorithm } from '../../algorithm.js';
import { isDigits, MAX_DIGITS, MIN_DIGITS } from '../../internal/parameters.js';
import { isFactorId, isLabel, LABEL_RULE } from './label.js';
import { bad, isObject, safeInteger, time, parameters, sealed } from './fields.js';
import { MAX_DRIFT_STEPS, MAX_FACTORS, type StoredFactor } from './types.js';

function storedFactor(value: unknown, field: string): StoredFactor {
  if (!isObject(value)) bad(field, 'an object', value);
  const { id, label, type, algorithm, digits } = value;
  if (!isFactorId(id)) bad(`${field}.id`, 'a factor id (f_ and 10 characters a–z, 2–7)', id);
  if (!isLabel(label)) bad(`${field}.label`, LABEL_RULE, label);
  if (!isAlgorithm(algorithm)) bad(`${field}.algorithm`, ALGORITHM_RULE, algorithm);
  if (!isDigits(digits)) bad(`${field}.digits`, `an integer ${MIN_DIGITS}–${MAX_DIGITS}`, digits);
  const base = {
    id,
    label,
    secret: sealed(value.secret, `${field}.secret`),
    algorithm,
    digits,
    createdAt: time(value.createdAt, `${field}.createdAt`),
    lastUsedAt: value.lastUsedAt === null || value.lastUsedAt === undefined ? null : time(value.lastUsedAt, `${field}.lastUsedAt`),
  };
  if (type === 'hotp') return { ...base, type, counter: safeInteger(value.counter, `${field}.counter`, 0) };
  if (type !== 'totp') bad(`${field}.type`, "'totp' or 'hotp'", type);
  const { period } = parameters(value, field);
  return {
    ...base,
    type,
    period,
    lastStep: safeInteger(value.lastStep, `${field}.lastStep`, -1),
    driftSteps: safeInteger(value.driftSteps, `${field}.driftSteps`, -MAX_DRIFT_STEPS, MAX_DRIFT_STEPS),
  };
}

/** The `factors` array: at most MAX_FACTORS, ids distinct. @internal */
export function factorList(value: unknown): StoredFactor[] {
  if (!Array.isArray(value) || value.length > MAX_FACTORS) bad('factors', `an array of at most ${MAX_FACTORS} factors`, value);
  const factors = value.map((entry, i) => storedFactor(entry, `factors.${i}`));
  factors.forEach((factor, i) => {
    if (factors.findIndex((other) => other.id === factor.id) !== i) bad(`factors.${i}.id`, 'unique among the factors', factor.id);
  });
  return factors;
}

/** What {@link TwoFactor.listFactors} shows of a factor: never its secret. */
export interface FactorInfo {
  /** Opaque, stable, unique per user. */
  id: string;
  type: FactorType;
  /** 1–64 characters, e.g. 'Authenticator app', 'YubiKey 5'. */
  label: string;
  /** Epoch ms. */
  createdAt: number;
  /** The last sign-in or proof with this factor, epoch ms. */
  lastUsedAt?: number;
  /** TOTP: the device's clock offset in steps, learned from accepted codes (RFC 6238 §6). */
  driftSteps?: number;
}

/** The public view of a stored factor. @internal */
export function factorInfo(factor: StoredFactor): FactorInfo {
  return {
    id: factor.id,
    type: factor.type,
    label: factor.label,
    createdAt: factor.createdAt,
    ...(factor.lastUsedAt === null ? {} : { lastUsedAt: factor.lastUsedAt }),
    ...(factor.type === 'totp' ? { driftSteps: factor.driftSteps } : {}),
  };
}

/** Refuses an addition that would exceed {@link MAX_FACTORS}; nothing is written. @internal */
export function assertRoomForFactor(record: TwoFactorRecord | null | undefined): void {
  const count = record?.factors.length ?? 0;
  if (count >= MAX_FACTORS) fail('INVALID_OPTION', 'userId', `a user with fewer than ${MAX_FACTORS} factors (remove one first)`, count);
}

/**
 * The record with `factor` added beside the enabled ones. The first factor turns 2FA on with the new
 * backup-code set `hashed` (null: none, e.g. an import without codes); later ones keep the user's codes. @internal
 */
export function withFactorAdded(record: TwoFactorRecord, factor: StoredFactor, nowMs: number, hashed: string | null): TwoFactorRecord {
  assertRoomForFactor(record);
  if (isEnabled(record)) return { ...record, factors: [...record.factors, factor] };
  return { ...record, factors: [factor], backupCodes: hashed, backupCodesUsed: [], enabledAt: nowMs };
}

/** Index of the factor `factorId`, or -1. @internal */
export function factorIndex(record: TwoFactorRecord | null | undefined, factorId: string): number {
  return record ? record.factors.findIndex((factor) => factor.id === factorId) : -1;
}
