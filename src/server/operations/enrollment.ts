// Enrolment of an authenticator app: a new secret shown once, then confirmed with the first code from the
// app. The first app turns 2FA on; any later one is added beside the others, with proof of possession.
import { fail, optionsObject } from '../../internal/assert.js';
import { encodeBase32, formatSetupKey } from '../../base32.js';
import { generateSecret } from '../../secret.js';
import { readCode } from '../../internal/otp.js';
import { matchNewTotp } from '../checks/drift.js';
import { buildOtpauthUri } from '../../uri/build.js';
import { renderQrSvg } from '../../qr.js';
import { counted, refuse } from '../checks/outcomes.js';
import { emptyRecord } from '../record/state.js';
import { assertRoomForFactor } from '../record/factors.js';
import { DEFAULT_TOTP_LABEL, labelArgument } from '../record/label.js';
import { MAX_ACCOUNT_NAME_CHARS, type TwoFactorRecord } from '../record/types.js';
import { addFactor, type Addition, type Confirmed } from './addition.js';
import type { ServiceContext } from './context.js';
import { assertUserId } from '../record/user-id.js';
import { PENDING_SLOT } from '../record/seal.js';

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

/** {@link TwoFactor.beginEnrollment}. @internal */
export async function beginEnrollment(ctx: ServiceContext, userIdInput: string, opts: { accountName: string; label?: string }): Promise<Enrollment> {
  const userId = assertUserId(userIdInput);
  const { accountName, label: labelInput } = optionsObject(opts, 'opts');
  if (typeof accountName !== 'string' || accountName.length === 0 || accountName.length > MAX_ACCOUNT_NAME_CHARS) {
    fail('INVALID_OPTION', 'accountName', `a string of 1–${MAX_ACCOUNT_NAME_CHARS} characters`, accountName);
  }
  const label = labelArgument(labelInput, 'label', DEFAULT_TOTP_LABEL);
  const { parameters } = ctx;
  const secret = generateSecret();
  // Built before anything is stored, so a name the URI cannot carry leaves the record untouched.
  const uri = buildOtpauthUri({ type: 'totp', secret, accountName, issuer: ctx.issuer, ...parameters });
  const shown = { secret: encodeBase32(secret), setupKey: formatSetupKey(secret), uri, qrSvg: renderQrSvg(uri) };
  const sealed = await ctx.sealer.seal(secret, userId, PENDING_SLOT);
  return ctx.transact(userId, (stored, nowMs) => {
    // A user at the limit cannot confirm anything: refuse now rather than after they set up the app.
    assertRoomForFactor(stored?.record);
    const expiresAt = nowMs + ctx.enrollmentTtlMs;
    const pending = { secret: sealed, ...parameters, label, accountName, createdAt: nowMs, expiresAt };
    const record: TwoFactorRecord = { ...(stored?.record ?? emptyRecord()), pending };
    return { result: { ...shown, expiresAt }, next: record, events: [{ type: 'enrollment-started', expiresAt }] };
  });
}

/** {@link TwoFactor.confirmEnrollment}. @internal */
export async function confirmEnrollment(ctx: ServiceContext, userIdInput: string, code: string, opts?: { proof?: string }): Promise<Confirmed> {
  const userId = assertUserId(userIdInput);
  const { proof } = optionsObject(opts, 'opts');
  const typed = readCode(code);
  const operation = 'confirm-enrollment';
  return addFactor(ctx, userId, operation, proof, async (record, nowMs): Promise<Addition> => {
    const { pending } = record;
    if (!pending) return { refused: refuse(operation, 'no-pending-enrollment') };
    if (nowMs >= pending.expiresAt) return { refused: refuse(operation, 'expired') };
    const secret = await ctx.sealer.open(pending.secret, userId, PENDING_SLOT, 'record.pending.secret');
    const step = matchNewTotp(secret, pending, typed, nowMs, ctx.window);
    if (step < 0) return { refused: counted(ctx, record, nowMs, operation, 'invalid', 'totp') };
    assertRoomForFactor(record);
    const { label, algorithm, digits, period } = pending;
    // The confirming code's step: that code can never sign in afterwards. The secret is sealed again
    // for the factor's own place once its id is drawn (addition.ts).
    const factor = { type: 'totp', label, secret, algorithm, digits, period, createdAt: nowMs, lastUsedAt: null, lastStep: step, driftSteps: 0 } as const;
    return { factor, reset: { pending: null } };
  });
}

/** What {@link TwoFactor.pendingEnrollment} returns: the set-up page's values again, never the raw secret. */
export interface PendingEnrollmentView {
  setupKey: string;
  uri: string;
  qrSvg: string;
  label: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * {@link TwoFactor.pendingEnrollment}: the values `beginEnrollment` returned, rebuilt from the pending
 * enrolment (one read, no write); null when none is pending, it has expired, or it was begun by 0.2 (which
 * kept no account name). @internal
 */
export async function pendingEnrollment(ctx: ServiceContext, userIdInput: string): Promise<PendingEnrollmentView | null> {
  const userId = assertUserId(userIdInput);
  const pending = (await ctx.read(userId))?.record.pending;
  if (!pending || pending.accountName === undefined || ctx.now() >= pending.expiresAt) return null;
  const secret = await ctx.sealer.open(pending.secret, userId, PENDING_SLOT, 'record.pending.secret');
  const { algorithm, digits, period, accountName, label, expiresAt } = pending;
  const uri = buildOtpauthUri({ type: 'totp', secret, accountName, issuer: ctx.issuer, algorithm, digits, period });
  return { setupKey: formatSetupKey(secret), uri, qrSvg: renderQrSvg(uri), label, expiresAt };
}
