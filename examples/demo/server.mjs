// `npm run demo`: the two-factor enrolment flow as a small web app — sign in, enable 2FA with a QR code
// rendered in the browser, backup codes, the second sign-in step, throttling, regenerate, disable — the
// last three behind "confirm your password" when the password is over 10 minutes old.
// Plain node:http, no framework: every security decision is in this file and readable in one sitting.
//
// The library is imported by its package name (Node resolves a package's own name through its "exports"),
// so this file reads exactly as it would in an application that installed @inworkjobs/two-factor.
import { createServer } from 'node:http';
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createTwoFactor } from '@inworkjobs/two-factor/server';
import * as pages from './pages.mjs';
import { factorsSection, handleFactorRoute } from './factors.mjs';
import { createLoginThrottle } from './login-throttle.mjs';
import { createSessionTable } from './session-table.mjs';
import { createTrustedDevices } from './trusted-devices.mjs';

const scrypt = promisify(scryptCallback);
const here = dirname(fileURLToPath(import.meta.url));

/** The seeded account, printed at start. */
export const DEMO_USER = Object.freeze({ id: 'demo-user-1', email: 'demo@example.com', password: 'correct horse battery staple' });
export const ISSUER = 'InworkJobs Demo';
export const DEFAULT_DB_FILE = join(here, '.data', 'demo.db');

const SESSION_COOKIE = 'demo_sid';
const SESSION_IDLE_MS = 30 * 60 * 1000;
// Between the password and the second step: long enough to find the phone, short enough that a
// half-finished sign-in on a shared computer does not linger.
const SECOND_STEP_MS = 5 * 60 * 1000;
// "Sudo mode": turning 2FA on or off and minting backup codes need a password typed in the last 10 minutes
// (a stolen session cookie or an unlocked computer is not enough). Signing in with the password counts.
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
const MAX_BODY_BYTES = 16 * 1024;
const ENCRYPTION_KEY_ID = 'demo-1';
// N = 2^15, r = 8: 32 MiB and ~0.1 s a hash, sized for a demo that signs in often. OWASP's production
// minimum is N = 2^17 (128 MiB); the stored salt and hash format would not change.
const PASSWORD_SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/**
 * Starts the demo. Resolves once it listens.
 *
 * @param {object} [options]
 * @param {number} [options.port] TCP port, 0 = any free port (default 0)
 * @param {string} [options.host] default 127.0.0.1 — the demo is for this machine only
 * @param {string} [options.dbFile] SQLite file (default examples/demo/.data/demo.db); ignored with databaseUrl
 * @param {string} [options.databaseUrl] PostgreSQL connection string: use the PostgreSQL store instead
 * @param {string} [options.redisUrl] Redis URL (redis://host:port): use the Redis store instead
 * @param {Uint8Array} [options.encryptionKey] 32-byte AES key for secrets at rest; default from
 *   DEMO_ENCRYPTION_KEY (base64) or a key file beside the database, generated on first start
 * @param {() => number} [options.now] clock, epoch milliseconds (tests pass a manual one)
 * @param {(line: string) => void} [options.log] where start-up and audit lines go (default console.log)
 * @param {number} [options.maxSessions] most sessions held in memory (default 10,000)
 * @param {number} [options.maxThrottleEntries] most sign-in throttle counters held in memory (default 10,000)
 * @param {boolean} [options.trustProxy] take `X-Forwarded-Proto: https` from a reverse proxy as https (the
 *   trusted-browser cookie gets `Secure`); default DEMO_TRUST_PROXY=1, else false
 */
