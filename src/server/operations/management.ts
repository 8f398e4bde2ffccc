// Managing 2FA once it is on: status, disable, new backup codes, and support's reset.
import { readCode } from '../../internal/otp.js';
import { freshBackupCodes } from './addition.js';
import { remainingOf, isEnabled } from '../record/state.js';
import { requireCurrentCode } from '../checks/current-code.js';
import type { Failure } from '../types/failures.js';
import { factorInfo, type FactorInfo } from '../record/factors.js';
import type { Decision } from '../checks/outcomes.js';
import type { ServiceContext } from './context.js';
import { assertUserId } from '../record/user-id.js';

/** What {@link TwoFactor.status} returns. */
export interface TwoFactorStatus {
  /** `'pending'` only while an unexpired first enrolment waits for confirmation. */
  state: 'disabled' | 'pending' | 'enabled';
  backupCodesRemaining: number;
  /** When 2FA was turned on (its first factor confirmed), epoch ms. */
  enabledAt?: number;
  /** The enabled factors, oldest first. */
  factors: FactorInfo[];
}

/** {@link TwoFactor.disable}. @internal */
export async function disable(ctx: ServiceContext, userIdInput: string, code: string): Promise<{ ok: true } | Failure> {
  const userId = assertUserId(userIdInput);
  const typed = readCode(code);
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<{ ok: true } | Failure>> => {
    const checked = await requireCurrentCode(ctx, userId, stored?.record, typed, nowMs, 'disable');
    if ('refused' in checked) return checked.refused;
    return { result: { ok: true }, next: null, events: [{ type: 'disabled' }] };
  });
}

type Regenerated = { ok: true; backupCodes: string[] } | Failure;

/** {@link TwoFactor.regenerateBackupCodes}. @internal */
export async function regenerateBackupCodes(ctx: ServiceContext, userIdInput: string, code: string): Promise<Regenerated> {
  const userId = assertUserId(userIdInput);
  const typed = readCode(code);
  const codes = freshBackupCodes(ctx);
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<Regenerated>> => {
    const checked = await requireCurrentCode(ctx, userId, stored?.record, typed, nowMs, 'regenerate-backup-codes');
    if ('refused' in checked) return checked.refused;
    const { codes: backupCodes, hashed } = await codes();
    return {
      result: { ok: true, backupCodes },
      next: { ...checked.record, backupCodes: hashed, backupCodesUsed: [] },
      events: [{ type: 'backup-codes-regenerated', count: backupCodes.length }],
    };
  });
}

/** {@link TwoFactor.status}. @internal */
export async function status(ctx: ServiceContext, userIdInput: string): Promise<TwoFactorStatus> {
  const userId = assertUserId(userIdInput);
  const record = (await ctx.read(userId))?.record;
  if (record && isEnabled(record)) {
    return { state: 'enabled', backupCodesRemaining: remainingOf(record), enabledAt: record.enabledAt!, factors: record.factors.map(factorInfo) };
  }
  // An expired first enrolment is as good as none: the user has to begin again.
  if (record?.pending && ctx.now() < record.pending.expiresAt) return { state: 'pending', backupCodesRemaining: 0, factors: [] };
  return { state: 'disabled', backupCodesRemaining: 0, factors: [] };
}

/** {@link TwoFactor.reset}. @internal */
export async function reset(ctx: ServiceContext, userIdInput: string): Promise<void> {
  const userId = assertUserId(userIdInput);
  await ctx.transact(userId, (stored): Decision<void> =>
    stored ? { result: undefined, next: null, events: [{ type: 'reset' }] } : { result: undefined, events: [] },
  );
}
