// Schema 1, the record of release 0.1: one TOTP factor holding the backup codes. Read, validated with the
// same bounds as ever, and migrated to the current schema; the service rewrites it on its next change.
import { bad, isObject, time, sealed, parameters, pendingFields, usedIndexes, backupCodeHash } from './fields.js';
import type { SealedSecret, TotpParameters, TwoFactorRecord, TotpFactor, PendingEnrollment } from './types.js';
import { DEFAULT_TOTP_LABEL, MIGRATED_FACTOR_ID } from './label.js';

/** The confirmed factor of a schema-1 record. */
interface ActiveFactorV1 extends TotpParameters {
  secret: SealedSecret;
  /** Time step of the last accepted TOTP code; -1: none. */
  lastStep: number;
  backupCodes: string;
  backupCodesUsed: number[];
  enabledAt: number;
}

function factor(value: unknown): ActiveFactorV1 {
  if (!isObject(value)) bad('factor', 'an object', value);
  const { lastStep } = value;
  if (typeof lastStep !== 'number' || !Number.isSafeInteger(lastStep) || lastStep < -1) bad('factor.lastStep', 'an integer ≥ -1', lastStep);
  return {
    secret: sealed(value.secret, 'factor.secret'),
    ...parameters(value, 'factor'),
    lastStep,
    backupCodes: backupCodeHash(value.backupCodes, 'factor.backupCodes'),
    backupCodesUsed: usedIndexes(value.backupCodesUsed, 'factor.backupCodesUsed'),
    enabledAt: time(value.enabledAt, 'factor.enabledAt'),
  };
}

/** The one factor of a 0.1 record as a factor of the current schema: a fixed id and the default label, so reads agree until it is rewritten. */
function migrateFactor(old: ActiveFactorV1): TotpFactor {
  return {
    id: MIGRATED_FACTOR_ID,
    type: 'totp',
    label: DEFAULT_TOTP_LABEL,
    secret: old.secret,
    algorithm: old.algorithm,
    digits: old.digits,
    period: old.period,
    createdAt: old.enabledAt,
    lastUsedAt: null,
    lastStep: old.lastStep,
    driftSteps: 0,
  };
}

/**
 * Validates a schema-1 record and returns it migrated to the current schema. A pending re-enrolment
 * beside an enabled factor becomes a pending addition, which from 0.2 on needs proof to confirm. @internal
 */
export function parseRecordV1(value: Record<string, unknown>): TwoFactorRecord {
  const { state, failures, lastFailureAt } = value;
  if (state !== 'pending' && state !== 'enabled') bad('state', "'pending' or 'enabled'", state);
  if (typeof failures !== 'number' || !Number.isSafeInteger(failures) || failures < 0) bad('failures', 'an integer ≥ 0', failures);
  const active = value.factor === null || value.factor === undefined ? null : factor(value.factor);
  const pendingV1 = value.pending === null || value.pending === undefined ? null : pendingFields(value.pending);
  if ((state === 'enabled') !== (active !== null)) bad('factor', `present exactly when state is 'enabled'`, value.factor);
  if (state === 'pending' && pendingV1 === null) bad('pending', "present when state is 'pending'", value.pending);
  const pending: PendingEnrollment | null = pendingV1 && { ...pendingV1, label: DEFAULT_TOTP_LABEL };
  return {
    schema: 2,
    factors: active ? [migrateFactor(active)] : [],
    backupCodes: active ? active.backupCodes : null,
    backupCodesUsed: active ? active.backupCodesUsed : [],
    enabledAt: active ? active.enabledAt : null,
    pending,
    failures,
    lastFailureAt: lastFailureAt === null || lastFailureAt === undefined ? null : time(lastFailureAt, 'lastFailureAt'),
  };
}