export async function start(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    dbFile = DEFAULT_DB_FILE,
    databaseUrl,
    redisUrl,
    now = Date.now,
    log = (line) => console.log(line),
    maxSessions,
    maxThrottleEntries,
    trustProxy = process.env.DEMO_TRUST_PROXY === '1',
  } = options;

  const storage = await openStorage({ dbFile, databaseUrl, redisUrl });
  const key = options.encryptionKey ? { bytes: options.encryptionKey, source: 'given by the caller' } : loadEncryptionKey(databaseUrl || redisUrl ? DEFAULT_DB_FILE : dbFile);
  if (!(key.bytes instanceof Uint8Array) || key.bytes.length !== 32) throw new Error('The encryption key must be 32 bytes');

  const twoFactor = createTwoFactor({
    store: storage.store,
    issuer: ISSUER,
    encryption: { keys: { [ENCRYPTION_KEY_ID]: key.bytes }, current: ENCRYPTION_KEY_ID },
    now,
    // Events carry user ids, times and counts — never a secret or a code — so they can go to any log.
    onEvent: (event) => log(`[2fa] ${event.type} ${JSON.stringify(event)}`),
  });

  const users = [await seedUser(DEMO_USER)];
  const clientScript = await bundleClient();
  const app = createApp({ twoFactor, users, now, clientScript, host, maxSessions, maxThrottleEntries, trustProxy });

  const server = createServer((req, res) => {
    app.handle(req, res).catch((error) => {
      log(`[demo] ${req.method} ${req.url} failed: ${error?.stack ?? error}`);
      if (!res.headersSent) send(res, 500, pages.error({ message: 'Something went wrong. Please try again.' }));
      else res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const url = `http://${host}:${address.port}/`;

  return {
    url,
    port: address.port,
    storage: storage.description,
    encryptionKeySource: key.source,
    twoFactor,
    /** Sessions held in memory now (for tests and monitoring; never sent to a client). */
    sessionCount: () => app.sessions.size,
    /** Sign-in throttle counters held in memory now (likewise). */
    throttleEntryCount: () => app.loginThrottle.size,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      await storage.close();
    },
  };
}

// --- storage and keys ---------------------------------------------------------------------------------

async function openStorage({ dbFile, databaseUrl, redisUrl }) {
  if (redisUrl) {
    const { createClient } = await import('redis');
    const { RedisStore } = await import('@inworkjobs/two-factor/stores/redis');
    // Fail fast while the connection is down instead of queuing requests until it is back.
    const client = createClient({ url: redisUrl, disableOfflineQueue: true });
    client.on('error', (error) => console.error('[demo] Redis connection failed:', error.message));
    await client.connect();
    const shown = new URL(redisUrl);
    if (shown.password) shown.password = '***';
    return { store: new RedisStore(client), description: `Redis ${shown}`, close: () => client.close() };
  }
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const { PostgresStore } = await import('@inworkjobs/two-factor/stores/postgres');
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
    pool.on('error', (error) => console.error('[demo] idle PostgreSQL connection failed:', error.message));
    const store = new PostgresStore(pool);
    await store.migrate();
    const shown = new URL(databaseUrl);
    if (shown.password) shown.password = '***';
    return { store, description: `PostgreSQL ${shown}`, close: () => pool.end() };
  }
  const { default: Database } = await import('better-sqlite3');
  const { SqliteStore } = await import('@inworkjobs/two-factor/stores/sqlite');
  mkdirSync(dirname(dbFile), { recursive: true });
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const store = new SqliteStore(db);
  await store.migrate();
  return { store, description: `SQLite ${displayPath(dbFile)} (WAL)`, close: async () => db.close() };
}

/** DEMO_ENCRYPTION_KEY (base64 of 32 bytes), else a key file beside the database, made on first start. */
function loadEncryptionKey(dbFile) {
  const fromEnv = process.env.DEMO_ENCRYPTION_KEY;
  if (fromEnv) {
    const bytes = new Uint8Array(Buffer.from(fromEnv, 'base64'));
    if (bytes.length !== 32) throw new Error(`DEMO_ENCRYPTION_KEY must be base64 of 32 bytes, got ${bytes.length} bytes`);
    return { bytes, source: 'DEMO_ENCRYPTION_KEY' };
  }
  const keyFile = join(dirname(dbFile), 'demo.key');
  if (existsSync(keyFile)) {
    const bytes = new Uint8Array(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
    if (bytes.length !== 32) throw new Error(`${keyFile} must hold base64 of 32 bytes, got ${bytes.length} bytes`);
    return { bytes, source: `${displayPath(keyFile)}` };
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const bytes = new Uint8Array(randomBytes(32));
  writeFileSync(keyFile, `${Buffer.from(bytes).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { bytes, source: `${displayPath(keyFile)} (generated now)` };
}

function displayPath(path) {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

// --- the browser script -------------------------------------------------------------------------------

/**
 * Bundles client.mjs with the library's `/qr` entry into one ES module for the browser, once per start.
 * esbuild is a dev dependency of this repository (an application would use its own bundler).
 */
async function bundleClient() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(here, 'client.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

// --- users and passwords ------------------------------------------------------------------------------

async function seedUser({ id, email, password }) {
  return { id, email, passwordHash: await hashPassword(password) };
}

async function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, 32, PASSWORD_SCRYPT);
  return { salt, hash };
}

async function passwordMatches(passwordHash, password) {
  const hash = await scrypt(password.normalize('NFKC'), passwordHash.salt, 32, PASSWORD_SCRYPT);
  return timingSafeEqual(hash, passwordHash.hash);
}


// --- sessions -----------------------------------------------------------------------------------------

/** A random 256-bit token, base64url, from the Web Crypto CSPRNG. */
function randomToken() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

function tokensEqual(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function parseCookies(header = '') {
  const cookies = new Map();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

function sessionCookie(id, maxAgeSeconds, secure) {
  // Secure only over https: the demo runs on plain http://127.0.0.1 by default. A production app behind
  // HTTPS would also name the cookie `__Host-sid`.
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

// --- the application ----------------------------------------------------------------------------------

function createApp({ twoFactor, users, now, clientScript, host, maxSessions, maxThrottleEntries, trustProxy }) {
  const sessions = createSessionTable({ now, idleMs: SESSION_IDLE_MS, max: maxSessions });
  const trusted = createTrustedDevices({ twoFactor, now, trustProxy });
  const loginThrottle = createLoginThrottle({ now, maxEntries: maxThrottleEntries });
  const style = readFileSync(join(here, 'style.css'), 'utf8');
  const userById = (id) => users.find((u) => u.id === id);
  // A hash to check unknown emails against, so "no such user" takes as long as "wrong password".
  const decoyPassword = hashPassword(randomToken());

  function newSession(res, fields = {}) {
    const session = {
      id: randomToken(),
      csrf: randomToken(),
      seenAt: now(),
      userId: null,
      pending: null,
      passwordConfirmedAt: null,
      confirmFailures: 0,
      confirmBlockedUntil: 0,
      flash: null,
      enrollment: null,
      backupCodes: null,
      ...fields,
    };
    sessions.add(session);
    // Secure under the same rule as the trusted-device cookie (https, directly or through a trusted proxy).
    res.setHeader('Set-Cookie', sessionCookie(session.id, SESSION_IDLE_MS / 1000, trusted.isHttps(res.req)));
    return session;
  }

  /** The request's live session, if it has one. Made only where a page needs one (a form's CSRF token). */
  function sessionOf(req) {
    return sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
  }

  /** A new id at every change of privilege (password accepted, second step passed, sign-out): no session fixation. */
  function rotate(res, session, fields) {
    sessions.delete(session.id);
    return newSession(res, { ...fields });
  }

  const takeFlash = (session) => {
    const flash = session.flash;
    session.flash = null;
    return flash;
  };

  return { handle, sessions, loginThrottle };

  async function handle(req, res) {
    // A server on 127.0.0.1 is still reachable from web pages through DNS rebinding; a Host check stops that.
    if (!allowedHost(req.headers.host, host, req.socket.localPort)) return send(res, 421, pages.error({ message: 'Unknown host.' }));
    const url = new URL(req.url ?? '/', 'http://localhost');
    // HEAD is answered as GET; node:http leaves the body out.
    const route = `${req.method === 'HEAD' ? 'GET' : req.method} ${url.pathname}`;

    if (route === 'GET /assets/app.js') return sendAsset(res, 'text/javascript; charset=utf-8', clientScript);
    if (route === 'GET /assets/style.css') return sendAsset(res, 'text/css; charset=utf-8', style);
    if (route === 'GET /favicon.ico') return send(res, 204, '');

    let session = sessionOf(req);
    let form = new URLSearchParams();
    if (req.method === 'POST') {
      form = await readForm(req);
      if (!session || !tokensEqual(form.get('_csrf'), session.csrf)) {
        return send(res, 403, pages.error({ message: 'This form has expired. Go back, reload the page and try again.' }));
      }
    } else if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, pages.error({ message: 'Method not allowed.' }), { Allow: 'GET, POST' });
    }

    const user = session?.userId ? userById(session.userId) : undefined;
    const view = { csrf: session?.csrf, user };

    switch (route) {
      case 'GET /':
        return redirect(res, user ? '/account' : '/login');

      // --- first step: password
      case 'GET /login':
        if (user) return redirect(res, '/account');
        // The one page a visitor without a cookie gets a session for: its form needs a CSRF token.
        session ??= newSession(res);
        return send(res, 200, pages.login({ ...view, csrf: session.csrf, flash: takeFlash(session) }));
      case 'POST /login': {
        const email = (form.get('email') ?? '').trim().toLowerCase();
        const password = form.get('password') ?? '';
        const address = req.socket.remoteAddress ?? '';
        // Refused before scrypt runs, and charged before it runs (see login-throttle.mjs).
        const admitted = loginThrottle.attempt(email, address);
        if (!admitted.ok) {
          return send(res, 429, pages.login({ ...view, email, error: waitText(admitted.retryAfterMs) }), retryAfter(admitted.retryAfterMs));
        }
        const found = users.find((u) => u.email === email);
        const matches = await passwordMatches(found ? found.passwordHash : await decoyPassword, password);
        if (!found || !matches) {
          const wait = loginThrottle.nextWaitMs(email, address);
          return send(res, 401, pages.login({ ...view, email, error: `Email or password is incorrect.${wait ? ` ${waitText(wait)}` : ''}` }));
        }
        loginThrottle.succeeded(email, address);
        const { state } = await twoFactor.status(found.id);
        // A browser trusted at an earlier sign-in (its cookie verifies for this user) skips the code.
        const trustedDeviceId = state === 'enabled' ? await trusted.trustedDeviceOf(req, found.id) : null;
        if (trustedDeviceId) {
          const flash = { kind: 'info', text: 'Signed in on a trusted browser: no code needed.' };
          rotate(res, session, { userId: found.id, passwordConfirmedAt: now(), trustedDeviceId, flash });
          return redirect(res, '/account');
        }
        if (state === 'enabled') {
          rotate(res, session, { pending: { userId: found.id, until: now() + SECOND_STEP_MS, passwordAt: now() } });
          return redirect(res, '/login/code');
        }
        // The password just typed counts as a confirmation for the gated settings below.
        rotate(res, session, { userId: found.id, passwordConfirmedAt: now() });
        return redirect(res, '/account');
      }

      // --- second step: a TOTP code or a backup code
      case 'GET /login/code': {
        const pending = pendingSignIn(session);
        if (!pending) return redirect(res, '/login');
        return send(res, 200, pages.secondStep({ ...view, method: url.searchParams.get('method') === 'backup' ? 'backup' : 'totp' }));
      }
      case 'POST /login/code': {
        const pending = pendingSignIn(session);
        if (!pending) {
          session.flash = { kind: 'error', text: 'Your sign-in took too long. Please sign in again.' };
          return redirect(res, '/login');
        }
        const method = form.get('method') === 'backup' ? 'backup' : 'totp';
        const result = await twoFactor.verify(pending.userId, form.get('code') ?? '', trusted.verifyOptions(req, form));
        if (!result.ok) {
          return send(res, statusFor(result), pages.secondStep({ ...view, method, error: failureMessage(result, method) }));
        }
        const flash =
          result.method === 'backup-code'
            ? { kind: 'info', text: `Signed in with a backup code. ${plural(result.backupCodesRemaining, 'backup code')} left.` }
            : null;
        rotate(res, session, { userId: pending.userId, passwordConfirmedAt: pending.passwordAt, flash, trustedDeviceId: result.trustedDevice?.deviceId });
        trusted.remember(req, res, result);
        return redirect(res, '/account');
      }

      case 'POST /logout': {
        sessions.delete(session.id);
        newSession(res, { flash: { kind: 'info', text: 'You are signed out.' } });
        return redirect(res, '/login');
      }
    }

    // Everything below needs a signed-in user.
    if (!user) return redirect(res, '/login');

    switch (route) {
      case 'GET /account': {
        const status = await twoFactor.status(user.id);
        return send(res, 200, pages.dashboard({ ...view, status, flash: takeFlash(session) }));
      }
      case 'GET /settings':
        return send(res, 200, pages.settingsProfile({ ...view }));
      case 'GET /settings/security':
        return securityPage(200, {});
      case 'POST /settings/security/trusted-devices/revoke':
      case 'POST /settings/security/trusted-devices/revoke-all':
        session.flash = { kind: 'info', text: await trusted.handle(route, form, user.id) };
        return redirect(res, '/settings/security');

      // --- "confirm your password" (sudo mode) before the gated actions below
      case 'GET /confirm-password': {
        const next = confirmTarget(url.searchParams.get('next'));
        return send(res, 200, pages.confirmPassword({ ...view, next, purpose: CONFIRM_PURPOSES.get(next) }));
      }
      case 'POST /confirm-password': {
        const next = confirmTarget(form.get('next'));
        const again = (status, error) => send(res, status, pages.confirmPassword({ ...view, next, purpose: CONFIRM_PURPOSES.get(next), error }));
        // A waiting session is refused before scrypt runs, and the refusal is not counted.
        if (now() < session.confirmBlockedUntil) return again(429, waitText(session.confirmBlockedUntil - now()));
        // Charged as a failure before scrypt runs (and reset if the password is right), so requests sent
        // in parallel cannot all slip past the wait.
        session.confirmFailures += 1;
        const over = session.confirmFailures - CONFIRM_FREE_FAILURES;
        const waitMs = over > 0 ? Math.min(1000 * 2 ** (over - 1), CONFIRM_MAX_WAIT_MS) : 0;
        session.confirmBlockedUntil = now() + waitMs;
        if (!(await passwordMatches(user.passwordHash, form.get('password') ?? ''))) {
          return again(401, `That password is incorrect.${waitMs ? ` ${waitText(waitMs)}` : ''}`);
        }
        session.passwordConfirmedAt = now();
        session.confirmFailures = 0;
        session.confirmBlockedUntil = 0;
        // Back to the action asked for. Enabling needs nothing more, so it goes on; regenerate and disable
        // need a current code from the app, which was not kept, so they return to their form (field focused).
        if (next === '/settings/security/2fa/enable') return startEnrollment();
        if (next === '/settings/security') return redirect(res, next);
        const action = next.slice(next.lastIndexOf('/') + 1);
        session.flash = { kind: 'info', text: `Password confirmed. Enter a current code from your app to ${CONFIRM_PURPOSES.get(next)}.`, focus: action };
        return redirect(res, '/settings/security');
      }

      case 'POST /settings/security/2fa/enable':
        if (!passwordRecentlyConfirmed()) return askForPassword();
        return startEnrollment();
      case 'GET /settings/security/2fa/setup':
        if (!session.enrollment || now() >= session.enrollment.expiresAt) return redirect(res, '/settings/security');
        return send(res, 200, pages.setup({ ...view, enrollment: session.enrollment, now: now() }));
      case 'POST /settings/security/2fa/confirm': {
        const result = await twoFactor.confirmEnrollment(user.id, form.get('code') ?? '');
        if (result.ok) {
          session.enrollment = null;
          session.backupCodes = { codes: result.backupCodes, fresh: true };
          return redirect(res, '/settings/security/2fa/backup-codes');
        }
        if (result.reason === 'expired' || result.reason === 'no-pending-enrollment' || !session.enrollment) {
          session.enrollment = null;
          return securityPage(409, { enable: failureMessage(result, 'totp') });
        }
        return send(res, statusFor(result), pages.setup({ ...view, enrollment: session.enrollment, now: now(), error: failureMessage(result, 'totp') }));
      }
      case 'GET /settings/security/2fa/backup-codes': {
        // Shown once: the codes leave the session as they are rendered (only their hashes are stored).
        const shown = session.backupCodes;
        session.backupCodes = null;
        return send(res, 200, pages.backupCodes({ ...view, codes: shown?.codes ?? null, issuer: ISSUER }));
      }
      case 'POST /settings/security/2fa/regenerate': {
        if (!passwordRecentlyConfirmed()) return askForPassword();
        const result = await twoFactor.regenerateBackupCodes(user.id, form.get('code') ?? '');
        if (!result.ok) return securityPage(statusFor(result), { regenerate: failureMessage(result, 'totp') });
        session.backupCodes = { codes: result.backupCodes };
        return redirect(res, '/settings/security/2fa/backup-codes');
      }
      case 'POST /settings/security/2fa/disable': {
        if (!passwordRecentlyConfirmed()) return askForPassword();
        const result = await twoFactor.disable(user.id, form.get('code') ?? '');
        if (!result.ok) return securityPage(statusFor(result), { disable: failureMessage(result, 'totp') });
        session.enrollment = null;
        session.flash = { kind: 'info', text: 'Two-factor authentication is off.' };
        return redirect(res, '/settings/security');
      }
    }
    const factorApp = {
      twoFactor, user, session, form, view, send: (status, html) => send(res, status, html), redirect: (to) => redirect(res, to), securityPage,
      passwordRecentlyConfirmed, askForPassword,
    };
    if ((await handleFactorRoute(route, factorApp)) !== false) return;
    return send(res, 404, pages.error({ ...view, message: 'There is no such page.' }));

    function passwordRecentlyConfirmed() {
      return session.passwordConfirmedAt !== null && now() - session.passwordConfirmedAt < PASSWORD_CONFIRM_MS;
    }

    /** Checked before any code: a code typed into a gated form is neither verified nor charged. */
    function askForPassword() {
      return redirect(res, `/confirm-password?next=${encodeURIComponent(url.pathname)}`);
    }

    async function startEnrollment() {
      const enrollment = await twoFactor.beginEnrollment(user.id, { accountName: user.email });
      // Only what the set-up page shows is kept, in the server-side session; the record holds the sealed secret.
      session.enrollment = { uri: enrollment.uri, setupKey: enrollment.setupKey, expiresAt: enrollment.expiresAt };
      return redirect(res, '/settings/security/2fa/setup');
    }

    async function securityPage(status, errors) {
      const twoFactorStatus = await twoFactor.status(user.id);
      const enrollment = session.enrollment && now() < session.enrollment.expiresAt ? session.enrollment : null;
      const flash = takeFlash(session);
      const trustedDevices = await trusted.list(user.id);
      const factorsHtml = twoFactorStatus.state === 'enabled' ? factorsSection({ csrf: view.csrf, factors: twoFactorStatus.factors, errors }) : '';
      return send(res, status, pages.settingsSecurity({ ...view, status: twoFactorStatus, enrollment, errors, flash, focus: flash?.focus, factorsHtml, trustedDevices, currentDeviceId: session.trustedDeviceId }));
    }
  }

  /** The confirm page's return path: one of the gated actions, compared exactly, else the Security tab. */
  function confirmTarget(next) {
    return CONFIRM_PURPOSES.has(next) ? next : '/settings/security';
  }

  function pendingSignIn(session) {
    if (!session?.pending) return null;
    if (now() >= session.pending.until) {
      session.pending = null;
      return null;
    }
    return session.pending;
  }
}

// --- messages -----------------------------------------------------------------------------------------

function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Whole seconds, rounded up: "Try again in 0 seconds" would be a lie. */
function waitText(ms) {
  return `Too many attempts. Try again in ${plural(Math.ceil(ms / 1000), 'second')}.`;
}

function failureMessage(result, method) {
  const wait = result.retryAfterMs ? ` ${waitText(result.retryAfterMs)}` : '';
  switch (result.reason) {
    case 'throttled':
      return waitText(result.retryAfterMs ?? 1000);
    case 'replayed':
      return `That code has already been used. Wait for the next code in your app.${wait}`;
    case 'invalid':
      return method === 'backup' ? `That backup code is not valid or has already been used.${wait}` : `That code is not valid.${wait}`;
    case 'expired':
    case 'no-pending-enrollment':
      return 'The set-up has expired. Please start again.';
    case 'not-enabled':
      return 'Two-factor authentication is not enabled.';
    default:
      return 'That did not work. Please try again.';
  }
}

/** Retry-After in whole seconds, rounded up, for a 429. */
function retryAfter(ms) {
  return { 'Retry-After': String(Math.ceil(ms / 1000)) };
}

function statusFor(result) {
  return result.reason === 'throttled' ? 429 : 400;
}

// --- HTTP helpers -------------------------------------------------------------------------------------

function allowedHost(header, listenHost, port) {
  return [listenHost, '127.0.0.1', 'localhost', '[::1]'].some((name) => header === `${name}:${port}`);
}

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Pages carry setup keys and backup codes: never cache them.
  'Cache-Control': 'no-store',
};

function send(res, status, html, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers });
  res.end(html);
}

function sendAsset(res, type, body) {
  res.writeHead(200, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
  res.end(body);
}

/** 303 See Other: after a POST the browser follows with a GET, so a reload never re-submits a code. */
function redirect(res, location) {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// --- command line -------------------------------------------------------------------------------------

async function main() {
  const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got ${process.env.PORT}`);
  const demo = await start({ port, databaseUrl: process.env.DATABASE_URL || undefined, redisUrl: process.env.REDIS_URL || undefined });
  console.log(
    [
      '',
      `  ${ISSUER}: two-factor authentication, end to end`,
      '',
      `  Storage:     ${demo.storage}`,
      `  Secrets:     AES-256-GCM at rest, key from ${demo.encryptionKeySource}`,
      ...(process.env.DEMO_ENCRYPTION_KEY ? [] : ['               (set DEMO_ENCRYPTION_KEY to base64 of 32 bytes to use your own)']),
      `  Sign in as:  ${DEMO_USER.email} / ${DEMO_USER.password}`,
      '',
      `  Open ${demo.url}   (Ctrl+C to stop)`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error?.message ?? error);
    process.exit(1);
  });
}
