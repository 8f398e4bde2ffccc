// The building blocks of decisions: refusals, counted failures, the throttle check, and the one rule
// "a current code of an enabled factor is required" that removeFactor, disable and regenerateBackupCodes share.
import { generateBackupCodes } from '../backup-codes.js';
import { countBackupCodes } from '../backup-codes-string.js';
import { hashBackupCodes } from '../backup-codes-hash.js';
import type { TwoFactorOperation } from './events.js';
import { matchFactors, withFactorUsed } from './factor-codes.js';
import { isEnabled, RECORD_SCHEMA, type StoredFactor, type TwoFactorRecord } from './record.js';
import type { StoredRecord } from './store.js';
import { retryAfterMs, throttleDelayMs } from './throttle.js';
import type { Decision, ServiceContext } from './transact.js';

/** Why a code was not accepted. */
export type FailureReason =
  | 'invalid'
  | 'replayed'
  | 'throttled'
  | 'not-enabled'
  | 'no-pending-enrollment'
  | 'expired'
  | 'proof-required'
  | 'unknown-factor';

/**
 * A refused attempt. `retryAfterMs` (milliseconds) is set with `'throttled'`, and with `'invalid'` /
 * `'replayed'` when this failure makes the next attempt wait.
 */
export type Failure = { ok: false; reason: FailureReason; retryAfterMs?: number };

/** What a code was checked as. */
export type Method = 'totp' | 'hotp' | 'backup-code';

/** A refusal that counts nothing and writes nothing. @internal */
export function refuse<R>(operation: TwoFactorOperation, reason: Exclude<FailureReason, 'throttled'>, method?: Method): Decision<R | Failure> {
  return { result: { ok: false, reason }, events: [{ type: 'verification-failed', operation, reason, ...(method ? { method } : {}) }] };
}

/** An attempt the throttle does not admit: not counted, nothing written. @internal */
export function throttled<R>(operation: TwoFactorOperation, wait: number): Decision<R | Failure> {
  return { result: { ok: false, reason: 'throttled', retryAfterMs: wait }, events: [{ type: 'throttled', operation, retryAfterMs: wait }] };
}

/** A refused code; `retryAfterMs` only when the next attempt must wait. @internal */
export function failure(reason: 'invalid' | 'replayed', wait: number): Failure {
  return wait > 0 ? { ok: false, reason, retryAfterMs: wait } : { ok: false, reason };
}

/** A counted failure: the counter moves in the same compareAndSet, so parallel guesses cannot skip it. @internal */
export function counted<R>(
  ctx: ServiceContext,
  record: TwoFactorRecord,
  nowMs: number,
  operation: TwoFactorOperation,
  reason: 'invalid' | 'replayed',
  method: Method,
): Decision<R | Failure> {
  const failures = record.failures + 1;
  return {
    result: failure(reason, throttleDelayMs(failures, ctx.throttle)),
    next: { ...record, failures, lastFailureAt: nowMs },
    events: [{ type: 'verification-failed', operation, reason, method, failures }],
  };
}

/** How long an attempt at `nowMs` must still wait (0: admitted). @internal */
export function waitFor(ctx: ServiceContext, record: TwoFactorRecord, nowMs: number): number {
  return retryAfterMs(record.failures, record.lastFailureAt, nowMs, ctx.throttle);
}

/** Unused backup codes of the user. parseRecord guarantees distinct indexes; the clamp covers indexes the set never had. @internal */
export function remainingOf(record: TwoFactorRecord): number {
  return record.backupCodes === null ? 0 : Math.max(0, countBackupCodes(record.backupCodes) - record.backupCodesUsed.length);
}

/** The record of a user without one: nothing enabled, nothing pending, no failures. @internal */
export function emptyRecord(): TwoFactorRecord {
  return { schema: RECORD_SCHEMA, factors: [], backupCodes: null, backupCodesUsed: [], enabledAt: null, pending: null, failures: 0, lastFailureAt: null };
}

/** A code accepted: the record to write (factor state moved, failures cleared) and the factor that matched. @internal */
export interface CodeAccepted {
  record: TwoFactorRecord;
  factor: StoredFactor;
}

/**
 * Requires a current code of any enabled factor: refused when 2FA is off, throttled, or the code is
 * wrong or replayed (both counted). Runs HMAC only when the throttle admits the attempt. @internal
 */
export async function requireCurrentCode(
  ctx: ServiceContext,
  userId: string,
  stored: StoredRecord | null,
  code: string,
  nowMs: number,
  operation: TwoFactorOperation,
): Promise<CodeAccepted | { refused: Decision<Failure> }> {
  const record = stored?.record;
  if (!record || !isEnabled(record)) return { refused: refuse(operation, 'not-enabled') };
  const wait = waitFor(ctx, record, nowMs);
  if (wait > 0) return { refused: throttled(operation, wait) };
  const match = await matchFactors(ctx, userId, record, code, nowMs);
  if (!match.ok) return { refused: counted(ctx, record, nowMs, operation, match.replayed ? 'replayed' : 'invalid', methodOf(record)) };
  return { record: withFactorUsed(record, match), factor: match.factor };
}

/** The method a failed factor code is reported as: 'hotp' only when every enabled factor is a token. @internal */
export function methodOf(record: TwoFactorRecord): Method {
  return record.factors.every((factor) => factor.type === 'hotp') ? 'hotp' : 'totp';
}

/** A fresh backup-code set, made and hashed at most once per call however often the compare-and-set is retried. @internal */
export function freshBackupCodes(ctx: ServiceContext): () => Promise<{ codes: string[]; hashed: string }> {
  let batch: Promise<{ codes: string[]; hashed: string }> | undefined;
  const { count, length, cost } = ctx.backupCodes;
  return () => {
    batch ??= (async () => {
      const codes = generateBackupCodes({ count, length });
      return { codes, hashed: await hashBackupCodes(codes, cost === undefined ? undefined : { cost }) };
    })();
    return batch;
  };
}
