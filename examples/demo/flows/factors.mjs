// The Security tab's factors: Add another app (`beginEnrollment` with a label, then `confirmEnrollment` with
// the new app's code and proof), Add a hardware token (`addHotpToken`: secret, two codes, proof), Rename
// (`renameFactor`) and Remove (`removeFactor`, a current code). The library enforces the proof (a current
// code of an enabled factor or a backup code); adding and removing are also gated (see app.mjs): by a second
// factor verified in the last 10 minutes, or, with 2FA off (an addition turns it on), by the password.
import * as pages from '../pages/factors.mjs';
import { securityPage } from './account.mjs';
import { factorMessage, statusFor } from './messages.mjs';

const NAME_RULE = 'A name has 1–64 characters and no line breaks.';

/** POST /settings/security/factors/app: a pending second app, shown on its own page. */
export async function addApp(ctx, app) {
  const { user, session, form } = ctx;
  const label = (form.get('label') ?? '').trim();
  const begun = await typed(() => app.twoFactor.beginEnrollment(user.id, { accountName: user.email, label }));
  if (begun.ok === false) return securityPage(ctx, app, 400, { app: NAME_RULE });
  session.addition = { uri: begun.uri, setupKey: begun.setupKey, expiresAt: begun.expiresAt, label };
  return ctx.redirect('/settings/security/factors/app');
}

/** GET /settings/security/factors/app: the new app's QR code, its code and the proof. */
export function addAppPage(ctx) {
  if (!ctx.session.addition) return ctx.redirect('/settings/security');
  return ctx.send(200, pages.addAppPage({ ...ctx.view, addition: ctx.session.addition }));
}

/** POST /settings/security/factors/app/confirm: the new app's code, and proof from an existing factor. */
export async function confirmApp(ctx, { twoFactor }) {
  const { user, session, form } = ctx;
  if (!session.addition) return ctx.redirect('/settings/security');
  const result = await twoFactor.confirmEnrollment(user.id, form.get('code') ?? '', { proof: form.get('proof') ?? '' });
  if (!result.ok) return ctx.send(statusFor(result), pages.addAppPage({ ...ctx.view, addition: session.addition, error: factorMessage(result) }));
  session.verifiedAt = result.verifiedAt;
  session.flash = { kind: 'info', text: `${session.addition.label} was added.` };
  session.addition = null;
  return ctx.redirect('/settings/security');
}

/** POST /settings/security/factors/token: an OATH-HOTP token from its secret, two consecutive codes and proof. */
export async function addToken(ctx, app) {
  const { user, session, form } = ctx;
  const codes = [form.get('code1') ?? '', form.get('code2') ?? ''];
  const label = (form.get('label') ?? '').trim();
  const secret = (form.get('secret') ?? '').replace(/\s/g, '').toUpperCase();
  const result = await typed(() => app.twoFactor.addHotpToken(user.id, { secret, codes, label, proof: form.get('proof') ?? '' }));
  if (result.malformed) {
    return securityPage(ctx, app, 400, { tokenSecret: 'Enter the token secret in base32 (at least 16 bytes) and a name of 1–64 characters.' });
  }
  if (!result.ok) {
    const token = result.reason === 'invalid' ? 'Those codes or the confirmation code are not valid.' : factorMessage(result);
    return securityPage(ctx, app, statusFor(result), { token });
  }
  session.flash = { kind: 'info', text: `${label} was added.` };
  return ctx.redirect('/settings/security');
}

/** POST /settings/security/factors/rename */
export async function rename(ctx, app) {
  const factorId = ctx.form.get('factorId') ?? '';
  const renamed = await typed(() => app.twoFactor.renameFactor(ctx.user.id, factorId, (ctx.form.get('label') ?? '').trim()));
  if (renamed !== true) return securityPage(ctx, app, 400, { [`rename-${factorId}`]: NAME_RULE });
  ctx.session.flash = { kind: 'info', text: 'Renamed.' };
  return ctx.redirect('/settings/security');
}

/** POST /settings/security/factors/remove: for a current code of any factor; the last one turns 2FA off. */
export async function remove(ctx, app) {
  const { twoFactor } = app;
  const factorId = ctx.form.get('factorId') ?? '';
  const result = await typed(() => twoFactor.removeFactor(ctx.user.id, factorId, ctx.form.get('code') ?? ''));
  if (!result.ok) {
    const error = factorMessage(result.malformed ? { reason: 'unknown-factor' } : result);
    return securityPage(ctx, app, statusFor(result), { [`remove-${factorId}`]: error });
  }
  const { state } = await twoFactor.status(ctx.user.id);
  ctx.session.flash = { kind: 'info', text: state === 'enabled' ? 'Removed.' : 'Removed. Two-factor authentication is off.' };
  return ctx.redirect('/settings/security');
}

/** A service call whose argument a user typed: a malformed one (bad base32, a label with a newline) is a message, not a 500. */
async function typed(call) {
  try {
    return await call();
  } catch (error) {
    if (error?.name === 'TwoFactorError' && (error.code === 'INVALID_SECRET' || error.code === 'INVALID_OPTION')) return { ok: false, malformed: error.code };
    throw error;
  }
}
