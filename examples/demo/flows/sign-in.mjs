// Signing in: the password, then — with 2FA on — a code from the app or a backup code (`verify`), unless
// this browser is trusted. Between the two steps the session holds `pending`: who typed the password, and
// until when the second step may follow. Signing out.
import * as pages from '../pages/sign-in.mjs';
import { retryAfter } from '../web/respond.mjs';
import { takeFlash } from '../web/sessions.mjs';
import { failureMessage, plural, statusFor, waitText } from './messages.mjs';
import { rememberDevice, trustOption, trustedDeviceOf } from './trusted-devices.mjs';

// Between the password and the second step: long enough to find the phone, short enough that a
// half-finished sign-in on a shared computer does not linger.
const SECOND_STEP_MS = 5 * 60 * 1000;

/** GET / */
export function home({ user, redirect }) {
  return redirect(user ? '/account' : '/login');
}

/** GET /login: the one page a visitor without a cookie gets a session for (its form needs a CSRF token). */
export function passwordPage(ctx) {
  if (ctx.user) return ctx.redirect('/account');
  const session = ctx.session ?? ctx.startSession();
  return ctx.send(200, pages.login({ ...ctx.view, csrf: session.csrf, flash: takeFlash(session) }));
}

/** POST /login: throttled, then the password; then signed in, or on to the code unless this browser is trusted. */
export async function checkPassword(ctx, app) {
  const { twoFactor, accounts, loginThrottle, now } = app;
  const email = (ctx.form.get('email') ?? '').trim().toLowerCase();
  const address = ctx.req.socket.remoteAddress ?? '';
  // Refused before scrypt runs, and charged before it runs (see web/login-throttle.mjs).
  const admitted = loginThrottle.attempt(email, address);
  if (!admitted.ok) {
    return ctx.send(429, pages.login({ ...ctx.view, email, error: waitText(admitted.retryAfterMs) }), retryAfter(admitted.retryAfterMs));
  }
  const user = await accounts.withPassword(email, ctx.form.get('password') ?? '');
  if (!user) {
    const wait = loginThrottle.nextWaitMs(email, address);
    return ctx.send(401, pages.login({ ...ctx.view, email, error: `Email or password is incorrect.${wait ? ` ${waitText(wait)}` : ''}` }));
  }
  loginThrottle.succeeded(email, address);

  const { state } = await twoFactor.status(user.id);
  if (state !== 'enabled') {
    // The password just typed counts as a confirmation for the gated settings (flows/confirm-password.mjs).
    ctx.rotateSession({ userId: user.id, passwordConfirmedAt: now() });
    return ctx.redirect('/account');
  }
  // A browser trusted at an earlier sign-in (its cookie verifies for this user) skips the code.
  const trustedDeviceId = await trustedDeviceOf(ctx, app, user.id);
  if (trustedDeviceId) {
    const flash = { kind: 'info', text: 'Signed in on a trusted browser: no code needed.' };
    ctx.rotateSession({ userId: user.id, passwordConfirmedAt: now(), trustedDeviceId, flash });
    return ctx.redirect('/account');
  }
  ctx.rotateSession({ pending: { userId: user.id, until: now() + SECOND_STEP_MS, passwordAt: now() } });
  return ctx.redirect('/login/code');
}

/** GET /login/code: the code page (`?method=backup`: the backup-code page). */
export function codePage(ctx, { now }) {
  if (!pendingSignIn(ctx.session, now)) return ctx.redirect('/login');
  return ctx.send(200, pages.secondStep({ ...ctx.view, method: ctx.url.searchParams.get('method') === 'backup' ? 'backup' : 'totp' }));
}

/** POST /login/code: `verify` the code (and mint a trusted device when the box is ticked); signed in on success. */
export async function checkCode(ctx, app) {
  const { session, form } = ctx;
  const pending = pendingSignIn(session, app.now);
  if (!pending) {
    session.flash = { kind: 'error', text: 'Your sign-in took too long. Please sign in again.' };
    return ctx.redirect('/login');
  }
  const method = form.get('method') === 'backup' ? 'backup' : 'totp';
  const result = await app.twoFactor.verify(pending.userId, form.get('code') ?? '', trustOption(ctx));
  if (!result.ok) {
    return ctx.send(statusFor(result), pages.secondStep({ ...ctx.view, method, error: failureMessage(result, method) }));
  }
  const flash =
    result.method === 'backup-code'
      ? { kind: 'info', text: `Signed in with a backup code. ${plural(result.backupCodesRemaining, 'backup code')} left.` }
      : null;
  ctx.rotateSession({ userId: pending.userId, passwordConfirmedAt: pending.passwordAt, flash, trustedDeviceId: result.trustedDevice?.deviceId });
  rememberDevice(ctx, result, app);
  return ctx.redirect('/account');
}

/** POST /logout: a fresh anonymous session. */
export function signOut(ctx) {
  ctx.rotateSession({ flash: { kind: 'info', text: 'You are signed out.' } });
  return ctx.redirect('/login');
}

/** The sign-in waiting for its second step, or null (none, or too late: then it is dropped). */
function pendingSignIn(session, now) {
  if (!session?.pending) return null;
  if (now() >= session.pending.until) {
    session.pending = null;
    return null;
  }
  return session.pending;
}
