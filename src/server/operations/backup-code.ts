// Redeeming a charged backup code, alone (sign-in) or as the proof of an addition: scrypt runs once, outside
// any write; then one compareAndSet spends the code and commits the change it proves. The checks are
// ../checks/backup-code.ts; the charge was the caller's own write.
import { matchBackupCode, spendBackupCode, wrongBackupCode, type BackupCharge } from '../checks/backup-code.js';
import type { Decision } from '../checks/outcomes.js';
import { remainingOf } from '../record/state.js';
import type { TwoFactorRecord } from '../record/types.js';
import type { TwoFactorOperation } from '../types/events.js';
import type { Failure } from '../types/failures.js';
import type { ServiceContext } from './context.js';

/**
 * The change a backup code proves, decided on the re-read record: `used` has the code spent and the counter
 * cleared (build `next` from it), `stored` is the record as read (build refusals from it). @internal
 */
export type Commit<R> = (used: TwoFactorRecord, stored: TwoFactorRecord, nowMs: number) => Promise<Decision<R | Failure>>;

/** Checks `code` against the charged set and, when it is one, spends it with `commit`'s change. @internal */
export async function redeemBackupCode<R>(
  ctx: ServiceContext,
  userId: string,
  code: unknown,
  operation: TwoFactorOperation,
  charged: BackupCharge,
  commit: Commit<R>,
): Promise<R | Failure> {
  const index = await matchBackupCode(charged, code);
  if (index < 0) {
    const nowMs = ctx.now();
    const wrong = wrongBackupCode(ctx, charged, nowMs, operation);
    ctx.emit(userId, nowMs, wrong.events);
    return wrong.result;
  }
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<R | Failure>> => {
    const spent = spendBackupCode(ctx, stored?.record, charged, index, nowMs, operation);
    if ('refused' in spent) return spent.refused;
    const decision = await commit(spent.used, stored!.record, nowMs);
    const ok = (decision.result as { ok?: unknown }).ok === true;
    return ok ? { ...decision, events: [{ type: 'backup-code-used', remaining: remainingOf(spent.used) }, ...decision.events] } : decision;
  });
}
