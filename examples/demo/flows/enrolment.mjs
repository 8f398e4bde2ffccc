// Turning 2FA on (`beginEnrollment` → the QR code → `confirmEnrollment` → the backup codes, shown once),
// minting new backup codes (`regenerateBackupCodes`) and turning it off (`disable`). All but the set-up
// page and the code confirming it are gated (see app.mjs): Enable by "confirm your password", regenerate and
// disable by a second factor verified in the last 10 minutes (flows/confirm-code.mjs).
import * as pages from '../pages/enrolment.mjs';
import { securityPage } from './account.mjs';
import { failureMessage, statusFor } from './messages.mjs';

/** POST /settings/security/2fa/enable: a new secret, pending until its first code confirms it. */
export async function begin(ctx, { twoFactor }) {
  const { user, session } = ctx;
  const enrollment = await twoFactor.beginEnrollment(user.id, { accountName: user.email });
  // Only what the set-up page shows is kept, in the server-side session; the record holds the sealed secret.
  session.enrollment = { uri: enrollment.uri, setupKey: enrollment.setupKey, expiresAt: enrollment.expiresAt };
  return ctx.redirect('/settings/security/2fa/setup');
}

/** GET /settings/security/2fa/setup: the QR code (drawn by the browser from the URI) and the setup key. */
export function setupPage(ctx, { now }) {
  const { enrollment } = ctx.session;
  if (!enrollment || now() >= enrollment.expiresAt) return ctx.redirect('/settings/security');
  return ctx.send(200, pages.setup({ ...ctx.view, enrollment, now: now() }));
}

/** POST /settings/security/2fa/confirm: the app's first code turns 2FA on and yields the backup codes. */
export async function confirm(ctx, app) {
  const { user, session, form } = ctx;
  const result = await app.twoFactor.confirmEnrollment(user.id, form.get('code') ?? '');
  if (result.ok) {
    // The app's first code is a second factor verified just now: the sensitive settings accept it for 10 minutes.
    session.verifiedAt = result.verifiedAt;
    session.enrollment = null;
    session.backupCodes = { codes: result.backupCodes, fresh: true };
    return ctx.redirect('/settings/security/2fa/backup-codes');
  }
  if (result.reason === 'expired' || result.reason === 'no-pending-enrollment' || !session.enrollment) {
    session.enrollment = null;
    return securityPage(ctx, app, 409, { enable: failureMessage(result, 'totp') });
  }
  const page = pages.setup({ ...ctx.view, enrollment: session.enrollment, now: app.now(), error: failureMessage(result, 'totp') });
  return ctx.send(statusFor(result), page);
}

/** GET /settings/security/2fa/backup-codes: shown once, the codes leave the session as they are rendered. */
export function backupCodesPage(ctx, { issuer }) {
  const shown = ctx.session.backupCodes;
  ctx.session.backupCodes = null;
  return ctx.send(200, pages.backupCodes({ ...ctx.view, codes: shown?.codes ?? null, issuer }));
}

/** POST /settings/security/2fa/regenerate: new backup codes for a current code; the old ones stop working. */
export async function regenerate(ctx, app) {
  const result = await app.twoFactor.regenerateBackupCodes(ctx.user.id, ctx.form.get('code') ?? '');
  if (!result.ok) return securityPage(ctx, app, statusFor(result), { regenerate: failureMessage(result, 'totp') });
  ctx.session.backupCodes = { codes: result.backupCodes };
  return ctx.redirect('/settings/security/2fa/backup-codes');
}

/** POST /settings/security/2fa/disable: 2FA off for a current code (the library deletes the record). */
export async function disable(ctx, app) {
  const result = await app.twoFactor.disable(ctx.user.id, ctx.form.get('code') ?? '');
  if (!result.ok) return securityPage(ctx, app, statusFor(result), { disable: failureMessage(result, 'totp') });
  ctx.session.enrollment = null;
  ctx.session.flash = { kind: 'info', text: 'Two-factor authentication is off.' };
  return ctx.redirect('/settings/security');
}
