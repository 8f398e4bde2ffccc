// A backup code, checked in the three steps that keep its use single and its scrypt runs bounded: the
// charge (one more failure, written before any hashing, so a flood of parallel guesses runs scrypt only as
// often as the throttle admits), the match (scrypt, once), and the spend against the re-read record (so
// however many requests carry the code, one uses it). Pure steps; operations/backup-code.ts runs them.
import { verifyBackupCode } from '../../backup-codes/hash.js';
import { isEnabled } from '../record/state.js';
import type { TwoFactorRecord } from '../record/types.js';
import type { EventBody, TwoFactorOperation } from '../types/events.js';
import type { Failure } from '../types/failures.js';
import { admit, failure, lockEvents, refuse, waitFor, type Decision, type ThrottleSettings } from './outcomes.js';
import { retryAfterMs } from './throttle.js';

/** What a charge remembers for the spend: the set it was charged against, the count after it, and when. @internal */
export interface BackupCharge {
  hashed: string | null;
  failures: number;
  at: number;
  /** A sign-in challenge's wrong codes still allowed after this charge (completeSignIn only). */
  attemptsLeft?: number;
}

/** The charge on an enabled, admitted record: one more failure, written before scrypt runs. @internal */
export function chargeBackupCode(record: TwoFactorRecord, nowMs: number): Decision<{ charged: BackupCharge }> {
  const failures = record.failures + 1;
  return { result: { charged: { hashed: record.backupCodes, failures, at: nowMs } }, next: { ...record, failures, lastFailureAt: nowMs }, events: [] };
}

/** A backup code alone (sign-in): refused when 2FA is off, locked or throttled, else charged. @internal */
export function admitBackupCode(settings: ThrottleSettings, record: TwoFactorRecord, nowMs: number, operation: TwoFactorOperation): Decision<{ charged: BackupCharge } | Failure> {
  if (!isEnabled(record)) return refuse(operation, 'not-enabled', 'backup-code');
  return admit<never>(settings, record, nowMs, operation) ?? chargeBackupCode(record, nowMs);
}

/** The index of `code` in the charged set, or -1. No set at all (a factor imported without codes): every code is wrong. @internal */
export async function matchBackupCode(charged: BackupCharge, code: unknown): Promise<number> {
  if (typeof code !== 'string' || charged.hashed === null) return -1;
  const match = await verifyBackupCode(charged.hashed, code);
  return match.valid ? match.index : -1;
}

/** A wrong code, counted by its charge already: the failure (with the wait the charge made) and its event. @internal */
export function wrongBackupCode(settings: ThrottleSettings, charged: BackupCharge, nowMs: number, operation: TwoFactorOperation): { result: Failure; events: EventBody[] } {
  const refused = failure('invalid', retryAfterMs(charged.failures, charged.at, nowMs, settings.throttle));
  return {
    result: charged.attemptsLeft === undefined ? refused : { ...refused, attemptsLeft: charged.attemptsLeft },
    events: [
      { type: 'verification-failed', operation, reason: 'invalid', method: 'backup-code', failures: charged.failures },
      ...lockEvents(settings, charged.failures - 1, charged.failures, operation),
    ],
  };
}

/**
 * The spend on the record as re-read: the record with code `index` used and the counter cleared, or a
 * refusal when 2FA went off, the set was regenerated, or the code was used meanwhile (the charge counted it). @internal
 */
export function spendBackupCode(
  settings: ThrottleSettings,
  record: TwoFactorRecord | undefined,
  charged: BackupCharge,
  index: number,
  nowMs: number,
  operation: TwoFactorOperation,
): { used: TwoFactorRecord } | { refused: Decision<Failure> } {
  if (!record || !isEnabled(record)) return { refused: refuse(operation, 'not-enabled', 'backup-code') };
  if (record.backupCodes !== charged.hashed || record.backupCodesUsed.includes(index)) {
    return {
      refused: {
        // A used code counted on the challenge like a wrong one: the browser is told how many are left too.
        result: { ...failure('invalid', waitFor(settings, record, nowMs)), ...(charged.attemptsLeft === undefined ? {} : { attemptsLeft: charged.attemptsLeft }) },
        events: [{ type: 'verification-failed', operation, reason: 'invalid', method: 'backup-code', failures: record.failures }],
      },
    };
  }
  return { used: { ...record, backupCodesUsed: [...record.backupCodesUsed, index], failures: 0, lastFailureAt: null } };
}
