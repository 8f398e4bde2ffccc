// "Trust this browser for 30 days" in the demo app (examples/demo/flows/trusted-devices.mjs), end to end in
// headless Chromium: trust → sign out → the next sign-in skips the code → Revoke → asked again; a second
// browser and Revoke all; disabling 2FA revokes every browser; and the cookie's flags as the browser
// stored them (HttpOnly, SameSite=Lax, Path=/, the device's expiry, Secure only over https — here through
// a second demo on the same database that trusts X-Forwarded-Proto). Codes come from oathtool, the secret
// from the setup key on the page; the demo runs on a temporary SQLite file with a clock the test moves.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Cookie, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../examples/demo/server.mjs';
import { launchChromium, oathtoolTotp } from './support/browser.js';
import { buildIfMissing } from './support/pack.js';

const T0 = Date.UTC(2026, 0, 15, 9, 0, 5);
const DAY_MS = 24 * 60 * 60 * 1000;
let nowMs = T0;

let DEMO_USER: typeof import('../examples/demo/server.mjs').DEMO_USER;
let demo: Demo;
let workDir: string;
let secret = '';
const logs: string[] = [];
type Browser = Awaited<ReturnType<typeof launchChromium>> & { page: Page };
let first: Browser;
let second: Browser;

async function openBrowser(): Promise<Browser> {
  const browser = await launchChromium();
  return { ...browser, page: browser.context.pages()[0] ?? (await browser.context.newPage()) };
}

beforeAll(async () => {
  buildIfMissing();
  let start: typeof import('../examples/demo/server.mjs').start;
  ({ DEMO_USER, start } = await import('../examples/demo/server.mjs'));
  workDir = mkdtempSync(join(tmpdir(), 'demo-trusted-'));
  demo = await start({ port: 0, dbFile: join(workDir, 'demo.db'), now: () => nowMs, encryptionKey: KEY, log: (line) => logs.push(line) });
  first = await openBrowser();
  second = await openBrowser();
});

afterAll(async () => {
  await first?.close();
  await second?.close();
  await demo?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const KEY = crypto.getRandomValues(new Uint8Array(32));

// --- what a user does -------------------------------------------------------------------------------------

const path = (page: Page): string => new URL(page.url()).pathname;
const button = (page: Page, name: string): Locator => page.getByRole('button', { name, exact: true });
const code = (): string => oathtoolTotp(secret, nowMs);
/** A fresh 30 s step for every code the test types, so none is refused as a replay. */
const nextStep = (): void => {
  nowMs += 30_000;
};

async function andWait(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), target.click()]);
}

async function signInWithPassword(page: Page, base = demo.url): Promise<void> {
  await page.goto(new URL('/login', base).href);
  await page.getByLabel('Email', { exact: true }).fill(DEMO_USER.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_USER.password);
  await andWait(page, button(page, 'Sign in'));
}

/** On the code page: types a current code, ticking "Trust this browser" when asked. */
async function enterCode(page: Page, trust: boolean): Promise<void> {
  expect(path(page)).toBe('/login/code');
  nextStep();
  await page.getByLabel('Authentication code', { exact: true }).fill(code());
  const box = page.getByLabel('Trust this browser for 30 days', { exact: true });
  expect(await box.isChecked()).toBe(false); // never ticked by default
  if (trust) await box.check();
  await andWait(page, button(page, 'Verify'));
  expect(path(page)).toBe('/account');
}

async function signOut(page: Page): Promise<void> {
  await andWait(page, page.getByRole('button', { name: /sign out/i }).first());
  expect(path(page)).toBe('/login');
}

async function securityPage(page: Page, base = demo.url): Promise<void> {
  await page.goto(new URL('/settings/security', base).href);
}

const trustedList = (page: Page): Promise<string[]> => page.locator('#trusted-browsers .device-name').allInnerTexts();
const trustCookie = async (context: BrowserContext): Promise<Cookie | undefined> =>
  (await context.cookies()).find((c) => c.name === 'demo_trusted');

