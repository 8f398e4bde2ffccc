// Adding never replaces: with a factor enabled, an addition needs proof of possession (a current code of an
// enabled factor, or an unused backup code), consumed in the same compareAndSet as the addition.
import { useBackupCode } from './backup-code.js';
import { counted, refuse, throttled, waitFor, type Decision } from '../checks/outcomes.js';
import { emptyRecord, isEnabled } from '../record/state.js';
import { methodOf, looksLikeFactorCode, matchFactors, withFactorUsed } from '../checks/current-code.js';
import type { Failure, Method } from '../types/failures.js';
import type { EventBody, TwoFactorOperation } from '../types/events.js';
import type { TwoFactorRecord } from '../record/types.js';
import type { ServiceContext } from './context.js';

/** An addition checked against the record as read: a refusal (counted or not), or how to apply it. @internal */
export type Checked<R> =
  | { refused: Decision<Failure> }
  | { apply: (record: TwoFactorRecord) => TwoFactorRecord; result: R; events: (proof: Method | null) => EventBody[] };

/** Checks the addition's own inputs (e.g. the new app's code) on `record`; may run HMAC, never scrypt. @internal */
export type Addition<R> = (record: TwoFactorRecord, nowMs: number) => Promise<Checked<R>>;

type Outcome<R> = R | Failure | { needsBackupCode: true };

/**
 * Runs `addition` for `userId`: directly when no factor is enabled, otherwise only with `proof`
 * (`'proof-required'` without it; a wrong one is counted). Throttled like every code check. @internal
 */
export async function addWithProof<R>(ctx: ServiceContext, userId: string, operation: TwoFactorOperation, proof: unknown, addition: Addition<R>): Promise<R | Failure> {
  const outcome = await ctx.transact(userId, async (stored, nowMs): Promise<Decision<Outcome<R>>> => {
    const record = stored?.record ?? emptyRecord();
    const wait = waitFor(ctx, record, nowMs);
    if (wait > 0) return throttled(operation, wait);
    const checked = await addition(record, nowMs);
    if ('refused' in checked) return checked.refused;
    if (!isEnabled(record)) return commit(checked, record, null);
    // An empty field (a form sent without the proof) asks for one; it is no wrong guess to count.
    if (proof === undefined || (typeof proof === 'string' && proof.trim() === '')) return refuse(operation, 'proof-required');
    if (typeof proof !== 'string' || !looksLikeFactorCode(record, proof)) return { result: { needsBackupCode: true }, events: [] };
    const match = await matchFactors(ctx, userId, record, proof, nowMs);
    if (!match.ok) return counted(ctx, record, nowMs, operation, match.replayed ? 'replayed' : 'invalid', methodOf(record));
    return commit(checked, withFactorUsed(record, match), match.factor.type);
  });
  if (!isBackupProof(outcome)) return outcome;
  return useBackupCode<R>(
    ctx,
    userId,
    proof,
    operation,
    undefined,
    async (record, nowMs) => {
      const checked = await addition(record, nowMs);
      return 'refused' in checked ? checked.refused : null;
    },
    async (used, stored, nowMs) => {
      const checked = await addition(stored, nowMs);
      return 'refused' in checked ? checked.refused : commit(checked, used, 'backup-code');
    },
  );
}

function commit<R>(checked: Extract<Checked<R>, { apply: unknown }>, record: TwoFactorRecord, proof: Method | null): Decision<R> {
  return { result: checked.result, next: checked.apply(record), events: checked.events(proof) };
}

function isBackupProof<R>(outcome: Outcome<R>): outcome is { needsBackupCode: true } {
  return typeof outcome === 'object' && outcome !== null && 'needsBackupCode' in outcome;
}
