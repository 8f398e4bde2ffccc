// The demo app (examples/demo) under abuse, over real HTTP from two client addresses (127.0.0.1 and
// 127.0.0.2): password guessing on POST /login is throttled per account and per address with the
// service's back-off, and the in-memory session table stays bounded however many cookieless requests
// arrive. Each test starts its own demo on a temporary SQLite file with a clock the test moves.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Demo, DemoOptions } from '../examples/demo/server.mjs';
import { buildIfMissing } from './support/pack.js';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 5);

let server: typeof import('../examples/demo/server.mjs');
beforeAll(async () => {
  buildIfMissing();
  server = await import('../examples/demo/server.mjs');
});

const running: { demo: Demo; dir: string }[] = [];
afterEach(async () => {
  for (const { demo, dir } of running.splice(0)) {
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function startDemo(options: Partial<DemoOptions> = {}) {
  const clock = { now: T0 };
  const dir = mkdtempSync(join(tmpdir(), 'demo-limits-'));
  const demo = await server.start({
    port: 0,
    dbFile: join(dir, 'demo.db'),
    now: () => clock.now,
    encryptionKey: crypto.getRandomValues(new Uint8Array(32)),
    log: () => {},
    ...options,
  });
  running.push({ demo, dir });
  return { demo, clock };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request from `from` (a loopback address) to the demo. */
function http(demo: Demo, method: string, path: string, opts: { from?: string; cookie?: string; form?: Record<string, string> } = {}): Promise<Reply> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: demo.port,
        method,
        path,
        localAddress: opts.from ?? '127.0.0.1',
        agent: false,
        headers: {
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A fresh anonymous session: its cookie and the CSRF token of the sign-in form. */
async function loginForm(demo: Demo, from?: string): Promise<{ cookie: string; csrf: string }> {
  const page = await http(demo, 'GET', '/login', { from });
  const cookie = String(page.headers['set-cookie']).split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return { cookie, csrf };
}

async function signIn(demo: Demo, email: string, password: string, from?: string): Promise<Reply> {
  const { cookie, csrf } = await loginForm(demo, from);
  return http(demo, 'POST', '/login', { from, cookie, form: { _csrf: csrf, email, password } });
}

describe('demo: password guessing on POST /login', () => {
  it('25 wrong passwords, then the right one is refused with Retry-After; after the wait it works', async () => {
    const { demo, clock } = await startDemo();
    const { email, password } = server.DEMO_USER;
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await signIn(demo, email, `wrong ${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]); // typos are free
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(18);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);

    const refused = await signIn(demo, email, password);
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatch(/Too many attempts\. Try again in \d+ seconds?\./);
    expect(refused.headers['set-cookie']).toBeUndefined(); // no signed-in session was made

    clock.now += wait * 1000;
    const accepted = await signIn(demo, email, password);
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe('/account');
  });

  it('the throttle is per account: guesses against one account do not slow another account from elsewhere, and do slow that account from anywhere', async () => {
    const { demo } = await startDemo();
    const { email, password } = server.DEMO_USER;
    for (let i = 0; i < 12; i++) await signIn(demo, 'someone-else@example.com', `wrong ${i}`);
    expect((await signIn(demo, 'someone-else@example.com', 'x', '127.0.0.2')).status).toBe(429);
    // The demo user, from a second address, is not affected by someone else's failures.
    expect((await signIn(demo, email, password, '127.0.0.2')).status).toBe(303);
  });

  it('the throttle is per address: spraying one guess at each of many accounts is slowed too, also for a fresh account, while other addresses are not', async () => {
    const { demo } = await startDemo();
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await signIn(demo, `user${i}@example.com`, 'Summer2026!')).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(-10).every((s) => s === 429)).toBe(true);
    const { email, password } = server.DEMO_USER;
    const fromSprayer = await signIn(demo, email, password);
    expect(fromSprayer.status).toBe(429);
    expect(Number(fromSprayer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await signIn(demo, email, password, '127.0.0.2')).status).toBe(303);
  });

  it('guesses sent in parallel cannot slip past the wait: each is charged before the password hash runs', async () => {
    const { demo } = await startDemo();
    const { email } = server.DEMO_USER;
    const forms = await Promise.all(Array.from({ length: 25 }, () => loginForm(demo)));
    const replies = await Promise.all(forms.map(({ cookie, csrf }, i) => http(demo, 'POST', '/login', { cookie, form: { _csrf: csrf, email, password: `wrong ${i}` } })));
    const checked = replies.filter((r) => r.status === 401).length;
    expect(checked).toBeLessThanOrEqual(6);
    expect(replies.filter((r) => r.status === 429).length).toBe(25 - checked);
  });

  it('a right password resets the account count, but not the address count', async () => {
    const { demo, clock } = await startDemo();
    const { email, password } = server.DEMO_USER;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 3; i++) expect((await signIn(demo, email, 'wrong')).status).toBe(401);
      const ok = await signIn(demo, email, password);
      if (ok.status === 429) {
        // The address budget ran out: signing in to an account one knows does not refill it.
        expect(round).toBeGreaterThanOrEqual(4);
        return;
      }
      expect(ok.status).toBe(303);
      clock.now += 1000;
    }
    throw new Error('the address count was reset by the successful sign-ins');
  });

  it('the throttle table is bounded: a flood of distinct accounts keeps at most its cap of entries', async () => {
    const { demo } = await startDemo({ maxThrottleEntries: 20 });
    for (let i = 0; i < 60; i++) await signIn(demo, `flood${i}@example.com`, 'x', i % 2 ? '127.0.0.2' : '127.0.0.3');
    expect(demo.throttleEntryCount()).toBeLessThanOrEqual(20);
    expect(demo.throttleEntryCount()).toBeGreaterThan(0);
  });
});

describe('demo: password guessing on POST /confirm-password', () => {
  /** Signed in (2FA off): the session cookie and a CSRF token of the confirm page. */
  async function signedIn(demo: Demo): Promise<{ cookie: string; csrf: string }> {
    const { email, password } = server.DEMO_USER;
    const reply = await signIn(demo, email, password);
    expect(reply.status).toBe(303);
    const cookie = String(reply.headers['set-cookie']).split(';')[0]!;
    const page = await http(demo, 'GET', '/confirm-password?next=%2Fsettings%2Fsecurity%2F2fa%2Fenable', { cookie });
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]! };
  }
  const next = '/settings/security/2fa/enable';

  it('30 wrong passwords 61 s apart meet a 429 at the same attempt as on /login: one budget per account', async () => {
    const login = await startDemo();
    const loginStatuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      login.clock.now += 61_000;
      loginStatuses.push((await signIn(login.demo, server.DEMO_USER.email, `wrong ${i}`)).status);
    }
    const firstLogin429 = loginStatuses.indexOf(429);
    expect(firstLogin429).toBe(12); // the 13th

    const { demo, clock } = await startDemo();
    const { cookie, csrf } = await signedIn(demo);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      clock.now += 61_000;
      statuses.push((await http(demo, 'POST', '/confirm-password', { cookie, form: { _csrf: csrf, next, password: `wrong ${i}` } })).status);
    }
    expect(statuses.indexOf(429)).toBe(firstLogin429);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('wrong passwords on the confirm page slow /login for that account, and /login failures slow the confirm page', async () => {
    const { demo } = await startDemo();
    const { email, password } = server.DEMO_USER;
    const { cookie, csrf } = await signedIn(demo);
    for (let i = 0; i < 8; i++) await http(demo, 'POST', '/confirm-password', { cookie, form: { _csrf: csrf, next, password: `wrong ${i}` } });
    // From another address, so only the account's budget can refuse it.
    const refused = await signIn(demo, email, password, '127.0.0.2');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const other = await startDemo();
    const session = await signedIn(other.demo);
    for (let i = 0; i < 8; i++) await signIn(other.demo, email, `wrong ${i}`, '127.0.0.2');
    const confirm = await http(other.demo, 'POST', '/confirm-password', { cookie: session.cookie, form: { _csrf: session.csrf, next, password } });
    expect(confirm.status).toBe(429);
    expect(confirm.headers['retry-after']).toBeDefined();
  });
});

describe('demo: the session table', () => {
  it('cookieless requests that need no session create none; a flood of sign-in pages stays within the cap, keeping signed-in sessions', async () => {
    const { demo } = await startDemo({ maxSessions: 50 });
    const { email, password } = server.DEMO_USER;
    const signedIn = await signIn(demo, email, password);
    expect(signedIn.status).toBe(303);
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const before = demo.sessionCount();

    for (const path of ['/', '/account', '/settings/security', '/login/code', '/no-such-page', '/favicon.ico', '/assets/style.css']) {
      const reply = await http(demo, 'GET', path);
      expect(reply.headers['set-cookie'], path).toBeUndefined();
    }
    // A cookieless POST has no CSRF token to match: refused without a session either.
    expect((await http(demo, 'POST', '/login', { form: { email, password } })).status).toBe(403);
    expect(demo.sessionCount()).toBe(before);

    for (let i = 0; i < 200; i++) await http(demo, 'GET', '/login', { from: i % 2 ? '127.0.0.2' : '127.0.0.1' });
    expect(demo.sessionCount()).toBeLessThanOrEqual(50);
    // Anonymous sessions are evicted first: the signed-in user stays signed in.
    const account = await http(demo, 'GET', '/account', { cookie });
    expect(account.status).toBe(200);
  });

  it('expired sessions are swept: after the idle time the table empties as new sessions arrive', async () => {
    const { demo, clock } = await startDemo();
    for (let i = 0; i < 30; i++) await http(demo, 'GET', '/login');
    expect(demo.sessionCount()).toBe(30);
    clock.now += 30 * 60 * 1000; // the demo's idle timeout
    await http(demo, 'GET', '/login');
    expect(demo.sessionCount()).toBe(1);
  });

  it('with the default cap, 12,000 cookieless sign-in pages leave at most 10,000 sessions', async () => {
    const { demo } = await startDemo();
    const batch = 50;
    for (let i = 0; i < 12_000; i += batch) await Promise.all(Array.from({ length: batch }, () => http(demo, 'GET', '/login')));
    expect(demo.sessionCount()).toBeLessThanOrEqual(10_000);
    expect(demo.sessionCount()).toBeGreaterThanOrEqual(9_000);
  }, 120_000);
});
