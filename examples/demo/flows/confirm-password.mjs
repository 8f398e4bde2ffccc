// "Confirm your password" (sudo mode), as in Laravel Fortify's `password.confirm` and GitHub's: turning 2FA
// on — Enable, or adding a first app or token while it is off — needs a password typed in the last 10
// minutes (a stolen session cookie or an unlocked computer is not enough). Signing in with the password
// counts when no code followed it. With 2FA on, the sensitive settings ask for a code instead
// (flows/confirm-code.mjs): a fresh second factor, not the password borrowed from the sign-in.
// Wrong passwords here are charged to the same budget as on the sign-in form (web/login-throttle.mjs: per
// account and per address): a page of its own would be a second, separate supply of password guesses.
import * as pages from '../pages/account.mjs';
import { retryAfter } from '../web/respond.mjs';
import { begin as beginEnrolment } from './enrolment.mjs';
import { waitText } from './messages.mjs';

const PASSWORD_CONFIRM_MS = 10 * 60 * 1000;
// Where the confirm page may send the user back to: the gated actions, by exact path (no open redirect).
const CONFIRM_PURPOSES = new Map([
  ['/settings/security/2fa/enable', 'turn on two-factor authentication'],
  ['/settings/security/factors/app', 'add an authenticator app'],
  ['/settings/security/factors/token', 'add a hardware token'],
]);

/**
 * `handler` behind a recent password: otherwise a 303 to the confirm page, checked before anything else, so a
 * code typed into a gated form is neither verified nor charged.
 */
export function withRecentPassword(handler) {
  return (ctx, app) => {
    const at = ctx.session.passwordConfirmedAt;
    if (at !== null && app.now() - at < PASSWORD_CONFIRM_MS) return handler(ctx, app);
    return ctx.redirect(`/confirm-password?next=${encodeURIComponent(ctx.url.pathname)}`);
  };
}

/** GET /confirm-password?next=… */
export function page(ctx) {
  const next = confirmTarget(ctx.url.searchParams.get('next'));
  return ctx.send(200, pages.confirmPassword({ ...ctx.view, next, purpose: CONFIRM_PURPOSES.get(next) }));
}

/** POST /confirm-password: throttled like POST /login; a right password is remembered, then back to `next`. */
export async function submit(ctx, app) {
  const { session, form } = ctx;
  const next = confirmTarget(form.get('next'));
  const again = (status, error, headers) => ctx.send(status, pages.confirmPassword({ ...ctx.view, next, purpose: CONFIRM_PURPOSES.get(next), error }), headers);
  // The sign-in form's key for this account, and this client's address.
  const email = ctx.user.email.trim().toLowerCase();
  const address = ctx.req.socket.remoteAddress ?? '';
  // Refused before scrypt runs (not counted), and charged before it runs, as on /login.
  const admitted = app.loginThrottle.attempt(email, address);
  if (!admitted.ok) return again(429, waitText(admitted.retryAfterMs), retryAfter(admitted.retryAfterMs));
  if (!(await app.accounts.checkPassword(ctx.user, form.get('password') ?? ''))) {
    const waitMs = app.loginThrottle.nextWaitMs(email, address);
    return again(401, `That password is incorrect.${waitMs ? ` ${waitText(waitMs)}` : ''}`);
  }
  app.loginThrottle.succeeded(email, address);
  session.passwordConfirmedAt = app.now();
  // Back to the action asked for. Enabling needs nothing more, so it goes on; the others return to their
  // form, whose fields were not kept.
  if (next === '/settings/security/2fa/enable') return beginEnrolment(ctx, app);
  if (next !== '/settings/security') session.flash = { kind: 'info', text: `Password confirmed. You can now ${CONFIRM_PURPOSES.get(next)}.` };
  return ctx.redirect('/settings/security');
}

/** The confirm page's return path: one of the gated actions, compared exactly, else the Security tab. */
function confirmTarget(next) {
  return CONFIRM_PURPOSES.has(next) ? next : '/settings/security';
}
