// "Confirm your password" (sudo mode), as in Laravel Fortify's `password.confirm` and GitHub's: turning 2FA
// on or off, minting backup codes, adding or removing a factor need a password typed in the last 10 minutes
// (a stolen session cookie or an unlocked computer is not enough). Signing in with the password counts.
import * as pages from '../pages/account.mjs';
import { begin as beginEnrolment } from './enrolment.mjs';
import { waitText } from './messages.mjs';

const PASSWORD_CONFIRM_MS = 10 * 60 * 1000;
// Wrong passwords on the confirm page, per session: 3 free, then 1 s, 2 s, 4 s … up to a minute.
const CONFIRM_FREE_FAILURES = 3;
const CONFIRM_MAX_WAIT_MS = 60 * 1000;
// Where the confirm page may send the user back to: the gated actions, by exact path (no open redirect).
const CONFIRM_PURPOSES = new Map([
  ['/settings/security/2fa/enable', 'turn on two-factor authentication'],
  ['/settings/security/2fa/regenerate', 'regenerate your backup codes'],
  ['/settings/security/2fa/disable', 'turn off two-factor authentication'],
  ['/settings/security/factors/remove', 'remove a second factor'],
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

/** POST /confirm-password: throttled per session; a right password is remembered, then back to `next`. */
export async function submit(ctx, app) {
  const { session, form } = ctx;
  const next = confirmTarget(form.get('next'));
  const again = (status, error) => ctx.send(status, pages.confirmPassword({ ...ctx.view, next, purpose: CONFIRM_PURPOSES.get(next), error }));
  // A waiting session is refused before scrypt runs, and the refusal is not counted.
  if (app.now() < session.confirmBlockedUntil) return again(429, waitText(session.confirmBlockedUntil - app.now()));
  const waitMs = chargeFailure(session, app.now);
  if (!(await app.accounts.checkPassword(ctx.user, form.get('password') ?? ''))) {
    return again(401, `That password is incorrect.${waitMs ? ` ${waitText(waitMs)}` : ''}`);
  }
  session.passwordConfirmedAt = app.now();
  session.confirmFailures = 0;
  session.confirmBlockedUntil = 0;
  // Back to the action asked for. Enabling needs nothing more, so it goes on; regenerate and disable
  // need a current code from the app, which was not kept, so they return to their form (field focused).
  if (next === '/settings/security/2fa/enable') return beginEnrolment(ctx, app);
  if (next === '/settings/security') return ctx.redirect(next);
  const action = next.slice(next.lastIndexOf('/') + 1);
  session.flash = { kind: 'info', text: `Password confirmed. Enter a current code from your app to ${CONFIRM_PURPOSES.get(next)}.`, focus: action };
  return ctx.redirect('/settings/security');
}

/**
 * Charges an attempt as a failure before scrypt runs (a right password resets it), so requests sent in
 * parallel cannot all slip past the wait. Returns the wait it sets.
 */
function chargeFailure(session, now) {
  session.confirmFailures += 1;
  const over = session.confirmFailures - CONFIRM_FREE_FAILURES;
  const waitMs = over > 0 ? Math.min(1000 * 2 ** (over - 1), CONFIRM_MAX_WAIT_MS) : 0;
  session.confirmBlockedUntil = now() + waitMs;
  return waitMs;
}

/** The confirm page's return path: one of the gated actions, compared exactly, else the Security tab. */
function confirmTarget(next) {
  return CONFIRM_PURPOSES.has(next) ? next : '/settings/security';
}
