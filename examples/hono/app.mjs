// The whole two-factor flow as a Hono app, written only against Hono and the Web platform (Request, Response,
// Web Crypto): this same file runs on Node (server.mjs), Bun, Deno and Workers. Password, then the second step
// through the library's sign-in challenge, kept in its own HttpOnly cookie: no session exists before the code.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { describeFailure, isRecent } from '@inworkjobs/two-factor/server';
import * as views from './views.mjs';

const TRUST_COOKIE = 'trusted_device';
const CHALLENGE_COOKIE = 'challenge';
const SESSION_COOKIE = 'sid';
const SESSION_MS = 30 * 60_000;
const STEP_UP_MS = 10 * 60_000; // "a code within the last 10 minutes" before revoking trusted browsers

/**
 * @param {object} options
 * @param {import('@inworkjobs/two-factor/server').TwoFactor} options.twoFactor
 * @param {Awaited<ReturnType<typeof import('./users.mjs').createUsers>>} options.users
 * @param {Map<string, object>} [options.sessions] session id → session (on Workers: KV or a Durable Object)
 * @param {() => number} [options.now] the clock the 2FA service runs on (tests move it)
 * @param {boolean} [options.trustProxy] behind a reverse proxy on this machine that sets X-Forwarded-Proto
 * @param {(line: string) => void} [options.log]
 */
