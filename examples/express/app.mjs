// The whole two-factor flow in an Express 5 app: password, then the second step through the library's
// sign-in challenge (in its own HttpOnly cookie: no session is signed in before the code), Trust this browser,
// set-up with a QR code, backup codes, and the settings that each take a current code. Sessions: express-session.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express from 'express';
import session from 'express-session';
import { describeFailure, isRecent } from '@inworkjobs/two-factor/server';
import * as views from './views.mjs';

const TRUST_COOKIE = 'trusted_device';
const CHALLENGE_COOKIE = 'challenge';
const STEP_UP_MS = 10 * 60_000; // "a code within the last 10 minutes" before revoking trusted browsers

/**
 * @param {object} options
 * @param {import('@inworkjobs/two-factor/server').TwoFactor} options.twoFactor
 * @param {Awaited<ReturnType<typeof import('./users.mjs').createUsers>>} options.users
 * @param {string} options.sessionSecret signs the session cookie
 * @param {() => number} [options.now] the clock the 2FA service runs on (tests move it)
 * @param {boolean} [options.trustProxy] behind a reverse proxy on this machine that sets X-Forwarded-Proto
 * @param {(line: string) => void} [options.log]
 */
export function createApp({ twoFactor, users, sessionSecret, now = Date.now, trustProxy = false, log = console.log }) {
  const app = express();
  if (trustProxy) app.set('trust proxy', 'loopback'); // then req.secure follows X-Forwarded-Proto: https
  app.use(express.urlencoded({ extended: false, limit: '16kb' }), cookieParser());
  app.use(session({
    name: 'sid', secret: sessionSecret, resave: false, saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 30 * 60_000 },
  }));
  app.use(headers, csrf);

  const cookieOptions = (req) => ({ httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
  const page = (req, res, view, data = {}, status = 200) =>
    res.status(status).send(view({ csrf: req.session.csrf, user: users.byId(req.session.userId), ...data }));
  const statusOf = (failure) => (failure.reason === 'throttled' ? 429 : 400);
  const take = (req, key) => { const value = req.session[key]; delete req.session[key]; return value; };
  const flashTo = (req, res, to, text) => { req.session.flash = text; res.redirect(303, to); };
  const signedIn = (req, res, next) => (req.session.userId ? next() : res.redirect(303, '/login'));
  // A new session id on signing in: whatever was fixed into the pre-auth session ends here.
  const signIn = async (req, res, fields) => {
    await new Promise((resolve, reject) => req.session.regenerate((error) => (error ? reject(error) : resolve())));
    Object.assign(req.session, fields);
    res.clearCookie(CHALLENGE_COOKIE, cookieOptions(req)).redirect(303, '/account');
  };

  app.get('/', (req, res) => res.redirect(303, req.session.userId ? '/account' : '/login'));
  app.get('/login', (req, res) => page(req, res, views.login, { flash: take(req, 'flash') }));
  app.post('/login', async (req, res) => {
    const { email = '', password = '' } = req.body;
    const { user, refusal } = await users.checkPassword(email, password);
    if (refusal) return page(req, res, views.login, { email, error: describeFailure(refusal) }, 429);
    if (!user) return page(req, res, views.login, { email, error: 'Email or password is incorrect.' }, 401);
    const step = await twoFactor.beginSignIn(user.id, { trustedDeviceToken: req.cookies[TRUST_COOKIE] });
    if (step.trustedDevice) res.clearCookie(TRUST_COOKIE, cookieOptions(req)); // 'invalid' or 'expired'
    // No code asked ('not-enabled', or a 'trusted-device'): no fresh second factor, so no verifiedAt (step-up asks).
    if (!step.required) return signIn(req, res, { userId: user.id });
    res.cookie(CHALLENGE_COOKIE, step.challenge, { ...cookieOptions(req), expires: new Date(step.expiresAt) });
    res.redirect(303, '/login/code');
  });

  app.get('/login/code', (req, res) => (req.cookies[CHALLENGE_COOKIE] ? page(req, res, views.code) : res.redirect('/login')));
  app.post('/login/code', async (req, res) => {
    const trust = req.body.trust ? { trustDevice: { label: (req.get('user-agent') || 'Browser').slice(0, 64) } } : {};
    const result = await twoFactor.completeSignIn(req.cookies[CHALLENGE_COOKIE] ?? '', req.body.code ?? '', trust);
    // A spent, expired or unknown challenge goes back to the password; any other refusal, to the code page.
    const retry = result.ok || !result.reason.startsWith('challenge-') ? views.code : views.login;
    if (!result.ok) return page(req, res, retry, { error: describeFailure(result) }, statusOf(result));
    const device = result.trustedDevice;
    if (device) res.cookie(TRUST_COOKIE, device.token, { ...cookieOptions(req), expires: new Date(device.expiresAt) });
    return signIn(req, res, { userId: result.userId, verifiedAt: result.verifiedAt });
  });
  app.post('/logout', (req, res) => req.session.destroy(() => res.clearCookie('sid').redirect(303, '/login')));

  // Everything below needs a signed-in user: a password alone (a pending challenge) never gets here.
  app.use(signedIn, (req, res, next) => { req.userId = req.session.userId; next(); });
  // Settings → Security: the status, the apps, and the set-up (QR code, setup key) while one is pending.
  const security = async (req, res, error, status = 200) => {
    const [state, enrollment] = [await twoFactor.status(req.userId), await twoFactor.pendingEnrollment(req.userId)];
    page(req, res, views.security, { state, enrollment, error, flash: take(req, 'flash') }, status);
  };
  const showCodes = (req, res, codes) => { req.session.codes = codes; res.redirect(303, '/settings/security/codes'); };

  app.get('/account', (req, res) => page(req, res, views.account, { flash: take(req, 'flash') }));
  app.get('/settings/security', (req, res) => security(req, res));
  app.post('/settings/security/enable', async (req, res) => {
    const { email } = users.byId(req.userId);
    await twoFactor.beginEnrollment(req.userId, { accountName: email, label: req.body.label?.trim() || undefined });
    res.redirect(303, '/settings/security');
  });
  app.post('/settings/security/confirm', async (req, res) => {
    const { code = '', proof } = req.body; // proof: a code of an app already added, or a backup code
    const result = await twoFactor.confirmEnrollment(req.userId, code, { proof: proof || undefined });
    if (!result.ok) return security(req, res, describeFailure(result), statusOf(result));
    if (result.backupCodes.length > 0) return showCodes(req, res, result.backupCodes); // the first app: codes, once
    flashTo(req, res, '/settings/security', 'The new app is added.');
  });
  app.get('/settings/security/codes', (req, res) => {
    const codes = take(req, 'codes'); // shown once: only their hashes are kept
    codes ? page(req, res, views.codes, { codes }) : res.redirect(303, '/settings/security');
  });
  // Regenerate, disable and remove each take a current code of an app, checked by the library at that moment:
  // a fresher second factor than any time window.
  const withCode = (action, done) => async (req, res) => {
    const result = await action(req.userId, req.body);
    if (!result.ok) return security(req, res, describeFailure(result), statusOf(result));
    if (result.backupCodes) return showCodes(req, res, result.backupCodes);
    flashTo(req, res, '/settings/security', done);
  };
  app.post('/settings/security/regenerate', withCode((id, { code }) => twoFactor.regenerateBackupCodes(id, code ?? '')));
  app.post('/settings/security/disable', withCode((id, { code }) => twoFactor.disable(id, code ?? ''), '2FA is off.'));
  app.post('/settings/security/remove',
    withCode((id, { factorId, code }) => twoFactor.removeFactor(id, factorId, code ?? ''), 'Removed.'));
  // Revoking takes no code of its own: it needs a verification within the last 10 minutes (step-up).
  app.post('/settings/security/devices/revoke', async (req, res) => {
    if (!isRecent(req.session.verifiedAt, STEP_UP_MS, now())) return res.redirect(303, '/settings/security/step-up');
    await twoFactor.revokeTrustedDevices(req.userId);
    flashTo(req, res, '/settings/security', 'Every trusted browser now asks for a code again.');
  });
  app.get('/settings/security/step-up', (req, res) => page(req, res, views.stepUp));
  app.post('/settings/security/step-up', async (req, res) => {
    const result = await twoFactor.verify(req.userId, req.body.code ?? '');
    if (!result.ok) return page(req, res, views.stepUp, { error: describeFailure(result) }, statusOf(result));
    req.session.verifiedAt = result.verifiedAt;
    flashTo(req, res, '/settings/security', 'Confirmed. You can now revoke trusted browsers.');
  });
  app.use((req, res) => page(req, res, views.error, { message: 'There is no such page.' }, 404));
  // Library errors name the bad field, never a secret or code: safe to log.
  app.use((error, req, res, _next) => {
    log(`[app] ${req.method} ${req.path} failed: ${error.message}`);
    page(req, res, views.error, { message: 'Something went wrong.' }, 500);
  });
  return app;
}

// Strict headers on every page: pages show setup keys and backup codes, so nothing is cached.
function headers(req, res, next) {
  res.set({
    'Content-Security-Policy': "default-src 'none'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store',
  });
  next();
}

// CSRF: a synchronizer token in the session, on every form, checked on every POST.
function csrf(req, res, next) {
  req.session.csrf ??= randomBytes(32).toString('base64url');
  const sent = Buffer.from(String(req.body?._csrf ?? ''));
  const kept = Buffer.from(req.session.csrf);
  if (req.method !== 'POST' || (sent.length === kept.length && timingSafeEqual(sent, kept))) return next();
  res.status(403).send(views.error({ message: 'This form has expired. Go back, reload the page and try again.' }));
}
