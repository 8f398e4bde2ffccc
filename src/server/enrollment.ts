// Enrolment: a new secret shown once, then confirmed with the first code from the app.
import { fail, optionsObject } from '../internal/assert.js';
import { encodeBase32, formatSetupKey } from '../base32.js';
import { generateSecret } from '../secret.js';
import { verifyTotp } from '../totp.js';
import { buildOtpauthUri } from '../uri-build.js';
import { renderQrSvg } from '../qr.js';
import { counted, freshBackupCodes, refuse, throttled, waitFor, type Failure } from './decisions.js';
import { RECORD_SCHEMA, type ActiveFactor, type TwoFactorRecord } from './record.js';
import type { Decision, ServiceContext } from './transact.js';
import { assertUserId } from './user-id.js';

/** What {@link TwoFactor.beginEnrollment} returns: everything to show on the set-up page. */
export interface Enrollment {
  /** The new secret, base32 (also inside `uri`). Show it only on the set-up page. */
  secret: string;
  /** The secret in groups of four, for people to type into an app. */
  setupKey: string;
  /** The otpauth:// URI for the QR code. */
  uri: string;
  /** The URI as a standalone SVG QR code. */
  qrSvg: string;
  /** When the enrolment expires unless confirmed, epoch ms. */
  expiresAt: number;
}

const MAX_ACCOUNT_NAME_CHARS = 256;

/** {@link TwoFactor.beginEnrollment}. @internal */
export async function beginEnrollment(ctx: ServiceContext, userIdInput: string, opts: { accountName: string }): Promise<Enrollment> {
  const userId = assertUserId(userIdInput);
  const { accountName } = optionsObject(opts, 'opts');
  if (typeof accountName !== 'string' || accountName.length === 0 || accountName.length > MAX_ACCOUNT_NAME_CHARS) {
    fail('INVALID_OPTION', 'accountName', `a string of 1–${MAX_ACCOUNT_NAME_CHARS} characters`, accountName);
  }
  const { parameters } = ctx;
  const secret = generateSecret();
  // Built before anything is stored, so a name the URI cannot carry leaves the record untouched.
  const uri = buildOtpauthUri({ type: 'totp', secret, accountName, issuer: ctx.issuer, ...parameters });
  const shown = { secret: encodeBase32(secret), setupKey: formatSetupKey(secret), uri, qrSvg: renderQrSvg(uri) };
  const sealed = await ctx.sealer.seal(secret, userId);
  return ctx.transact(userId, (stored, nowMs) => {
    const expiresAt = nowMs + ctx.enrollmentTtlMs;
    const pending = { secret: sealed, ...parameters, createdAt: nowMs, expiresAt };
    const record: TwoFactorRecord = stored
      ? { ...stored.record, pending }
      : { schema: RECORD_SCHEMA, state: 'pending', factor: null, pending, failures: 0, lastFailureAt: null };
    return { result: { ...shown, expiresAt }, next: record, events: [{ type: 'enrollment-started', expiresAt }] };
  });
}

type Confirmed = { ok: true; backupCodes: string[] } | Failure;

/** {@link TwoFactor.confirmEnrollment}. @internal */
export async function confirmEnrollment(ctx: ServiceContext, userIdInput: string, code: string): Promise<Confirmed> {
  const userId = assertUserId(userIdInput);
  const operation = 'confirm-enrollment';
  const codes = freshBackupCodes(ctx);
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<Confirmed>> => {
    const record = stored?.record;
    const pending = record?.pending;
    if (!record || !pending) return refuse(operation, 'no-pending-enrollment');
    if (nowMs >= pending.expiresAt) return refuse(operation, 'expired');
    const wait = waitFor(ctx, record, nowMs);
    if (wait > 0) return throttled(operation, wait);
    const secret = await ctx.sealer.open(pending.secret, userId, 'record.pending.secret');
    const match = verifyTotp(secret, code, { algorithm: pending.algorithm, digits: pending.digits, period: pending.period, window: ctx.window, now: nowMs });
    if (!match.valid) return counted(ctx, record, nowMs, operation, 'invalid', 'totp');
    // scrypt (~0.1 s a code) only for a confirmed code, once per call.
    const { codes: backupCodes, hashed } = await codes();
    const factor: ActiveFactor = {
      secret: pending.secret,
      algorithm: pending.algorithm,
      digits: pending.digits,
      period: pending.period,
      // The confirming code's step: that code can never sign in afterwards.
      lastStep: match.step,
      backupCodes: hashed,
      backupCodesUsed: [],
      enabledAt: nowMs,
    };
    return {
      result: { ok: true, backupCodes },
      next: { schema: RECORD_SCHEMA, state: 'enabled', factor, pending: null, failures: 0, lastFailureAt: null },
      events: [{ type: 'enabled', replaced: record.factor !== null }],
    };
  });
}
