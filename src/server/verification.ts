// Sign-in: a TOTP code or a backup code, each single use.
import { verifyBackupCode } from '../backup-codes-hash.js';
import { failure, refuse, remainingOf, requireCurrentCode, throttled, waitFor, type Failure } from './decisions.js';
import type { StoredRecord } from './store.js';
import { retryAfterMs } from './throttle.js';
import type { Decision, ServiceContext } from './transact.js';
import { assertUserId } from './user-id.js';
import { deviceMintOption, withTrustedDevice, type DeviceMint, type MintedDevice } from './trusted-devices.js';

type Verified = { ok: true; method: 'totp' | 'backup-code'; backupCodesRemaining: number; trustedDevice?: MintedDevice } | Failure;

/**
 * Digits only (spaces ignored) and exactly the enrolled length: a TOTP code; anything else is tried as a
 * backup code. Backup codes are at least 10 symbols and written with a hyphen, so with 6–9 digit codes the
 * two never overlap; with 10 digits, an all-digit backup code typed without its hyphen is taken for TOTP.
 */
function looksLikeTotp(code: unknown, digits: number): boolean {
  if (typeof code !== 'string' || code.length > 64) return false;
  const compact = code.replace(/ /g, '');
  return compact.length === digits && /^[0-9]+$/.test(compact);
}

/** {@link TwoFactor.verify}. @internal */
export async function verify(
  ctx: ServiceContext,
  userIdInput: string,
  code: string,
  options?: { trustDevice?: { label?: string; ttlMs?: number } },
): Promise<Verified> {
  const userId = assertUserId(userIdInput);
  const mint = deviceMintOption(userId, options);
  const first = await ctx.read(userId);
  const factor = first?.record.factor;
  if (!factor) {
    const decision = refuse<Verified>('verify', 'not-enabled');
    ctx.emit(userId, ctx.now(), decision.events);
    return decision.result;
  }
  if (looksLikeTotp(code, factor.digits)) return verifyTotpCode(ctx, userId, code, first, mint);
  return verifyBackup(ctx, userId, code, first, mint);
}

function verifyTotpCode(ctx: ServiceContext, userId: string, code: string, first: StoredRecord | null, mint?: DeviceMint): Promise<Verified> {
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<Verified>> => {
    const checked = await requireCurrentCode(ctx, userId, stored, code, nowMs, 'verify');
    if ('refused' in checked) return checked.refused;
    const { record, step } = checked;
    const factor = { ...record.factor, lastStep: step };
    return withTrustedDevice(mint, nowMs, {
      result: { ok: true, method: 'totp', backupCodesRemaining: remainingOf(factor) },
      next: { ...record, factor, failures: 0, lastFailureAt: null },
      events: [],
    });
  }, first);
}

type Charge = { hashed: string; failures: number; at: number };

/**
 * A backup code: the attempt is first charged to the failure counter (one compareAndSet, refused if
 * throttled), then scrypt runs once, then a second compareAndSet marks the code used and clears the
 * counter. Charging before hashing bounds scrypt runs under a flood of parallel guesses to what the
 * throttle admits; checking the code's index against the re-read record means retries never hash again.
 */
async function verifyBackup(ctx: ServiceContext, userId: string, code: string, first: StoredRecord | null, mint?: DeviceMint): Promise<Verified> {
  const charged = await ctx.transact(userId, (stored, nowMs): Decision<Charge | Verified> => {
    const record = stored?.record;
    if (!record?.factor) return refuse('verify', 'not-enabled', 'backup-code');
    const wait = waitFor(ctx, record, nowMs);
    if (wait > 0) return throttled('verify', wait);
    const failures = record.failures + 1;
    return { result: { hashed: record.factor.backupCodes, failures, at: nowMs }, next: { ...record, failures, lastFailureAt: nowMs }, events: [] };
  }, first);
  if ('ok' in charged) return charged;

  const match = typeof code === 'string' ? await verifyBackupCode(charged.hashed, code) : ({ valid: false } as const);
  if (!match.valid) {
    const nowMs = ctx.now();
    ctx.emit(userId, nowMs, [{ type: 'verification-failed', operation: 'verify', reason: 'invalid', method: 'backup-code', failures: charged.failures }]);
    return failure('invalid', retryAfterMs(charged.failures, charged.at, nowMs, ctx.throttle));
  }
  return ctx.transact(userId, (stored, nowMs): Decision<Verified> => {
    const record = stored?.record;
    if (!record?.factor) return refuse('verify', 'not-enabled', 'backup-code');
    const { factor } = record;
    // A regenerated set, or this code used already (perhaps by a concurrent request): the charge counted it.
    if (factor.backupCodes !== charged.hashed || factor.backupCodesUsed.includes(match.index)) {
      return {
        result: failure('invalid', waitFor(ctx, record, nowMs)),
        events: [{ type: 'verification-failed', operation: 'verify', reason: 'invalid', method: 'backup-code', failures: record.failures }],
      };
    }
    const next = { ...factor, backupCodesUsed: [...factor.backupCodesUsed, match.index] };
    const remaining = remainingOf(next);
    return withTrustedDevice(mint, nowMs, {
      result: { ok: true, method: 'backup-code', backupCodesRemaining: remaining },
      next: { ...record, factor: next, failures: 0, lastFailureAt: null },
      events: [{ type: 'backup-code-used', remaining }],
    });
  });
}
