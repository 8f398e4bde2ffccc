// The demo's sign-in challenge (examples/demo/flows/sign-in.mjs, challenge-cookie.mjs) in headless Chromium,
// beyond the walk-through of demo.e2e.test.ts: "Sign in as someone else" cancels the challenge (its old cookie
// then signs no one in), an expired challenge sends the user back to the password, and the hard cap: 100
// wrong codes in a row — driven fast by moving the demo's injectable clock past every back-off wait, through
// the demo's own routes (Playwright's request context shares the browser's cookies) — lock two-factor sign-in
// until support calls `unlock`. Codes come from oathtool; the secret from the setup key on the page.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../examples/demo/server.mjs';
import { oathtoolTotp } from './support/browser.js';
import { startDemoInChromium, type DemoInChromium } from './support/demo-app.js';

const ARTIFACTS = join('test-artifacts', 'demo-sign-in');
const T0 = Date.UTC(2026, 0, 15, 9, 0, 5);
const HOUR_MS = 60 * 60 * 1000;
let nowMs = T0;
const nextStep = (): void => {
  nowMs += 30_000;
};

let DEMO_USER: typeof import('../examples/demo/server.mjs').DEMO_USER;
let run: DemoInChromium;
let demo: Demo;
let page: Page;
let logs: string[];
let secret = '';
let backupCodes: string[] = [];

beforeAll(async () => {
  run = await startDemoInChromium('demo-sign-in', () => nowMs, ARTIFACTS);
  ({ demo, page, logs } = run);
  ({ DEMO_USER } = run.server);
});

afterAll(async () => {
  await run?.close();
});

const path = (): string => new URL(page.url()).pathname;
const go = async (to: string): Promise<void> => void (await page.goto(new URL(to, demo.url).href));
const andWait = async (target: Locator): Promise<void> => void (await Promise.all([page.waitForEvent('load'), target.click()]));
const button = (name: string): Locator => page.getByRole('button', { name, exact: true });
const field = (label: string): Locator => page.getByLabel(label, { exact: true });
const alerts = async (): Promise<string> => (await page.getByRole('alert').allInnerTexts()).join(' ');
const code = (): string => oathtoolTotp(secret, nowMs);
const challengeCookie = async () => (await page.context().cookies()).find((c) => c.name === 'demo_challenge');

/** Six digits no step of the ±1 window accepts now. */
function wrongCode(): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => oathtoolTotp(secret, nowMs + offset)));
  for (let n = 0; ; n += 111_111) {
    const candidate = String(n % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

async function signInWithPassword(): Promise<void> {
  await go('/login');
  await field('Email').fill(DEMO_USER.email);
  await field('Password').fill(DEMO_USER.password);
  await andWait(button('Sign in'));
}

async function enterCode(value: string): Promise<void> {
  await field('Authentication code').fill(value);
  await andWait(button('Verify'));
}

describe('the sign-in challenge in the demo', () => {
  it('turns 2FA on', async () => {
    await signInWithPassword();
    expect(path()).toBe('/account');
    await go('/settings/security');
    await andWait(button('Enable'));
    secret = (await page.locator('#setup-key').innerText()).replace(/ /g, '');
    await field('Enter the 6-digit code from your app').fill(code());
    await andWait(button('Verify & Enable'));
    backupCodes = await page.locator('#backup-codes code').allInnerTexts();
    expect(backupCodes).toHaveLength(10);
    await andWait(page.getByRole('button', { name: /sign out/i }));
  });

  it('"Sign in as someone else" cancels the challenge: its cookie goes, and the old value signs no one in', async () => {
    await signInWithPassword();
    expect(path()).toBe('/login/code');
    const held = await challengeCookie();
    expect(held).toBeDefined();
    await andWait(button('Sign in as someone else'));
    expect(path()).toBe('/login');
    expect(await challengeCookie()).toBeUndefined();

    // Put back by hand (a copied cookie): the library no longer holds it, so even a right code is refused.
    await page.context().addCookies([held!]);
    await go('/login/code');
    nextStep();
    await enterCode(code());
    expect(path()).toBe('/login');
    expect(await alerts()).toBe('This sign-in is no longer valid. Please sign in again.');
    await go('/account');
    expect(path()).toBe('/login');
    // The code was not spent: a new sign-in takes it.
    await signInWithPassword();
    await enterCode(code());
    expect(path()).toBe('/account');
    await andWait(page.getByRole('button', { name: /sign out/i }));
  });

  it('a challenge past its 5 minutes sends the user back to the password', async () => {
    await signInWithPassword();
    nowMs += 5 * 60_000 + 30_000;
    await enterCode(code());
    expect(path()).toBe('/login');
    expect(await alerts()).toBe('Your sign-in took too long. Please sign in again.');
    expect(await challengeCookie()).toBeUndefined();
    await go('/account');
    expect(path()).toBe('/login');
  });

  it('100 wrong codes in a row lock two-factor sign-in: every code is refused as locked, a backup code too, until support unlocks', async () => {
    // Each round: an hour on (past any back-off wait, and past the challenge's and the session's lives),
    // the password step for a new challenge, one wrong code. Through the demo's routes, not the library.
    const request = page.context().request;
    const form = async (to: string, fields: Record<string, string>) =>
      request.post(new URL(to, demo.url).href, { form: fields, maxRedirects: 0 });
    let rounds = 0;
    while (!logs.some((line) => line.startsWith('[2fa] locked '))) {
      expect(rounds++).toBeLessThan(100);
      nowMs += HOUR_MS;
      const login = await request.get(new URL('/login', demo.url).href);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
      const password = await form('/login', { _csrf: csrf, email: DEMO_USER.email, password: DEMO_USER.password });
      expect(password.headers().location).toBe('/login/code');
      // The password step gave a new session (and CSRF token); the code page shows it.
      const codePage = await request.get(new URL('/login/code', demo.url).href);
      const codeCsrf = /name="_csrf" value="([^"]+)"/.exec(await codePage.text())![1]!;
      const wrong = await form('/login/code', { _csrf: codeCsrf, method: 'totp', code: wrongCode() });
      expect(wrong.status()).toBe(400);
    }
    expect(rounds).toBe(100);
    expect(logs.filter((line) => line.startsWith('[2fa] locked '))).toHaveLength(1);
    expect((await demo.twoFactor.status(DEMO_USER.id)).locked).toBe(true);

    const locked = 'Too many wrong codes: two-factor sign-in for this account is locked. Contact support to unlock it.';
    nowMs += HOUR_MS;
    await signInWithPassword();
    expect(path()).toBe('/login/code');
    await enterCode(code());
    expect(path()).toBe('/login/code');
    expect(await alerts()).toBe(locked);
    await page.screenshot({ path: join(ARTIFACTS, 'locked.png'), fullPage: true });
    await go('/login/code?method=backup');
    await field('Backup code').fill(backupCodes[0]!);
    await andWait(button('Verify'));
    expect(await alerts()).toBe(locked);
    await go('/account');
    expect(path()).toBe('/login');

    // Support, after proving who the caller is: unlock. The same challenge then takes a right code.
    expect(await demo.twoFactor.unlock(DEMO_USER.id)).toBe(true);
    await go('/login/code');
    nextStep();
    await enterCode(code());
    expect(path()).toBe('/account');
  }, 240_000);
});
