// Adding a factor, the one path for every kind (an authenticator app confirmed, a hardware token
// registered): the operation's own check runs once per attempt, then the proof of possession, then one
// ending — a first factor brings a fresh backup-code set (hashed once per call), a later one keeps the
// user's. Adding never replaces a factor.
import { generateBackupCodes } from '../../backup-codes/codes.js';
import { hashBackupCodes } from '../../backup-codes/hash.js';
import { readCode } from '../../internal/otp.js';
import { chargeBackupCode, type BackupCharge } from '../checks/backup-code.js';
import { throttled, waitFor, type Decision } from '../checks/outcomes.js';
import { checkProof } from '../checks/proof.js';
import { withFactorAdded } from '../record/factors.js';
import { newFactorId } from '../record/label.js';
import { emptyRecord, isEnabled } from '../record/state.js';
import type { StoredFactor, TwoFactorRecord } from '../record/types.js';
import type { EventBody, TwoFactorOperation } from '../types/events.js';
import type { Failure, Method } from '../types/failures.js';
import { redeemBackupCode } from './backup-code.js';
import type { ServiceContext } from './context.js';

/**
 * A new factor as its operation checked it: everything but the id, which the ending draws, and with the
 * secret in the clear, which the ending seals for that id. @internal
 */
type NewFactor = StoredFactor extends infer F ? (F extends StoredFactor ? Omit<F, 'id' | 'secret'> & { secret: Uint8Array } : never) : never;

/** An operation's check of its own inputs on the record as read: a refusal, or the factor to add (and fields to reset). @internal */
export type Addition = { refused: Decision<Failure> } | { factor: NewFactor; reset?: Partial<TwoFactorRecord> };

/** What an addition returns: the new factor's id, and the backup codes (shown once) when it was the first. */
export type Added = { ok: true; factorId: string; backupCodes: string[] } | Failure;

type BackupCodes = () => Promise<{ codes: string[]; hashed: string }>;

/**
 * Adds the factor `check` finds on the record: directly when no factor is enabled, otherwise only with
 * `proof` (`'proof-required'` without it; a wrong one is counted). Throttled like every code check. @internal
 */
export async function addFactor(
  ctx: ServiceContext,
  userId: string,
  operation: TwoFactorOperation,
  proof: unknown,
  check: (record: TwoFactorRecord, nowMs: number) => Promise<Addition>,
): Promise<Added> {
  const codes = freshBackupCodes(ctx);
  const proofInput = { raw: proof, code: readCode(proof) };
  const outcome = await ctx.transact(userId, async (stored, nowMs): Promise<Decision<Added | { charged: BackupCharge }>> => {
    const record = stored?.record ?? emptyRecord();
    const wait = waitFor(ctx, record, nowMs);
    if (wait > 0) return throttled(operation, wait);
    const addition = await check(record, nowMs);
    if ('refused' in addition) return addition.refused;
    const proven = await checkProof(ctx, userId, record, proofInput, nowMs, operation);
    if ('refused' in proven) return proven.refused;
    if ('backupCode' in proven) return chargeBackupCode(record, nowMs);
    return commitFactor(ctx, userId, record, proven.proven, addition, proven.method, nowMs, codes);
  });
  if (!('charged' in outcome)) return outcome;
  return redeemBackupCode<Added>(ctx, userId, proof, operation, outcome.charged, async (used, stored, nowMs) => {
    const addition = await check(stored, nowMs);
    return 'refused' in addition ? addition.refused : commitFactor(ctx, userId, stored, used, addition, 'backup-code', nowMs, codes);
  });
}

/** The one ending: the factor added to `base` (the record with the proof consumed), with codes for a first factor. */
async function commitFactor(
  ctx: ServiceContext,
  userId: string,
  record: TwoFactorRecord,
  base: TwoFactorRecord,
  addition: Extract<Addition, { factor: unknown }>,
  proof: Method | null,
  nowMs: number,
  codes: BackupCodes,
): Promise<Decision<Added>> {
  const first = !isEnabled(record);
  // scrypt (~0.1 s a code) only for a first factor, once per call.
  const { codes: backupCodes, hashed } = first ? await codes() : { codes: [], hashed: null };
  const id = newFactorId(record.factors);
  // Sealed for this factor's place: the pending enrolment's ciphertext would not open here.
  const factor = { id, ...addition.factor, secret: await ctx.sealer.seal(addition.factor.secret, userId, id) } as StoredFactor;
  const next = { ...withFactorAdded(base, factor, nowMs, hashed), ...addition.reset, failures: 0, lastFailureAt: null };
  const events: EventBody[] = [
    ...(first ? [{ type: 'enabled' as const, replaced: false }] : []),
    { type: 'factor-added', factorId: factor.id, factorType: factor.type, ...(proof ? { proof } : {}) },
  ];
  return { result: { ok: true, factorId: factor.id, backupCodes }, next, events };
}

/** A fresh backup-code set, made and hashed at most once per call however often the compare-and-set is retried. @internal */
export function freshBackupCodes(ctx: ServiceContext): BackupCodes {
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
