// Sign-in: a code of any enabled factor (TOTP or HOTP) or a backup code, each single use; on success it may
// also trust this browser (a device token minted in the same write that consumes the code). `verify` checks a
// code for a user; the sign-in challenge (beginSignIn → completeSignIn) owns the step between the password
// and the code, so the app keeps no pending state: the challenge names the user (docs/sign-in.md).
import { optionsObject } from '../../internal/assert.js';
import { readCode } from '../../internal/otp.js';
import { admitBackupCode, type BackupCharge } from '../checks/backup-code.js';
import { challengeState, mintChallenge, readChallenge, withChallengeAttempt, withNewChallenge, withoutChallenge } from '../checks/challenge.js';
import { looksLikeFactorCode, requireCurrentCode } from '../checks/current-code.js';
import { deviceMintOption, withTrustedDevice, type DeviceMint, type MintedDevice } from '../checks/device-token.js';
import { refuse, type Decision } from '../checks/outcomes.js';
import { isEnabled, remainingOf } from '../record/state.js';
import type { TwoFactorRecord } from '../record/types.js';
import { assertUserId } from '../record/user-id.js';
import type { TwoFactorOperation } from '../types/events.js';
import type { FactorType, Failure, Method } from '../types/failures.js';
import { redeemBackupCode } from './backup-code.js';
import type { ServiceContext } from './context.js';
import { checkDevice } from './trusted-devices.js';

/** A successful sign-in: which factor matched (absent for a backup code), the backup codes left, when, and the trusted-device token when one was asked for. */
export type Verified =
  | { ok: true; method: FactorType | 'backup-code'; factorId?: string; backupCodesRemaining: number; verifiedAt: number; trustedDevice?: MintedDevice }
  | Failure;

/** Options of {@link TwoFactor.verify} and {@link TwoFactor.completeSignIn}. */
export interface VerifyOptions {
  /**
   * Trust this browser on success: a device token to keep in a cookie (see `verifyTrustedDevice`).
   * `label` (shown on the app's Security page, e.g. the User-Agent) is cut to 128 characters.
   */
  trustDevice?: { label?: string; ttlMs?: number };
}

/** What {@link TwoFactor.beginSignIn} returns. */
export type SignInStart =
  | { required: false; reason: 'not-enabled' }
  | { required: false; reason: 'trusted-device'; deviceId: string }
  | { required: true; challenge: string; expiresAt: number; methods: Method[]; trustedDevice?: 'invalid' | 'expired' };

/** What {@link TwoFactor.completeSignIn} returns: on `ok`, the user to sign in. */
export type SignInResult =
  | { ok: true; userId: string; method: Method; factorId?: string; backupCodesRemaining: number; verifiedAt: number; trustedDevice?: MintedDevice }
  | Failure;

/**
 * What a sign-in challenge puts around a code: a refusal before the code is looked at, whether it still
 * stands when a backup code's use commits, the record a success writes, and a counted failure's charge
 * (kept when it spends the challenge, for a backup code's charge whose own success must still find it).
 */
interface CodeGate {
  refuse(record: TwoFactorRecord | undefined, nowMs: number): Decision<Failure> | null;
  stands(record: TwoFactorRecord): boolean;
  spend(record: TwoFactorRecord): TwoFactorRecord;
  charge(record: TwoFactorRecord, keepSpent: boolean): { record: TwoFactorRecord; attemptsLeft: number };
}

/**
 * {@link TwoFactor.verify}. Digits only (spaces ignored) of a length some enabled factor uses: a factor
 * code; anything else is tried as a backup code. Backup codes are at least 10 symbols and written with a
 * hyphen, so with 6–9 digit codes the two never overlap; with 10 digits, an all-digit backup code typed
 * without its hyphen is taken for a factor code. @internal
 */
export async function verify(ctx: ServiceContext, userIdInput: string, code: string, options?: VerifyOptions): Promise<Verified> {
  const userId = assertUserId(userIdInput);
  return checkCode(ctx, userId, code, 'verify', deviceMintOption(userId, options, ctx.sealer.devices));
}

/** A code for `userId` (every enabled factor, then the backup codes), behind `gate` when given. */
async function checkCode(ctx: ServiceContext, userId: string, code: unknown, operation: TwoFactorOperation, mint: DeviceMint | undefined, gate?: CodeGate): Promise<Verified> {
  const typed = readCode(code);
  const outcome = await ctx.transact(userId, async (stored, nowMs): Promise<Decision<Verified | { charged: BackupCharge }>> => {
    const record = stored?.record;
    const refused = gate?.refuse(record, nowMs);
    if (refused) return refused;
    if (record && isEnabled(record) && !looksLikeFactorCode(record, typed)) {
      const charge = admitBackupCode(ctx, record, nowMs, operation);
      if (!gate || !charge.next || !('charged' in charge.result)) return charge;
      const { record: next, attemptsLeft } = gate.charge(charge.next, true);
      return { ...charge, result: { charged: { ...charge.result.charged, attemptsLeft } }, next };
    }
    const checked = await requireCurrentCode(ctx, userId, record, typed, nowMs, operation);
    if ('refused' in checked) {
      if (!gate || !checked.refused.next) return checked.refused;
      const { record: next, attemptsLeft } = gate.charge(checked.refused.next, false);
      return { ...checked.refused, result: { ...checked.refused.result, attemptsLeft }, next };
    }
    return signedIn(mint, nowMs, gate ? gate.spend(checked.record) : checked.record, { method: checked.factor.type, factorId: checked.factor.id });
  });
  if (!('charged' in outcome)) return outcome;
  return redeemBackupCode<Verified>(ctx, userId, code, operation, outcome.charged, async (used, stored, nowMs) => {
    if (gate && !gate.stands(stored)) return refuse<Verified>(operation, 'challenge-invalid', 'backup-code');
    return signedIn(mint, nowMs, gate ? gate.spend(used) : used, { method: 'backup-code' });
  });
}

