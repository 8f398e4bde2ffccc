// Enrolment of an authenticator app: a new secret shown once, then confirmed with the first code from the
// app. The first app turns 2FA on; any later one is added beside the others, with proof of possession.
import { fail, optionsObject } from '../../internal/assert.js';
import { encodeBase32, formatSetupKey } from '../../base32.js';
import { generateSecret } from '../../secret.js';
import { verifyTotp } from '../../totp.js';
import { buildOtpauthUri } from '../../uri/build.js';
import { renderQrSvg } from '../../qr.js';
import { counted, refuse } from '../checks/outcomes.js';
import { emptyRecord, isEnabled } from '../record/state.js';
import { freshBackupCodes } from './addition.js';
import type { Failure } from '../types/failures.js';
import { assertRoomForFactor, withFactorAdded } from '../record/factors.js';
import { DEFAULT_TOTP_LABEL, labelArgument, newFactorId } from '../record/label.js';
import { addWithProof, type Checked } from './proof.js';
import type { TotpFactor, TwoFactorRecord } from '../record/types.js';
import type { ServiceContext } from './context.js';
import { assertUserId } from '../record/user-id.js';

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
  const sealed = await ctx.sealer.seal(secret, userId);
  return ctx.transact(userId, (stored, nowMs) => {
    // A user at the limit cannot confirm anything: refuse now rather than after they set up the app.
    assertRoomForFactor(stored?.record);
    const expiresAt = nowMs + ctx.enrollmentTtlMs;
    const pending = { secret: sealed, ...parameters, label, createdAt: nowMs, expiresAt };
    const record: TwoFactorRecord = { ...(stored?.record ?? emptyRecord()), pending };
    return { result: { ...shown, expiresAt }, next: record, events: [{ type: 'enrollment-started', expiresAt }] };
  });
}

type Confirmed = { ok: true; factorId: string; backupCodes: string[] } | Failure;

/** {@link TwoFactor.confirmEnrollment}. @internal */
export async function confirmEnrollment(ctx: ServiceContext, userIdInput: string, code: string, opts?: { proof?: string }): Promise<Confirmed> {
  const userId = assertUserId(userIdInput);
  const { proof } = optionsObject(opts, 'opts');
  const operation = 'confirm-enrollment';
  const codes = freshBackupCodes(ctx);
  return addWithProof<Confirmed>(ctx, userId, operation, proof, async (record, nowMs): Promise<Checked<Confirmed>> => {
    const { pending } = record;
    if (!pending) return { refused: refuse(operation, 'no-pending-enrollment') };
    if (nowMs >= pending.expiresAt) return { refused: refuse(operation, 'expired') };
    const secret = await ctx.sealer.open(pending.secret, userId, 'record.pending.secret');
    const match = verifyTotp(secret, code, { algorithm: pending.algorithm, digits: pending.digits, period: pending.period, window: ctx.window, now: nowMs });
    if (!match.valid) return { refused: counted(ctx, record, nowMs, operation, 'invalid', 'totp') };
    assertRoomForFactor(record);
    const first = !isEnabled(record);
    // scrypt (~0.1 s a code) only for a confirmed first factor, once per call.
    const { codes: backupCodes, hashed } = first ? await codes() : { codes: [], hashed: null };
    const factor: TotpFactor = {
      id: newFactorId(record.factors),
      type: 'totp',
      label: pending.label,
      secret: pending.secret,
      algorithm: pending.algorithm,
      digits: pending.digits,
      period: pending.period,
      createdAt: nowMs,
      lastUsedAt: null,
      // The confirming code's step: that code can never sign in afterwards.
      lastStep: match.step,
      driftSteps: 0,
    };
    return {
      apply: (base) => ({ ...withFactorAdded(base, factor, nowMs, hashed), pending: null, failures: 0, lastFailureAt: null }),
      result: { ok: true, factorId: factor.id, backupCodes },
      events: (proof) => [
        ...(first ? [{ type: 'enabled' as const, replaced: false }] : []),
        { type: 'factor-added' as const, factorId: factor.id, factorType: 'totp' as const, ...(proof ? { proof } : {}) },
      ],
    };
  });
}
