// Reading a record back: every field validated against what the service could have written (a store is
// outside our trust boundary: a hand-edited row or a record of a future schema must fail loudly, not
// half-work), and a record of 0.1 migrated.
import { isLabel, LABEL_RULE } from './label.js';
import { factorList } from './factors.js';
import { backupCodeHash, bad, isObject, pendingFields, safeInteger, time, usedIndexes } from './fields.js';
import { parseRecordV1 } from './v1.js';
import { parseDevices } from './devices.js';
import { isEnabled } from './state.js';
import { RECORD_SCHEMA, type PendingEnrollment, type TwoFactorRecord } from './types.js';

function pending(value: unknown): PendingEnrollment {
  const fields = pendingFields(value);
  const { label } = value as Record<string, unknown>;
  if (!isLabel(label)) bad('pending.label', LABEL_RULE, label);
  return { ...fields, label };
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