/** A sign-in accepted: `next` written, with this browser trusted in the same write when asked. */
function signedIn(mint: DeviceMint | undefined, nowMs: number, next: TwoFactorRecord, how: { method: Method; factorId?: string }): Decision<Verified> {
  return withTrustedDevice(mint, nowMs, { result: { ok: true, ...how, backupCodesRemaining: remainingOf(next), verifiedAt: nowMs }, next, events: [] });
}

/** What the user can answer a challenge with: the kinds of factor enabled, and backup codes while any are left. */
function methodsOf(record: TwoFactorRecord): Method[] {
  const methods: Method[] = (['totp', 'hotp'] as const).filter((type) => record.factors.some((factor) => factor.type === type));
  return remainingOf(record) > 0 ? [...methods, 'backup-code'] : methods;
}

/** {@link TwoFactor.beginSignIn}: one read, and one compare-and-set when a challenge is issued. @internal */
export async function beginSignIn(ctx: ServiceContext, userIdInput: string, opts?: { trustedDeviceToken?: string }): Promise<SignInStart> {
  const userId = assertUserId(userIdInput);
  const { trustedDeviceToken: token } = optionsObject(opts, 'opts');
  const first = await ctx.read(userId);
  if (!first || !isEnabled(first.record)) return { required: false, reason: 'not-enabled' };
  let trustedDevice: 'invalid' | 'expired' | undefined;
  if (token !== undefined && token !== null) {
    const device = await checkDevice(ctx, userId, token, first);
    if (device.ok) return { required: false, reason: 'trusted-device', deviceId: device.deviceId };
    trustedDevice = device.reason === 'expired' ? 'expired' : 'invalid';
  }
  // Drawn once: a retried write stores the hash of the challenge the caller is given.
  const { token: challenge, hash } = mintChallenge(userId);
  return ctx.transact(userId, (stored, nowMs): Decision<SignInStart> => {
    const record = stored?.record;
    if (!record || !isEnabled(record)) return { result: { required: false, reason: 'not-enabled' }, events: [] };
    const expiresAt = nowMs + ctx.signIn.challengeTtlMs;
    const result = { required: true, challenge, expiresAt, methods: methodsOf(record), ...(trustedDevice ? { trustedDevice } : {}) } as const;
    return { result, next: withNewChallenge(record, hash, nowMs, ctx.signIn), events: [] };
  }, first);
}

/** The gate a challenge (by its hash) puts around completeSignIn's code. */
function challengeGate(ctx: ServiceContext, hash: string): CodeGate {
  const { maxAttempts } = ctx.signIn;
  return {
    refuse: (record, nowMs) => {
      if (!record || !isEnabled(record)) return { result: { ok: false, reason: 'challenge-invalid' }, events: [] };
      const found = challengeState(record.challenges, hash, nowMs, maxAttempts);
      if (found.state === 'open') return null;
      return refuse('sign-in', found.state === 'expired' ? 'challenge-expired' : 'challenge-invalid');
    },
    // A backup code's charge may have brought the count to the cap: its own success still stands.
    stands: (record) => (record.challenges ?? []).some((c) => c.hash === hash && c.attempts <= maxAttempts),
    spend: (record) => withoutChallenge(record, hash),
    charge: (record, keepSpent) => withChallengeAttempt(record, hash, maxAttempts, keepSpent),
  };
}

/** {@link TwoFactor.completeSignIn}: any value from a browser as the challenge is a result. @internal */
export async function completeSignIn(ctx: ServiceContext, challenge: unknown, code: string, opts?: VerifyOptions): Promise<SignInResult> {
  const read = readChallenge(challenge);
  // The options are the app's: checked (and the device drawn) before anything else, whatever the challenge.
  const mint = deviceMintOption(read?.userId ?? '', opts, ctx.sealer.devices);
  if (!read) return { ok: false, reason: 'challenge-invalid' };
  const result = await checkCode(ctx, read.userId, code, 'sign-in', mint, challengeGate(ctx, read.hash));
  return result.ok ? { ...result, userId: read.userId } : result;
}

/** {@link TwoFactor.cancelSignIn}: drops the challenge; unknown ones cost a read, malformed ones nothing. @internal */
export async function cancelSignIn(ctx: ServiceContext, challenge: unknown): Promise<void> {
  const read = readChallenge(challenge);
  if (!read) return;
  await ctx.transact(read.userId, (stored): Decision<void> => {
    if (!stored || !(stored.record.challenges ?? []).some((c) => c.hash === read.hash)) return { result: undefined, events: [] };
    return { result: undefined, next: withoutChallenge(stored.record, read.hash), events: [] };
  });
}