export function createApp({ twoFactor, users, sessions = new Map(), now = Date.now, trustProxy = false, log = console.log }) {
  const app = new Hono();
  const https = (c) => new URL(c.req.url).protocol === 'https:' || (trustProxy && c.req.header('x-forwarded-proto') === 'https');
  const cookieOptions = (c) => ({ httpOnly: true, sameSite: 'Lax', secure: https(c), path: '/' });
  // CSRF: a form post must come from this site's own origin (Origin, else Sec-Fetch-Site: same-origin).
  app.use(csrf({ origin: (origin, c) => origin === `${https(c) ? 'https' : 'http'}://${c.req.header('host')}` }));
  app.use(secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'none'"], imgSrc: ['data:'], formAction: ["'self'"], frameAncestors: ["'none'"] } }));
  app.use(async (c, next) => {
    const id = getCookie(c, SESSION_COOKIE);
    const session = id ? sessions.get(id) : undefined;
    c.set('session', session && Date.now() < session.expiresAt ? session : null);
    c.header('Cache-Control', 'no-store'); // pages show setup keys and backup codes
    await next();
  });

  const page = (c, view, data = {}, status = 200) => {
    const session = c.get('session');
    const flash = session?.flash;
    if (session) delete session.flash;
    return c.html(view({ user: session && users.byId(session.userId), flash, ...data }), status);
  };
  const statusOf = (failure) => (failure.reason === 'throttled' ? 429 : 400);
  const flashTo = (c, to, text) => { c.get('session').flash = text; return c.redirect(to, 303); };
  const form = async (c) => Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, String(v)]));
  // A new session id at every sign-in, and the challenge cookie gone: nothing from before the code carries over.
  const signIn = (c, fields) => {
    sessions.delete(getCookie(c, SESSION_COOKIE) ?? '');
    for (const [old, session] of sessions) if (Date.now() >= session.expiresAt) sessions.delete(old); // sweep
    const id = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
    sessions.set(id, { ...fields, expiresAt: Date.now() + SESSION_MS });
    setCookie(c, SESSION_COOKIE, id, { ...cookieOptions(c), maxAge: SESSION_MS / 1000 });
    deleteCookie(c, CHALLENGE_COOKIE, cookieOptions(c));
    return c.redirect('/account', 303);
  };

  app.get('/', (c) => c.redirect(c.get('session') ? '/account' : '/login', 303));
  app.get('/login', (c) => page(c, views.login));
  app.post('/login', async (c) => {
    const { email = '', password = '' } = await form(c);
    const { user, refusal } = await users.checkPassword(email, password);
    if (refusal) return page(c, views.login, { email, error: describeFailure(refusal) }, 429);
    if (!user) return page(c, views.login, { email, error: 'Email or password is incorrect.' }, 401);
    const step = await twoFactor.beginSignIn(user.id, { trustedDeviceToken: getCookie(c, TRUST_COOKIE) });
    if (step.trustedDevice) deleteCookie(c, TRUST_COOKIE, cookieOptions(c)); // 'invalid' or 'expired'
    // No code asked ('not-enabled', or a 'trusted-device'): no fresh second factor, so no verifiedAt (step-up asks).
    if (!step.required) return signIn(c, { userId: user.id });
    setCookie(c, CHALLENGE_COOKIE, step.challenge, { ...cookieOptions(c), expires: new Date(step.expiresAt) });
    return c.redirect('/login/code', 303);
  });

  app.get('/login/code', (c) => (getCookie(c, CHALLENGE_COOKIE) ? page(c, views.code) : c.redirect('/login', 303)));
  app.post('/login/code', async (c) => {
    const body = await form(c);
    const trust = body.trust ? { trustDevice: { label: (c.req.header('user-agent') || 'Browser').slice(0, 64) } } : {};
    const result = await twoFactor.completeSignIn(getCookie(c, CHALLENGE_COOKIE) ?? '', body.code ?? '', trust);
    // A spent, expired or unknown challenge goes back to the password; any other refusal, to the code page.
    const retry = result.ok || !result.reason.startsWith('challenge-') ? views.code : views.login;
    if (!result.ok) return page(c, retry, { error: describeFailure(result) }, statusOf(result));
    const device = result.trustedDevice;
    if (device) setCookie(c, TRUST_COOKIE, device.token, { ...cookieOptions(c), expires: new Date(device.expiresAt) });
    return signIn(c, { userId: result.userId, verifiedAt: result.verifiedAt });
  });
  app.post('/logout', (c) => {
    sessions.delete(getCookie(c, SESSION_COOKIE) ?? '');
    deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    return c.redirect('/login', 303);
  });

  // Everything below needs a signed-in user: a password alone (a challenge cookie) never gets here.
  const signedIn = (c, next) => (c.get('session') ? next() : c.redirect('/login', 303));
  app.use('/account', signedIn);
  app.use('/settings/*', signedIn);
  const uid = (c) => c.get('session').userId;
  // Settings → Security: the status, the apps, and the set-up (QR code, setup key) while one is pending.
  const security = async (c, error, status = 200) => {
    const [state, enrollment] = [await twoFactor.status(uid(c)), await twoFactor.pendingEnrollment(uid(c))];
    return page(c, views.security, { state, enrollment, error }, status);
  };
  const showCodes = (c, codes) => { c.get('session').codes = codes; return c.redirect('/settings/security/codes', 303); };

  app.get('/account', (c) => page(c, views.account));
  app.get('/settings/security', (c) => security(c));
  app.post('/settings/security/enable', async (c) => {
    const { label } = await form(c);
    await twoFactor.beginEnrollment(uid(c), { accountName: users.byId(uid(c)).email, label: label?.trim() || undefined });
    return c.redirect('/settings/security', 303);
  });
  app.post('/settings/security/confirm', async (c) => {
    const { code = '', proof } = await form(c); // proof: a code of an app already added, or a backup code
    const result = await twoFactor.confirmEnrollment(uid(c), code, { proof: proof || undefined });
    if (!result.ok) return security(c, describeFailure(result), statusOf(result));
    if (result.backupCodes.length > 0) return showCodes(c, result.backupCodes); // the first app: codes, once
    return flashTo(c, '/settings/security', 'The new app is added.');
  });
  app.get('/settings/security/codes', (c) => {
    const { codes } = c.get('session'); // shown once: only their hashes are kept
    delete c.get('session').codes;
    return codes ? page(c, views.codes, { codes }) : c.redirect('/settings/security', 303);
  });
  // Regenerate, disable and remove each take a current code of an app, checked by the library at that moment:
  // a fresher second factor than any time window.
  const withCode = (action, done) => async (c) => {
    const result = await action(uid(c), await form(c));
    if (!result.ok) return security(c, describeFailure(result), statusOf(result));
    if (result.backupCodes) return showCodes(c, result.backupCodes);
    return flashTo(c, '/settings/security', done);
  };
  app.post('/settings/security/regenerate', withCode((id, { code }) => twoFactor.regenerateBackupCodes(id, code ?? '')));
  app.post('/settings/security/disable', withCode((id, { code }) => twoFactor.disable(id, code ?? ''), '2FA is off.'));
  app.post('/settings/security/remove',
    withCode((id, { factorId, code }) => twoFactor.removeFactor(id, factorId, code ?? ''), 'Removed.'));
  // Revoking takes no code of its own: it needs a verification within the last 10 minutes (step-up).
  app.post('/settings/security/devices/revoke', async (c) => {
    if (!isRecent(c.get('session').verifiedAt, STEP_UP_MS, now())) return c.redirect('/settings/security/step-up', 303);
    await twoFactor.revokeTrustedDevices(uid(c));
    return flashTo(c, '/settings/security', 'Every trusted browser now asks for a code again.');
  });
  app.get('/settings/security/step-up', (c) => page(c, views.stepUp));
  app.post('/settings/security/step-up', async (c) => {
    const result = await twoFactor.verify(uid(c), (await form(c)).code ?? '');
    if (!result.ok) return page(c, views.stepUp, { error: describeFailure(result) }, statusOf(result));
    c.get('session').verifiedAt = result.verifiedAt;
    return flashTo(c, '/settings/security', 'Confirmed. You can now revoke trusted browsers.');
  });

  app.notFound((c) => page(c, views.error, { error: 'There is no such page.' }, 404));
  // Library errors name the bad field, never a secret or code: safe to log.
  app.onError((error, c) => {
    log(`[app] ${c.req.method} ${c.req.path} failed: ${error.message}`);
    return error.getResponse?.() ?? page(c, views.error, { error: 'Something went wrong.' }, 500);
  });
  return app;
}
