// What a record says: whether 2FA is on, how many backup codes are left, and the record of a user without one.
import { countBackupCodes } from '../../backup-codes/format.js';
import { RECORD_SCHEMA, type TwoFactorRecord } from './types.js';

/** True when 2FA is on: the record holds at least one factor. The one definition of "enabled". @internal */
export function isEnabled(record: TwoFactorRecord): boolean {
  return record.factors.length > 0;
}

/** Unused backup codes of the user. parseRecord guarantees distinct indexes; the clamp covers indexes the set never had. @internal */
export function remainingOf(record: TwoFactorRecord): number {
  return record.backupCodes === null ? 0 : Math.max(0, countBackupCodes(record.backupCodes) - record.backupCodesUsed.length);
}

/** The record of a user without one: nothing enabled, nothing pending, no failures. @internal */
export function emptyRecord(): TwoFactorRecord {
  return { schema: RECORD_SCHEMA, factors: [], backupCodes: null, backupCodesUsed: [], enabledAt: null, pending: null, failures: 0, lastFailureAt: null };
}
