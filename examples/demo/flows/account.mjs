// The signed-in pages: the account, the Profile tab, and the Security tab (what `status` says, the factors,
// the trusted browsers), which the enrolment and factor flows also answer with when a form is refused.
import * as pages from '../pages/account.mjs';
import { takeFlash } from '../web/sessions.mjs';

/** GET /account */
export async function dashboard(ctx, { twoFactor }) {
  const status = await twoFactor.status(ctx.user.id);
  return ctx.send(200, pages.dashboard({ ...ctx.view, status, flash: takeFlash(ctx.session) }));
}

/** GET /settings */
export function profile(ctx) {
  return ctx.send(200, pages.settingsProfile({ ...ctx.view }));
}

/** GET /settings/security */
export function security(ctx, app) {
  return securityPage(ctx, app, 200, {});
}

/** The Security tab with `errors` (keyed by form) under the forms they belong to, answered with `httpStatus`. */
export async function securityPage(ctx, { twoFactor, now }, httpStatus, errors) {
  const { user, session } = ctx;
  const status = await twoFactor.status(user.id);
  const enrollment = session.enrollment && now() < session.enrollment.expiresAt ? session.enrollment : null;
  const flash = takeFlash(session);
  const trustedDevices = await twoFactor.listTrustedDevices(user.id);
  const page = pages.settingsSecurity({ ...ctx.view, status, enrollment, errors, flash, focus: flash?.focus, trustedDevices, currentDeviceId: session.trustedDeviceId });
  return ctx.send(httpStatus, page);
}
