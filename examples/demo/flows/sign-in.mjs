// Signing in: the password, then — with 2FA on — a code from the app or a backup code, unless this browser
// is trusted. The library owns the step between the two (`beginSignIn` → `completeSignIn`): the demo keeps
// no pending state, only the library's challenge in a cookie scoped to /login, and signs a session in only
// on `required: false` or on `completeSignIn`'s `ok`, as the user the library names. Signing out.
import * as pages from '../pages/sign-in.mjs';
import { retryAfter } from '../web/respond.mjs';
import { takeFlash } from '../web/sessions.mjs';
import { codeFailureMessage, statusFor, waitText } from './messages.mjs';
import { clearChallenge, keepChallenge, presentedChallenge } from './challenge-cookie.mjs';
import { forgetDevice, presentedDeviceToken, rememberDevice, trustOption } from './trusted-devices.mjs';

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

/** POST /login: throttled, then the password; then `beginSignIn` says whether a code must follow. */
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

  const start = await twoFactor.beginSignIn(user.id, { trustedDeviceToken: presentedDeviceToken(ctx) });
  if (!start.required) {
    // The password was typed in this very request: it confirms Enable (flows/confirm-password.mjs). A trusted
    // browser is not a fresh second factor (NIST SP 800-63B-4 §5.1): no `verifiedAt`, so the sensitive
    // settings ask for a code (flows/confirm-code.mjs).
    const trusted = start.reason === 'trusted-device';
    const flash = trusted ? { kind: 'info', text: 'Signed in on a trusted browser: no code needed.' } : null;
    ctx.rotateSession({ userId: user.id, passwordConfirmedAt: now(), trustedDeviceId: trusted ? start.deviceId : null, flash });
    clearChallenge(ctx, app);
    return ctx.redirect('/account');
  }
  // Whatever the session was (even signed in as someone else), it is not signed in now: a fresh anonymous one.
  ctx.rotateSession({});
  if (start.trustedDevice) forgetDevice(ctx, app);
  keepChallenge(ctx, app, start);
  return ctx.redirect('/login/code');
}

/** GET /login/code: the code page (`?method=backup`: the backup-code page), while a challenge cookie is held. */
export function codePage(ctx) {
  if (presentedChallenge(ctx) === undefined) return ctx.redirect('/login');
  const session = ctx.session ?? ctx.startSession();
  const method = ctx.url.searchParams.get('method') === 'backup' ? 'backup' : 'totp';
  return ctx.send(200, pages.secondStep({ ...ctx.view, csrf: session.csrf, method }));
}

/** POST /login/code: `completeSignIn` with the challenge and the code; signed in only on its `ok`. */
export async function checkCode(ctx, app) {
  const { form } = ctx;
  const challenge = presentedChallenge(ctx);
  if (challenge === undefined) return backToPassword(ctx, app, 'Your sign-in took too long. Please sign in again.');
  const method = form.get('method') === 'backup' ? 'backup' : 'totp';
  const result = await app.twoFactor.completeSignIn(challenge, form.get('code') ?? '', trustOption(ctx));
  if (!result.ok) {
    if (result.reason === 'challenge-expired') return backToPassword(ctx, app, 'Your sign-in took too long. Please sign in again.');
    if (result.reason === 'challenge-invalid') return backToPassword(ctx, app, 'This sign-in is no longer valid. Please sign in again.');
    const error = codeFailureMessage(result, method);
    // The challenge's last wrong code spent it: guessing on needs the password again.
    if (result.attemptsLeft === 0) return backToPassword(ctx, app, `${error} Please sign in again.`);
    const headers = result.reason === 'throttled' ? retryAfter(result.retryAfterMs ?? 1000) : {};
    return ctx.send(statusFor(result), pages.secondStep({ ...ctx.view, method, error }), headers);
  }
  const flash =
    result.method === 'backup-code'
      ? { kind: 'info', text: `Signed in with a backup code. ${result.backupCodesRemaining} backup code${result.backupCodesRemaining === 1 ? '' : 's'} left.` }
      : null;
  // A new session id (no fixation), signed in as the user the library names, with the time of this fresh
  // second factor: the sensitive settings accept it for 10 minutes (flows/confirm-code.mjs).
  ctx.rotateSession({ userId: result.userId, verifiedAt: result.verifiedAt, flash, trustedDeviceId: result.trustedDevice?.deviceId ?? null });
  clearChallenge(ctx, app);
  rememberDevice(ctx, result, app);
  return ctx.redirect('/account');
}

/** POST /login/cancel: "Sign in as someone else": the challenge is cancelled and its cookie cleared. */
export async function cancel(ctx, app) {
  const challenge = presentedChallenge(ctx);
  if (challenge !== undefined) await app.twoFactor.cancelSignIn(challenge);
  clearChallenge(ctx, app);
  return ctx.redirect('/login');
}

/** POST /logout: a fresh anonymous session. */
export function signOut(ctx) {
  ctx.rotateSession({ flash: { kind: 'info', text: 'You are signed out.' } });
  return ctx.redirect('/login');
}

/** The challenge cannot go on: its cookie cleared, back to the password with `text`. */
function backToPassword(ctx, app, text) {
  // Started before the cookie is cleared: starting a session sets the Set-Cookie header anew.
  const session = ctx.session ?? ctx.startSession();
  clearChallenge(ctx, app);
  session.flash = { kind: 'error', text };
  return ctx.redirect('/login');
}