async function enable2fa(page: Page): Promise<void> {
  await securityPage(page);
  await andWait(page, button(page, 'Enable'));
  // Signed in with a code (not the password alone), Enable asks for the password.
  if (path(page) === '/confirm-password') {
    await page.getByLabel('Password', { exact: true }).fill(DEMO_USER.password);
    await andWait(page, button(page, 'Confirm password'));
  }
  expect(path(page)).toBe('/settings/security/2fa/setup');
  secret = (await page.locator('#setup-key').innerText()).replace(/ /g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  nextStep();
  await page.getByLabel('Enter the 6-digit code from your app', { exact: true }).fill(code());
  await andWait(page, button(page, 'Verify & Enable'));
  expect(path(page)).toBe('/settings/security/2fa/backup-codes');
}

// --- the flow -----------------------------------------------------------------------------------------------

describe('trusted browsers in the demo, in headless Chromium', () => {
  it('without the box ticked, signing in sets no trust cookie and the next sign-in asks for the code', async () => {
    const { page, context } = first;
    await signInWithPassword(page);
    expect(path(page)).toBe('/account'); // 2FA is still off
    await enable2fa(page);
    await signOut(page);
    await signInWithPassword(page);
    await enterCode(page, false);
    expect(await trustCookie(context)).toBeUndefined();
    await signOut(page);
    await signInWithPassword(page);
    expect(path(page)).toBe('/login/code');
    await enterCode(page, false);
  });

  it('trusting the browser sets an HttpOnly, SameSite=Lax cookie (not Secure over plain http) that expires with the device', async () => {
    const { page, context } = first;
    await signOut(page);
    await signInWithPassword(page);
    const before = Date.now() / 1000;
    await enterCode(page, true);
    const cookie = await trustCookie(context);
    expect(cookie).toBeDefined();
    expect(cookie!.value).toMatch(/^tdv1_[A-Za-z0-9_-]{43}$/);
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Lax');
    expect(cookie!.secure).toBe(false);
    expect(cookie!.path).toBe('/');
    // Max-Age is the device's 30 days (the demo's clock and the browser's agree on durations, not dates).
    expect(cookie!.expires - before).toBeGreaterThan(30 * 86_400 - 120);
    expect(cookie!.expires - before).toBeLessThan(30 * 86_400 + 120);
    // No script on the page can read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain('demo_trusted');
    // The library logged the device without the token.
    expect(logs.filter((l) => l.startsWith('[2fa] device-trusted '))).toHaveLength(1);
    expect(logs.join('\n')).not.toContain(cookie!.value);

    await securityPage(page);
    expect(await trustedList(page)).toEqual(['Chrome on Linux (this browser)']);
  });

  it('signing in again in that browser skips the code', async () => {
    const { page } = first;
    await signOut(page);
    nowMs += 2 * DAY_MS;
    await signInWithPassword(page);
    expect(path(page)).toBe('/account');
    expect(await page.getByRole('status').innerText()).toContain('Signed in on a trusted browser');
    // The password is still required: a wrong one gets nowhere, cookie or not.
    await signOut(page);
    await page.goto(new URL('/login', demo.url).href);
    await page.getByLabel('Email', { exact: true }).fill(DEMO_USER.email);
    await page.getByLabel('Password', { exact: true }).fill('wrong password');
    await andWait(page, button(page, 'Sign in'));
    expect(path(page)).toBe('/login');
    expect(await page.getByRole('alert').innerText()).toContain('Email or password is incorrect.');
  });

  it('Revoke asks a session signed in on a trusted browser for a code first (a trusted browser is not a fresh second factor), then makes the browser ask for the code again', async () => {
    const { page, context } = first;
    await signInWithPassword(page);
    expect(path(page)).toBe('/account');
    await securityPage(page);
    await andWait(page, page.getByRole('button', { name: 'Revoke Chrome on Linux (this browser)' }));
    expect(path(page)).toBe('/confirm-code');
    expect(await page.locator('main').innerText()).toContain('To remove a trusted browser, enter a current code');
    expect(await demo.twoFactor.listTrustedDevices(DEMO_USER.id)).toHaveLength(1);
    nextStep();
    await page.getByLabel('Code', { exact: true }).fill(code());
    // Confirmed, the revoke goes on with the browser it named.
    await andWait(page, button(page, 'Confirm'));
    expect(path(page)).toBe('/settings/security');
    expect(await page.getByRole('status').innerText()).toContain('The browser was removed');
    expect(await trustedList(page)).toEqual([]);
    expect(await page.locator('main').innerText()).toContain('No browser skips the code.');
    await signOut(page);
    expect(await trustCookie(context)).toBeDefined(); // still in the browser, but worthless now
    await signInWithPassword(page);
    expect(path(page)).toBe('/login/code');
    // beginSignIn said it no longer passes: the demo deleted the cookie.
    expect(await trustCookie(context)).toBeUndefined();
    await enterCode(page, true);
  });

  it('two trusted browsers; Revoke all makes both ask again', async () => {
    await signInWithPassword(second.page);
    await enterCode(second.page, true);
    await securityPage(first.page);
    expect((await trustedList(first.page)).sort()).toEqual(['Chrome on Linux', 'Chrome on Linux (this browser)']);
    expect(await demo.twoFactor.listTrustedDevices(DEMO_USER.id)).toHaveLength(2);

    await andWait(first.page, button(first.page, 'Revoke all'));
    expect(await first.page.getByRole('status').innerText()).toContain('2 trusted browsers removed');
    expect(await demo.twoFactor.listTrustedDevices(DEMO_USER.id)).toEqual([]);
    for (const { page } of [first, second]) {
      await signOut(page);
      await signInWithPassword(page);
      expect(path(page)).toBe('/login/code');
      await enterCode(page, true);
    }
    expect(await demo.twoFactor.listTrustedDevices(DEMO_USER.id)).toHaveLength(2);
  });

  it('disabling 2FA revokes every trusted browser: after turning it on again, both ask for the code', async () => {
    const { page } = first;
    await securityPage(page);
    nextStep();
    await page.getByLabel('Code from your app to disable two-factor authentication', { exact: true }).fill(code());
    await andWait(page, button(page, 'Disable 2FA'));
    expect(await page.getByRole('status').innerText()).toContain('Two-factor authentication is off.');
    expect(await demo.twoFactor.listTrustedDevices(DEMO_USER.id)).toEqual([]);
    await enable2fa(page);
    for (const browser of [first, second]) {
      expect(await trustCookie(browser.context)).toBeDefined();
      await signOut(browser.page);
      await signInWithPassword(browser.page);
      expect(path(browser.page)).toBe('/login/code');
      expect(await trustCookie(browser.context)).toBeUndefined();
    }
  });

  it('over https (X-Forwarded-Proto from a proxy the demo is told to trust) the cookie and the session cookie are Secure; the header alone is not trusted', async () => {
    const { start } = await import('../examples/demo/server.mjs');
    // A second app process on the same database, as behind a TLS-terminating proxy.
    const behindProxy = await start({ port: 0, dbFile: join(workDir, 'demo.db'), now: () => nowMs, encryptionKey: KEY, log: () => {}, trustProxy: true });
    try {
      const { page, context } = second;
      await page.setExtraHTTPHeaders({ 'X-Forwarded-Proto': 'https' });
      // The first demo does not trust the header: no Secure flag.
      await enterCode(page, true);
      expect((await trustCookie(context))!.secure).toBe(false);
      await signOut(page);
      // That cookie would skip the code on the second app too (one database): start this browser afresh.
      await context.clearCookies();
      // The one behind the "proxy" does trust the header. (Chromium keeps Secure cookies set by http://127.0.0.1, a secure context.)
      await signInWithPassword(page, behindProxy.url);
      // The sign-in challenge's cookie, between the two steps, is Secure there too.
      const challenge = (await context.cookies()).find((c) => c.name === 'demo_challenge');
      expect(challenge!.secure).toBe(true);
      expect(challenge!.path).toBe('/login');
      await enterCode(page, true);
      const cookie = await trustCookie(context);
      expect(cookie!.secure).toBe(true);
      expect(cookie!.httpOnly).toBe(true);
      expect(cookie!.sameSite).toBe('Lax');
      // The session cookie, the signed-in credential itself, is Secure there too.
      const sid = (await context.cookies()).find((c) => c.name === 'demo_sid');
      expect(sid!.secure).toBe(true);
      expect(sid!.httpOnly).toBe(true);
      await signOut(page);
      await signInWithPassword(page, behindProxy.url);
      expect(path(page)).toBe('/account');
    } finally {
      await second.page.setExtraHTTPHeaders({});
      await behindProxy.close();
    }
  });
});
