// Sign-in: a code of any enabled factor (TOTP or HOTP) or a backup code, each single use; on success it may
// also trust this browser (a device token minted in the same write that consumes the code).
import { readCode } from '../../internal/otp.js';
import { admitBackupCode, type BackupCharge } from '../checks/backup-code.js';
import { looksLikeFactorCode, requireCurrentCode } from '../checks/current-code.js';
import { deviceMintOption, withTrustedDevice, type DeviceMint, type MintedDevice } from '../checks/device-token.js';
import type { Decision } from '../checks/outcomes.js';
import { isEnabled, remainingOf } from '../record/state.js';
import type { TwoFactorRecord } from '../record/types.js';
import { assertUserId } from '../record/user-id.js';
import type { FactorType, Failure, Method } from '../types/failures.js';
import { redeemBackupCode } from './backup-code.js';
import type { ServiceContext } from './context.js';

/** A successful sign-in: which factor matched (absent for a backup code), the backup codes left, and the trusted-device token when one was asked for. */
export type Verified =
  | { ok: true; method: FactorType | 'backup-code'; factorId?: string; backupCodesRemaining: number; trustedDevice?: MintedDevice }
  | Failure;

/** Options of {@link TwoFactor.verify}. */
export interface VerifyOptions {
  /**
   * Trust this browser on success: a device token to keep in a cookie (see `verifyTrustedDevice`).
   * `label` (shown on the app's Security page, e.g. the User-Agent) is cut to 128 characters.
   */
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
  const mint = deviceMintOption(userId, options, ctx.sealer.devices);
  const typed = readCode(code);
  const outcome = await ctx.transact(userId, async (stored, nowMs): Promise<Decision<Verified | { charged: BackupCharge }>> => {
    const record = stored?.record;
    if (record && isEnabled(record) && !looksLikeFactorCode(record, typed)) return admitBackupCode(ctx, record, nowMs, 'verify');
    const checked = await requireCurrentCode(ctx, userId, record, typed, nowMs, 'verify');
    if ('refused' in checked) return checked.refused;
    return signedIn(mint, nowMs, checked.record, { method: checked.factor.type, factorId: checked.factor.id });
  });
  if (!('charged' in outcome)) return outcome;
  return redeemBackupCode<Verified>(ctx, userId, code, 'verify', outcome.charged, async (used, _stored, nowMs) => signedIn(mint, nowMs, used, { method: 'backup-code' }));
}

/** A sign-in accepted: `next` written, with this browser trusted in the same write when asked. */
function signedIn(mint: DeviceMint | undefined, nowMs: number, next: TwoFactorRecord, how: { method: Method; factorId?: string }): Decision<Verified> {
  return withTrustedDevice(mint, nowMs, { result: { ok: true, ...how, backupCodesRemaining: remainingOf(next) }, next, events: [] });
}
