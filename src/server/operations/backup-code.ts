// Using a backup code, alone (sign-in) or as the proof of a change: charged to the failure counter first
// (one compareAndSet, refused if throttled), then scrypt runs once, then a second compareAndSet marks the
// code used, clears the counter and commits the change. Charging before hashing bounds scrypt runs under a
// flood of parallel guesses to what the throttle admits; checking the code's index against the re-read
// record makes the use single, however many requests carry the code.
import { verifyBackupCode } from '../../backup-codes/hash.js';
import { failure, refuse, throttled, waitFor, type Decision } from '../checks/outcomes.js';
import { remainingOf, isEnabled } from '../record/state.js';
import type { Failure } from '../types/failures.js';
import type { TwoFactorOperation } from '../types/events.js';
import type { TwoFactorRecord } from '../record/types.js';
import type { StoredRecord } from '../record/store.js';
import { retryAfterMs } from '../checks/throttle.js';
import type { ServiceContext } from './context.js';

/** Checks run before the charge (their refusal is final, e.g. a wrong new-app code, counted there). @internal */
export type Precheck = (record: TwoFactorRecord, nowMs: number) => Promise<Decision<Failure> | null>;
/**
 * The change the code proves: `used` is the record with the code marked used and the counter cleared
 * (build `next` from it); `stored` is the record as read (build refusals from it). @internal
 */
export type Apply<R> = (used: TwoFactorRecord, stored: TwoFactorRecord, nowMs: number) => Promise<Decision<R | Failure>>;

type Charge = { hashed: string | null; failures: number; at: number };

/** Uses backup code `code` for `operation`, committing `apply`'s change with it. @internal */
export async function useBackupCode<R>(
  ctx: ServiceContext,
  userId: string,
  code: unknown,
  operation: TwoFactorOperation,
  first: StoredRecord | null | undefined,
  precheck: Precheck | null,
  apply: Apply<R>,
): Promise<R | Failure> {
  const charged = await ctx.transact(userId, async (stored, nowMs): Promise<Decision<Charge | Failure>> => {
    const record = stored?.record;
    if (!record || !isEnabled(record)) return refuse(operation, 'not-enabled', 'backup-code');
    const wait = waitFor(ctx, record, nowMs);
    if (wait > 0) return throttled(operation, wait);
    const refused = precheck && (await precheck(record, nowMs));
    if (refused) return refused;
    const failures = record.failures + 1;
    return { result: { hashed: record.backupCodes, failures, at: nowMs }, next: { ...record, failures, lastFailureAt: nowMs }, events: [] };
  }, first);
  if ('ok' in charged) return charged;

  // No set at all (a factor imported without codes): every backup code is wrong, and was charged as one.
  const match = typeof code === 'string' && charged.hashed !== null ? await verifyBackupCode(charged.hashed, code) : ({ valid: false } as const);
  if (!match.valid) {
    const nowMs = ctx.now();
    ctx.emit(userId, nowMs, [{ type: 'verification-failed', operation, reason: 'invalid', method: 'backup-code', failures: charged.failures }]);
    return failure('invalid', retryAfterMs(charged.failures, charged.at, nowMs, ctx.throttle));
  }
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<R | Failure>> => {
    const record = stored?.record;
    if (!record || !isEnabled(record)) return refuse(operation, 'not-enabled', 'backup-code');
    // A regenerated set, or this code used already (perhaps by a concurrent request): the charge counted it.
    if (record.backupCodes !== charged.hashed || record.backupCodesUsed.includes(match.index)) {
      return {
        result: failure('invalid', waitFor(ctx, record, nowMs)),
        events: [{ type: 'verification-failed', operation, reason: 'invalid', method: 'backup-code', failures: record.failures }],
      };
    }
    const used: TwoFactorRecord = { ...record, backupCodesUsed: [...record.backupCodesUsed, match.index], failures: 0, lastFailureAt: null };
    const decision = await apply(used, record, nowMs);
    const ok = (decision.result as { ok?: unknown }).ok === true;
    return ok ? { ...decision, events: [{ type: 'backup-code-used', remaining: remainingOf(used) }, ...decision.events] } : decision;
  });
}
