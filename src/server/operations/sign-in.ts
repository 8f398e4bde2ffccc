// Sign-in: a code of any enabled factor (TOTP or HOTP) or a backup code, each single use; on success it may
// also trust this browser (a device token minted in the same write that consumes the code).
import { useBackupCode } from './backup-code.js';
import { refuse, type Decision } from '../checks/outcomes.js';
import { remainingOf, isEnabled } from '../record/state.js';
import { requireCurrentCode, looksLikeFactorCode } from '../checks/current-code.js';
import type { Failure, FactorType } from '../types/failures.js';
import type { ServiceContext } from './context.js';
import { deviceMintOption, withTrustedDevice, type MintedDevice } from '../checks/device-token.js';
import { assertUserId } from '../record/user-id.js';

/** A successful sign-in: which factor matched (absent for a backup code), the backup codes left, and the trusted-device token when one was asked for. */
export type Verified =
  | { ok: true; method: FactorType | 'backup-code'; factorId?: string; backupCodesRemaining: number; trustedDevice?: MintedDevice }
  | Failure;

/** Options of {@link TwoFactor.verify}. */
export interface VerifyOptions {
  /** Trust this browser on success: a device token to keep in a cookie (see `verifyTrustedDevice`). */
  trustDevice?: { label?: string; ttlMs?: number };
}

/**
 * {@link TwoFactor.verify}. Digits only (spaces ignored) of a length some enabled factor uses: a factor
 * code; anything else is tried as a backup code. Backup codes are at least 10 symbols and written with a
 * hyphen, so with 6–9 digit codes the two never overlap; with 10 digits, an all-digit backup code typed
 * without its hyphen is taken for a factor code. @internal
 */
export async function verify(ctx: ServiceContext, userIdInput: string, code: string, options?: VerifyOptions): Promise<Verified> {
  const userId = assertUserId(userIdInput);
  const mint = deviceMintOption(userId, options);
  const first = await ctx.read(userId);
  const record = first?.record;
  if (!record || !isEnabled(record)) {
    const decision = refuse<Verified>('verify', 'not-enabled');
    ctx.emit(userId, ctx.now(), decision.events);
    return decision.result;
  }
  if (looksLikeFactorCode(record, code)) {
    return ctx.transact(userId, async (stored, nowMs): Promise<Decision<Verified>> => {
      const checked = await requireCurrentCode(ctx, userId, stored, code, nowMs, 'verify');
      if ('refused' in checked) return checked.refused;
      const { record: next, factor } = checked;
      const result = { ok: true, method: factor.type, factorId: factor.id, backupCodesRemaining: remainingOf(next) } as const;
      return withTrustedDevice(mint, nowMs, { result, next, events: [] });
    }, first);
  }
  return useBackupCode<Verified>(ctx, userId, code, 'verify', first, null, async (used, _stored, nowMs) =>
    withTrustedDevice(mint, nowMs, {
      result: { ok: true, method: 'backup-code', backupCodesRemaining: remainingOf(used) } as const,
      next: used,
      events: [],
    }),
  );
}
