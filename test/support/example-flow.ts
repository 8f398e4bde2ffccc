// The end-to-end walk both example apps (examples/express, examples/hono) must pass, over real HTTP on a
// temporary SQLite file: every page and status of the README's flow, codes from oathtool at the app's clock, the
// QR code read back from the page's SVG by jsQR, cookie attributes as set, and the security properties (no account
// page on a password alone, CSRF refusal, throttles, a new session id after the second step, no secret in logs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseOtpauthUri } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { alertOf, Client, decode, type Page } from './example-client.js';
import { oathTotp } from './oathtool.js';
import { buildIfMissing } from './pack.js';
import { decodeWithJsqr, rasterise } from './qr-decode.js';

const USER = { email: 'alice@example.com', password: 'correct horse battery staple' };
const STEP_MS = 30_000;
const ACCOUNT_PAGES = ['/account', '/settings/security', '/settings/security/codes', '/settings/security/step-up'];
const ACCOUNT_POSTS = ['/settings/security/enable', '/settings/security/confirm', '/settings/security/regenerate',
  '/settings/security/disable', '/settings/security/remove', '/settings/security/devices/revoke', '/settings/security/step-up'];

interface Running {
  url: string;
  close(): Promise<void>;
}
/** Another store than the app's SQLite file, and how to close its connection. */
export interface Storage {
  store: unknown;
  close(): Promise<void> | void;
}
interface ExampleModule {
  start(options: { port: number; dbFile: string; key: Uint8Array; now: () => number; trustProxy?: boolean; storage?: Storage; log: (line: string) => void }): Promise<Running>;
}

/** What differs between the apps: how a form proves it comes from the site. */
export interface ExampleSpec {
  name: 'express' | 'hono';
  /** Express: a synchronizer token field; Hono: the Origin header (its csrf middleware). */
  csrf: 'token' | 'origin';
}

/** The steps of the walk, on apps started (and closed after each test) in the calling describe. */
function harness(spec: ExampleSpec) {
  const opened: { app: Running; dir: string }[] = [];
  afterEach(async () => {
    for (const { app, dir } of opened.splice(0)) {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Starts the app on a fresh SQLite file, its clock at the start of a TOTP step plus 5 s. */
  async function start(options: { trustProxy?: boolean; storage?: Storage } = {}) {
    buildIfMissing(); // the app imports the package by name, which resolves to dist/
    const mod = (await import(/* @vite-ignore */ new URL(`../../examples/${spec.name}/server.mjs`, import.meta.url).href)) as ExampleModule;
    const dir = mkdtempSync(join(tmpdir(), `example-${spec.name}-`));
    const clock = new ManualClock(Math.floor(Date.now() / STEP_MS) * STEP_MS + 5_000);
    const logs: string[] = [];
    const app = await mod.start({ port: 0, dbFile: join(dir, 'app.db'), key: crypto.getRandomValues(new Uint8Array(32)), now: clock.now, log: (l) => logs.push(l), ...options });
    opened.push({ app, dir });
    const client = (headers: Record<string, string> = {}) => new Client(app.url, headers);
    /** A code of `secret` now, then the clock moves a step on (a code is accepted once). */
    const code = (secret: string) => {
      const c = oathTotp(secret, clock.now());
      clock.advance(STEP_MS);
      return c;
    };
    return { app, clock, logs, client, code };
  }
  type App = Awaited<ReturnType<typeof start>>;

  async function passwordStep(browser: Client, password = USER.password): Promise<Page> {
    await browser.get('/login');
    return browser.post('/login', { email: USER.email, password });
  }

  /** Signs in with the password only (2FA off) and lands on the account page. */
  async function signInWithoutCode(browser: Client): Promise<void> {
    const step = await passwordStep(browser);
    expect([step.status, step.location]).toEqual([303, '/account']);
    const account = await browser.follow(step);
    expect(account.status).toBe(200);
    expect(account.html).toContain(`Signed in as ${USER.email}`);
  }

  /** Settings → Security → Enable: the QR code and the setup key, then Verify & Enable. Returns the secret and codes. */
  async function enable(app: App, browser: Client): Promise<{ secret: string; backupCodes: string[] }> {
    const security = await browser.get('/settings/security');
    expect(security.status).toBe(200);
    expect(security.html).toContain('<strong id="status">Off</strong>');
    const setup = await browser.follow(await browser.post('/settings/security/enable'));
    expect(setup.status).toBe(200);
    const secret = setupSecret(setup);
    expect(setup.headers.get('cache-control')).toContain('no-store');

    const wrong = await browser.post('/settings/security/confirm', { code: wrongCode(oathTotp(secret, app.clock.now())) });
    expect([wrong.status, alertOf(wrong.html)]).toEqual([400, 'That code is not valid.']);
    expect(setupSecret(wrong)).toBe(secret); // the same set-up shown again (pendingEnrollment)

    const confirmed = await browser.post('/settings/security/confirm', { code: app.code(secret) });
    expect([confirmed.status, confirmed.location]).toEqual([303, '/settings/security/codes']);
    const codesPage = await browser.follow(confirmed);
    const backupCodes = listedCodes(codesPage);
    expect(backupCodes).toHaveLength(10);
    // Shown once: a reload shows them no more.
    const again = await browser.get('/settings/security/codes');
    expect([again.status, again.location]).toEqual([303, '/settings/security']);
    expect((await browser.get('/settings/security')).html).toContain('<strong id="status">On</strong>');
    return { secret, backupCodes };
  }

  /** The password, then the code page (2FA on, no trusted browser). */
  async function toCodePage(browser: Client): Promise<Page> {
    const step = await passwordStep(browser);
    expect([step.status, step.location]).toEqual([303, '/login/code']);
    const page = await browser.follow(step);
    expect(page.status).toBe(200);
    expect(page.html).toContain('autocomplete="one-time-code"');
    expect(page.html).not.toContain('Signed in as');
    return page;
  }

  /** The second step with `code`, then the account page it leads to. Returns the redirect. */
  async function secondStep(browser: Client, code: string, fields: Record<string, string> = {}): Promise<Page> {
    const done = await browser.post('/login/code', { code, ...fields });
    expect([done.status, done.location, alertOf(done.html)]).toEqual([303, '/account', null]);
    expect((await browser.follow(done)).html).toContain(`Signed in as ${USER.email}`);
    return done;
  }

  /** An app with 2FA on for the user, signed in in `owner`. */
  async function enabledApp(options: { trustProxy?: boolean; storage?: Storage } = {}) {
    const app = await start(options);
    const owner = app.client();
    await signInWithoutCode(owner);
    const enrolled = await enable(app, owner);
    return { ...app, owner, ...enrolled };
  }

  return { start, passwordStep, signInWithoutCode, enable, toCodePage, secondStep, enabledApp };
}

export function exampleFlowSuite(spec: ExampleSpec): void {
  describe(`examples/${spec.name}, end to end over HTTP`, () => {
    const { start, passwordStep, signInWithoutCode, enable, toCodePage, secondStep, enabledApp } = harness(spec);

    it('signs in with a password, enables 2FA from the QR code (read back by jsQR) and the setup key, shows the backup codes once', async () => {
      const app = await start();
      const browser = app.client();
      const login = await browser.get('/login');
      expect(login.status).toBe(200);
      await signInWithoutCode(browser);
      const { secret } = await enable(app, browser);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    });

    it('asks for the code after the password, signs in with it or a backup code (once), and changes the session id', async () => {
      const app = await enabledApp();
      await app.owner.post('/logout');
      const browser = app.client();
      const before = await passwordStep(browser);
      const preAuth = browser.jar.get('sid')?.value;
      await browser.follow(before);
      const done = await secondStep(browser, app.code(app.secret));
      const sid = done.setCookies.find((c) => c.name === 'sid');
      expect(sid?.value).toBeTruthy();
      expect(sid?.value).not.toBe(preAuth);
      expect(browser.jar.has('challenge')).toBe(false);
      // The session from before the code (Express: the one that held the CSRF token) signs nobody in.
      if (preAuth) expect((await app.client({ cookie: `sid=${preAuth}` }).get('/account')).location).toBe('/login');
      // Nor does a session id fixed into the browser before the sign-in (session fixation).
      const fixed = app.client();
      fixed.jar.set('sid', { name: 'sid', value: 'fixed-by-an-attacker', attributes: {} });
      await toCodePage(fixed);
      await secondStep(fixed, app.code(app.secret));
      expect(fixed.cookie('sid')?.value).not.toBe('fixed-by-an-attacker');
      expect((await app.client({ cookie: 'sid=fixed-by-an-attacker' }).get('/account')).location).toBe('/login');

      const byBackup = app.client();
      await toCodePage(byBackup);
      await secondStep(byBackup, app.backupCodes[0]!);
      const reused = app.client();
      await toCodePage(reused);
      const refused = await reused.post('/login/code', { code: app.backupCodes[0]! });
      expect([refused.status, alertOf(refused.html)]).toEqual([400, 'That code is not valid.']);
    });

    it('keeps the challenge in an HttpOnly SameSite=Lax cookie, and no route with only the password shows an account page', async () => {
      const app = await enabledApp();
      const browser = app.client();
      await toCodePage(browser);
      const challenge = browser.cookie('challenge')!;
      expect(challenge.value.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits
      expect(challenge.attributes.path).toBe('/');
      expect(Math.abs(Date.parse(String(challenge.attributes.expires)) - (app.clock.now() + 5 * 60_000))).toBeLessThan(2_000);
      for (const c of browser.jar.values()) {
        expect(c.attributes.httponly).toBe(true);
        expect(String(c.attributes.samesite).toLowerCase()).toBe('lax');
        expect(c.attributes.secure).toBeUndefined(); // plain http, no proxy
      }
      for (const path of ACCOUNT_PAGES) {
        const page = await browser.get(path);
        expect([path, page.status, page.location]).toEqual([path, 303, '/login']);
        expect(page.html).not.toContain('Signed in as');
      }
      for (const path of ACCOUNT_POSTS) {
        const page = await browser.post(path, { code: app.code(app.secret), proof: app.backupCodes[1]! });
        expect([path, page.status, page.location]).toEqual([path, 303, '/login']);
      }
      // Nothing was done: the backup code offered as proof still signs in, and 2FA is still on.
      await secondStep(browser, app.backupCodes[1]!);
      expect((await browser.get('/settings/security')).html).toContain('<strong id="status">On</strong>');
    });

    it('answers wrong codes with the library’s sentences, "Too many attempts. Try again in N seconds.", and a spent challenge', async () => {
      const app = await enabledApp();
      const browser = app.client();
      await toCodePage(browser);
      const wrong = wrongCode(oathTotp(app.secret, app.clock.now()));
      for (let i = 1; i <= 3; i++) {
        const page = await browser.post('/login/code', { code: wrong });
        expect([page.status, alertOf(page.html)]).toEqual([400, 'That code is not valid.']);
      }
      const fourth = await browser.post('/login/code', { code: wrong });
      expect([fourth.status, alertOf(fourth.html)]).toEqual([400, 'That code is not valid. Try again in 1 second.']);
      const throttled = await browser.post('/login/code', { code: oathTotp(app.secret, app.clock.now()) });
      expect([throttled.status, alertOf(throttled.html)]).toEqual([429, 'Too many attempts. Try again in 1 second.']);
      app.clock.advance(STEP_MS);
      // The fifth wrong code spends the challenge: guessing on needs the password again.
      const fifth = await browser.post('/login/code', { code: wrongCode(oathTotp(app.secret, app.clock.now())) });
      expect(fifth.status).toBe(400);
      app.clock.advance(60_000);
      const spent = await browser.post('/login/code', { code: app.code(app.secret) });
      expect([spent.status, alertOf(spent.html)]).toEqual([400, 'This sign-in is no longer valid. Please sign in again.']);
      await toCodePage(browser);
      await secondStep(browser, app.code(app.secret));
    });

    it('expires the challenge after 5 minutes', async () => {
      const app = await enabledApp();
      const browser = app.client();
      await toCodePage(browser);
      app.clock.advance(5 * 60_000 + 1);
      const late = await browser.post('/login/code', { code: app.code(app.secret) });
      expect([late.status, alertOf(late.html)]).toEqual([400, 'This sign-in took too long. Please sign in again.']);
    });

    it('trusts this browser: an HttpOnly cookie, the next sign-in skips the code; revoking (after a step-up code) asks again and clears it', async () => {
      const app = await enabledApp();
      const browser = app.client({ 'user-agent': 'Example Browser/1.0' });
      await toCodePage(browser);
      const done = await secondStep(browser, app.code(app.secret), { trust: 'on' });
      const trust = done.setCookies.find((c) => c.name === 'trusted_device')!;
      expect(trust.attributes).toMatchObject({ httponly: true, path: '/' });
      expect(String(trust.attributes.samesite).toLowerCase()).toBe('lax');
      const expires = Date.parse(String(trust.attributes.expires));
      expect(Math.abs(expires - (app.clock.now() + 30 * 24 * 3600_000))).toBeLessThan(3 * STEP_MS);
      await browser.post('/logout');

      const skipped = await passwordStep(browser);
      expect([skipped.status, skipped.location]).toEqual([303, '/account']);
      expect((await browser.follow(skipped)).html).toContain('Signed in as');
      // A sign-in on a trusted browser is no fresh second factor: revoking asks for a code first.
      const gated = await browser.post('/settings/security/devices/revoke');
      expect([gated.status, gated.location]).toEqual([303, '/settings/security/step-up']);
      const stepUp = await browser.follow(gated);
      expect(stepUp.html).toContain('Confirm it’s you');
      const bad = await browser.post('/settings/security/step-up', { code: wrongCode(oathTotp(app.secret, app.clock.now())) });
      expect([bad.status, alertOf(bad.html)]).toEqual([400, 'That code is not valid.']);
      expect((await browser.post('/settings/security/step-up', { code: app.code(app.secret) })).location).toBe('/settings/security');
      const revoked = await browser.post('/settings/security/devices/revoke');
      expect([revoked.status, revoked.location]).toEqual([303, '/settings/security']);
      expect((await browser.follow(revoked)).html).toContain('Every trusted browser now asks for a code again.');
      // …and 10 minutes later the step-up is stale again.
      app.clock.advance(10 * 60_000 + 1);
      expect((await browser.post('/settings/security/devices/revoke')).location).toBe('/settings/security/step-up');
      await browser.post('/logout');

      const asked = await passwordStep(browser);
      expect(asked.location).toBe('/login/code');
      const cleared = asked.setCookies.find((c) => c.name === 'trusted_device');
      expect(cleared).toBeDefined(); // 'invalid': the app clears the cookie
      expect(browser.jar.has('trusted_device')).toBe(false);
    });

    it('asks for the code again once a trusted browser’s 30 days are over, and clears its cookie', async () => {
      const app = await enabledApp();
      const browser = app.client();
      await toCodePage(browser);
      await secondStep(browser, app.code(app.secret), { trust: 'on' });
      await browser.post('/logout');
      app.clock.advance(30 * 24 * 3600_000);
      const asked = await passwordStep(browser);
      expect([asked.status, asked.location]).toEqual([303, '/login/code']); // 'expired'
      expect(asked.setCookies.find((c) => c.name === 'trusted_device')).toBeDefined();
      expect(browser.jar.has('trusted_device')).toBe(false);
      await browser.follow(asked);
      await secondStep(browser, app.code(app.secret));
    });

    it('regenerates backup codes and disables 2FA, each only with a current code', async () => {
      const app = await enabledApp();
      const wrong = await app.owner.post('/settings/security/regenerate', { code: wrongCode(oathTotp(app.secret, app.clock.now())) });
      expect([wrong.status, alertOf(wrong.html)]).toEqual([400, 'That code is not valid.']);
      const backup = await app.owner.post('/settings/security/regenerate', { code: app.backupCodes[0]! });
      expect(backup.status).toBe(400); // a backup code cannot mint backup codes
      const fresh = listedCodes(await app.owner.follow(await app.owner.post('/settings/security/regenerate', { code: app.code(app.secret) })));
      expect(fresh).toHaveLength(10);
      expect(fresh).not.toContain(app.backupCodes[1]);

      const old = app.client();
      await toCodePage(old);
      expect((await old.post('/login/code', { code: app.backupCodes[1]! })).status).toBe(400);
      await secondStep(old, fresh[0]!);

      const noCode = await app.owner.post('/settings/security/disable', { code: '' });
      expect(noCode.status).toBe(400);
      const off = await app.owner.post('/settings/security/disable', { code: app.code(app.secret) });
      expect([off.status, off.location]).toEqual([303, '/settings/security']);
      expect((await app.owner.follow(off)).html).toContain('<strong id="status">Off</strong>');
      await app.owner.post('/logout');
      await signInWithoutCode(app.owner);
    });

    it('lost phone: a backup code signs in and proves a new app; the new app can remove the old one only after its 72-hour probation', async () => {
      const app = await enabledApp();
      await app.owner.post('/logout');
      // The phone is gone. Sign in with a backup code, add the new phone with another backup code as proof.
      const browser = app.client();
      await toCodePage(browser);
      await secondStep(browser, app.backupCodes[0]!);
      const setup = await browser.follow(await browser.post('/settings/security/enable', { label: 'New phone' }));
      expect(setup.html).toContain('Set up New phone');
      const newSecret = setupSecret(setup);
      const noProof = await browser.post('/settings/security/confirm', { code: oathTotp(newSecret, app.clock.now()) });
      expect([noProof.status, alertOf(noProof.html)]).toEqual([400, 'Also enter a code from an app you already use, or a backup code.']);
      const added = await browser.post('/settings/security/confirm', { code: app.code(newSecret), proof: app.backupCodes[1]! });
      expect([added.status, added.location]).toEqual([303, '/settings/security']);
      const security = await browser.follow(added);
      expect(security.html).toContain('The new app is added.');
      const factors = factorIds(security);
      expect(factors.map((f) => f.label)).toEqual(['Authenticator app', 'New phone']);

      // The new phone signs in at once…
      const next = app.client();
      await toCodePage(next);
      await secondStep(next, app.code(newSecret));
      // …but for 72 hours cannot remove the older app, nor mint backup codes, nor turn 2FA off.
      const early = await browser.post('/settings/security/remove', { factorId: factors[0]!.id, code: app.code(newSecret) });
      expect(early.status).toBe(400);
      expect(alertOf(early.html)).toMatch(/^An app added recently cannot do this yet\. Use a code from an app you had before\. Try again in 72 hours\.$/);
      expect(alertOf((await browser.post('/settings/security/regenerate', { code: app.code(newSecret) })).html)).toMatch(/^An app added recently/);
      expect(alertOf((await browser.post('/settings/security/disable', { code: app.code(newSecret) })).html)).toMatch(/^An app added recently/);

      app.clock.advance(72 * 3600_000);
      const later = app.client();
      await toCodePage(later);
      await secondStep(later, app.code(newSecret));
      const removed = await later.post('/settings/security/remove', { factorId: factors[0]!.id, code: app.code(newSecret) });
      expect([removed.status, removed.location]).toEqual([303, '/settings/security']);
      expect(factorIds(await later.follow(removed)).map((f) => f.label)).toEqual(['New phone']);
      const codes = listedCodes(await later.follow(await later.post('/settings/security/regenerate', { code: app.code(newSecret) })));
      expect(codes).toHaveLength(10);
    });

    it('an app added with stolen backup codes is removed at once by the owner’s older app', async () => {
      const app = await enabledApp();
      const thief = app.client();
      await toCodePage(thief);
      await secondStep(thief, app.backupCodes[0]!);
      const setup = await thief.follow(await thief.post('/settings/security/enable', { label: 'Thief' }));
      const thiefSecret = setupSecret(setup);
      await thief.post('/settings/security/confirm', { code: app.code(thiefSecret), proof: app.backupCodes[1]! });
      const factors = factorIds(await app.owner.get('/settings/security'));
      const thiefTries = await thief.post('/settings/security/remove', { factorId: factors[0]!.id, code: app.code(thiefSecret) });
      expect(alertOf(thiefTries.html)).toMatch(/^An app added recently/);
      const removed = await app.owner.post('/settings/security/remove', { factorId: factors[1]!.id, code: app.code(app.secret) });
      expect(removed.location).toBe('/settings/security');
      expect(factorIds(await app.owner.follow(removed)).map((f) => f.label)).toEqual(['Authenticator app']);
    });

    it('refuses a form from another site (CSRF) and changes nothing', async () => {
      const app = await start();
      const browser = app.client();
      await browser.get('/login');
      const forged =
        spec.csrf === 'token'
          ? [await browser.post('/login', { email: USER.email, password: USER.password, _csrf: 'forged' }),
             await new Client(app.app.url).post('/login', { email: USER.email, password: USER.password })]
          : [await browser.post('/login', { email: USER.email, password: USER.password }, { origin: 'http://evil.example' }),
             await browser.post('/login', { email: USER.email, password: USER.password }, { origin: 'null' })];
      for (const page of forged) {
        expect(page.status).toBe(403);
        expect(page.location).toBeNull();
      }
      await signInWithoutCode(browser);
      const forgedEnable = spec.csrf === 'token'
        ? await browser.post('/settings/security/enable', { _csrf: 'forged' })
        : await browser.post('/settings/security/enable', {}, { origin: 'http://evil.example' });
      expect(forgedEnable.status).toBe(403);
      expect((await browser.get('/settings/security')).html).not.toContain('id="setup"');
    });

    it('throttles the password per account: 5 free failures, then "Too many attempts. Try again in N seconds."', async () => {
      const app = await start();
      const browser = app.client();
      for (let i = 1; i <= 6; i++) {
        const page = await passwordStep(browser, 'wrong horse');
        expect([page.status, alertOf(page.html)]).toEqual([401, 'Email or password is incorrect.']);
      }
      const refused = await passwordStep(browser);
      expect([refused.status, alertOf(refused.html)]).toEqual([429, 'Too many attempts. Try again in 1 second.']);
      app.clock.advance(1_000);
      await signInWithoutCode(browser);
    });

    it('sets Secure on every cookie behind a trusted https proxy (X-Forwarded-Proto), and only then', async () => {
      const app = await enabledApp({ trustProxy: true });
      // The proxy forwards to the app what the browser sent it over https, adding X-Forwarded-Proto.
      const proxied = app.client({ 'x-forwarded-proto': 'https', origin: app.app.url.replace('http:', 'https:') });
      await passwordStep(proxied);
      await secondStep(proxied, app.code(app.secret), { trust: 'on' });
      const names = new Set<string>();
      for (const c of proxied.jar.values()) {
        names.add(c.name);
        expect([c.name, c.attributes.secure]).toEqual([c.name, true]);
        expect(c.attributes.httponly).toBe(true);
      }
      expect(names).toEqual(new Set(['sid', 'trusted_device']));
      // Without the header (plain http to the app), and from a client that only claims it, no Secure.
      const plain = app.client();
      await passwordStep(plain);
      expect(plain.jar.size).toBeGreaterThan(0);
      for (const c of plain.jar.values()) expect(c.attributes.secure).toBeUndefined();
      const untrusted = await enabledApp();
      const claims = untrusted.client({ 'x-forwarded-proto': 'https' });
      await passwordStep(claims);
      expect(claims.jar.size).toBeGreaterThan(0);
      for (const c of claims.jar.values()) expect(c.attributes.secure).toBeUndefined();
    });

    it('logs the audit events, never a password, secret, code, backup code or token', async () => {
      const app = await enabledApp();
      const browser = app.client();
      await toCodePage(browser);
      const challenge = browser.cookie('challenge')!.value;
      const typed = [wrongCode(oathTotp(app.secret, app.clock.now())), app.code(app.secret)];
      await browser.post('/login/code', { code: typed[0]! });
      await secondStep(browser, typed[1]!, { trust: 'on' });
      const tokens = [...browser.jar.values()].map((c) => decodeURIComponent(c.value));
      const text = app.logs.join('\n');
      for (const type of ['enabled', 'verification-failed', 'device-trusted']) expect(text).toContain(`"type":"${type}"`);
      for (const secret of [USER.password, app.secret, ...app.backupCodes, ...typed, challenge, ...tokens]) expect(text).not.toContain(secret);
    });
  });
}

/**
 * The app on another store (the README's PostgreSQL and Redis lines): enable 2FA, sign out, sign in with a code
 * and with a backup code, disable. `open` makes a fresh store for each app.
 */
export function exampleStoreSuite(spec: ExampleSpec, stores: Record<string, () => Promise<Storage>>): void {
  describe(`examples/${spec.name} on other stores`, () => {
    const { start, passwordStep, enable, toCodePage, secondStep, signInWithoutCode } = harness(spec);
    it.each(Object.keys(stores))('runs the flow on %s', async (name) => {
      const app = await start({ storage: await stores[name]!() });
      const owner = app.client();
      await signInWithoutCode(owner);
      const { secret, backupCodes } = await enable(app, owner);
      const browser = app.client();
      await toCodePage(browser);
      await secondStep(browser, app.code(secret));
      const other = app.client();
      await toCodePage(other);
      await secondStep(other, backupCodes[0]!);
      const off = await browser.post('/settings/security/disable', { code: app.code(secret) });
      expect(off.location).toBe('/settings/security');
      const again = await passwordStep(app.client());
      expect(again.location).toBe('/account');
    });
  });
}

/** The base32 secret of the set-up on the page: read from the QR code (jsQR), checked against the setup key. */
function setupSecret(page: Page): string {
  const svg = /<figure>(<svg[\s\S]*?<\/svg>)<\/figure>/.exec(page.html)?.[1];
  expect(svg, 'a QR code on the set-up page').toBeDefined();
  const bytes = decodeWithJsqr(rasterise(svg!, 400));
  expect(bytes, 'jsQR reads the QR code').not.toBeNull();
  const uri = new TextDecoder().decode(bytes!);
  const params = parseOtpauthUri(uri);
  expect(params.accountName).toBe(USER.email);
  const key = decode(/<code id="setup-key">([^<]*)<\/code>/.exec(page.html)![1]!).replace(/\s/g, '');
  const fromUri = /[?&]secret=([A-Z2-7]+)/.exec(uri)![1]!;
  expect(key).toBe(fromUri);
  return fromUri;
}

function listedCodes(page: Page): string[] {
  const list = /<ul id="backup-codes">([\s\S]*?)<\/ul>/.exec(page.html)?.[1] ?? '';
  return [...list.matchAll(/<code>([^<]*)<\/code>/g)].map((m) => decode(m[1]!));
}

function factorIds(page: Page): { id: string; label: string }[] {
  const list = /<ul id="factors">([\s\S]*?)<\/ul>/.exec(page.html)?.[1] ?? '';
  return [...list.matchAll(/<li>([^(<]*) \(added[\s\S]*?name="factorId" value="([^"]*)"/g)].map((m) => ({ label: decode(m[1]!.trim()), id: m[2]! }));
}

/** A six-digit code that is not `code` (nor, by any real chance, a neighbour step's). */
function wrongCode(code: string): string {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
}
