// The demo app (examples/demo) end to end in headless Chromium: the enrolment flow a user walks, with the
// QR code read off a screenshot by ZBar and every code computed by oathtool from the secret ZBar decoded —
// nothing in the test computes a code with the library under test. The demo runs on a temporary SQLite
// file with a clock the test moves, so codes are deterministic and throttling is stepped through without
// waiting (the 10-minute windows of "confirm your password" and "confirm with a code" too). Screenshots of
// the main steps go to test-artifacts/demo/.
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../examples/demo/server.mjs';
import { oathtoolTotp, zbarDecodeFile } from './support/browser.js';
import { startDemoInChromium, type DemoInChromium } from './support/demo-app.js';

const ARTIFACTS = join('test-artifacts', 'demo');
// 5 s into a 30 s step, so each `advance(30_000)` lands well inside the next step.
const T0 = Date.UTC(2026, 0, 15, 9, 0, 5);

let nowMs = T0;
const advance = (ms: number): void => {
  nowMs += ms;
};
// Past the demo's 10-minute windows (a password confirmed, a second factor verified), in whole 30 s steps
// (the clock stays 5 s into a step).
const PAST_CONFIRMATION_MS = 10 * 60_000 + 30_000;

let DEMO_USER: typeof import('../examples/demo/server.mjs').DEMO_USER;
let ISSUER: string;
let run: DemoInChromium;
let demo: Demo;
let page: Page;
let dbFile: string;
let logs: string[];

// Learned along the way, as a user would.
let secret = '';
let enableCode = '';
let signInCode = '';
let backupCodes: string[] = [];
let newBackupCodes: string[] = [];
const typedCodes: string[] = [];

beforeAll(async () => {
  run = await startDemoInChromium('demo', () => nowMs, ARTIFACTS);
  ({ demo, page, dbFile, logs } = run);
  ({ DEMO_USER, ISSUER } = run.server);
});

afterAll(async () => {
  await run?.close();
});

// --- what a user does -----------------------------------------------------------------------------------

const path = (): string => new URL(page.url()).pathname;

async function go(to: string): Promise<void> {
  await page.goto(new URL(to, demo.url).href);
}

/** Clicks and waits for the page it leads to (a form POST answers 303 + GET, or a re-rendered page). */
async function andWait(target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), target.click()]);
}

const button = (name: string): Locator => page.getByRole('button', { name, exact: true });
const link = (name: string): Locator => page.getByRole('link', { name, exact: true });
const mainText = (): Promise<string> => page.locator('main').innerText();
const alerts = async (): Promise<string> => (await page.getByRole('alert').allInnerTexts()).join(' ');

async function shot(name: string): Promise<string> {
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function signInWithPassword(password = DEMO_USER.password): Promise<void> {
  await go('/login');
  await page.getByLabel('Email', { exact: true }).fill(DEMO_USER.email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await andWait(button('Sign in'));
}

/** On the "Confirm with a code" page: types a code (of an app, or a backup code) and submits. */
async function confirmWithCode(value: string): Promise<void> {
  expect(path()).toBe('/confirm-code');
  typedCodes.push(value);
  await page.getByLabel('Code', { exact: true }).fill(value);
  await andWait(button('Confirm'));
}

/** On the "Confirm your password" page: types the password and submits. */
async function confirmPassword(password = DEMO_USER.password): Promise<void> {
  expect(path()).toBe('/confirm-password');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await andWait(button('Confirm password'));
}

const nextParam = (): string | null => new URL(page.url()).searchParams.get('next');
const auditCount = (type: string): number => logs.filter((line) => line.startsWith(`[2fa] ${type} `)).length;

async function signOut(): Promise<void> {
  await andWait(page.getByRole('button', { name: /sign out/i }));
  expect(path()).toBe('/login');
}

async function enterCode(label: string, code: string, submit: string): Promise<void> {
  typedCodes.push(code);
  await page.getByLabel(label, { exact: true }).fill(code);
  await andWait(button(submit));
}

const code = (atMs = nowMs): string => oathtoolTotp(secret, atMs);

/** Six digits that no step of the ±1 window accepts right now. */
function wrongCode(): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => code(nowMs + offset)));
  for (let n = 0; ; n += 111_111) {
    const candidate = String(n % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

// --- the flow ---------------------------------------------------------------------------------------------

describe('demo app in headless Chromium', () => {
  it('serves the sign-in page with an HttpOnly SameSite=Lax session cookie and refuses a POST without the CSRF token', async () => {
    const response = await fetch(new URL('/login', demo.url));
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^demo_sid=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const session = cookie.split(';')[0]!;
    const post = (body: Record<string, string>) =>
      fetch(new URL('/login', demo.url), { method: 'POST', redirect: 'manual', headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    expect((await post({ email: DEMO_USER.email, password: DEMO_USER.password })).status).toBe(403);
    expect((await post({ _csrf: `${csrf!.startsWith('A') ? 'B' : 'A'}${csrf!.slice(1)}`, email: DEMO_USER.email, password: DEMO_USER.password })).status).toBe(403);
    const accepted = await post({ _csrf: csrf!, email: DEMO_USER.email, password: DEMO_USER.password });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe('/account');
    // A new session id once the password is accepted (no session fixation).
    expect(accepted.headers.get('set-cookie')?.split(';')[0]).not.toBe(session);

    // A page on another site reaching 127.0.0.1 through DNS rebinding sends its own Host name.
    const rebound = await new Promise<number>((resolve, reject) => {
      get(new URL('/login', demo.url), { headers: { host: `attacker.example:${demo.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(rebound).toBe(421);
  });

  it('signs in with email and password and finds Two-Factor Authentication on the Security tab', async () => {
    await go('/');
    expect(path()).toBe('/login');
    await shot('01-sign-in');

    await signInWithPassword('wrong password');
    expect(await alerts()).toBe('Email or password is incorrect.');

    await signInWithPassword();
    expect(path()).toBe('/account');
    expect(await page.locator('h1').innerText()).toBe('Your account');
    expect(await mainText()).toContain('Two-factor authentication: Off');
    await shot('02-dashboard');

    await andWait(link('Settings'));
    await andWait(link('Security'));
    expect(path()).toBe('/settings/security');
    expect(await page.getByRole('link', { name: 'Security' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('heading', { name: 'Two-Factor Authentication' }).count()).toBe(1);
    expect(await mainText()).toContain('Status: Off');
  });

  it('asks to confirm the password before Enable once the sign-in is over 10 minutes old, refuses a wrong one, then goes on', async () => {
    advance(PAST_CONFIRMATION_MS);
    await andWait(button('Enable'));
    expect(path()).toBe('/confirm-password');
    expect(nextParam()).toBe('/settings/security/2fa/enable');
    expect(await page.locator('h1').innerText()).toBe('Confirm your password');
    expect(await mainText()).toContain('To turn on two-factor authentication, confirm your password first.');
    const field = page.getByLabel('Password', { exact: true });
    expect(await field.getAttribute('type')).toBe('password');
    expect(await field.getAttribute('autocomplete')).toBe('current-password');
    expect(await page.locator('form[action="/confirm-password"] input[name="_csrf"]').getAttribute('value')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await shot('03-confirm-password');
    // Nothing was started behind the prompt.
    expect(auditCount('enrollment-started')).toBe(0);

    await confirmPassword('wrong password');
    expect(path()).toBe('/confirm-password');
    expect(await alerts()).toBe('That password is incorrect.');
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(auditCount('enrollment-started')).toBe(0);

    await confirmPassword();
    expect(path()).toBe('/settings/security/2fa/setup');
    expect(auditCount('enrollment-started')).toBe(1);
  });

  it('enables 2FA: the browser draws the QR code, ZBar reads it off a screenshot, oathtool’s code confirms', async () => {
    expect(path()).toBe('/settings/security/2fa/setup');
    const qr = page.getByRole('img', { name: /QR code for your authenticator app/ });
    await qr.waitFor();

    // The server sends the URI only; the SVG is drawn by the client script.
    const served = await page.evaluate(() => fetch(location.href).then((r) => r.text()));
    expect(served).not.toContain('<svg');
    expect(served).toContain('data-otpauth-uri="otpauth://totp/');

    const decoded = zbarDecodeFile(await shot('04-setup-qr'));
    expect(decoded).toHaveLength(1);
    const uri = new URL(decoded[0]!);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname.slice(1))).toBe(`${ISSUER}:${DEMO_USER.email}`);
    expect(uri.searchParams.get('issuer')).toBe(ISSUER);
    for (const [name, value] of [['algorithm', 'SHA1'], ['digits', '6'], ['period', '30']] as const) {
      expect([null, value]).toContain(uri.searchParams.get(name));
    }
    secret = uri.searchParams.get('secret') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 20 bytes
    // The setup key under the code is the same secret, grouped for typing.
    const setupKey = await page.locator('#setup-key').innerText();
    expect(setupKey).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(setupKey.replace(/ /g, '')).toBe(secret);

    const field = page.getByLabel('Enter the 6-digit code from your app', { exact: true });
    expect(await field.getAttribute('inputmode')).toBe('numeric');
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code');

    await enterCode('Enter the 6-digit code from your app', wrongCode(), 'Verify & Enable');
    expect(path()).toBe('/settings/security/2fa/confirm');
    expect(await alerts()).toBe('That code is not valid.');
    expect(await page.getByLabel('Enter the 6-digit code from your app', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    enableCode = code();
    await enterCode('Enter the 6-digit code from your app', enableCode, 'Verify & Enable');
    expect(path()).toBe('/settings/security/2fa/backup-codes');
    backupCodes = await page.locator('#backup-codes code').allInnerTexts();
    expect(backupCodes).toHaveLength(10);
    for (const c of backupCodes) expect(c).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    expect(new Set(backupCodes).size).toBe(10);
    await shot('05-backup-codes');

    // At rest the secret is AES-256-GCM sealed: neither it nor the backup codes are in the database.
    const db = new Database(dbFile, { readonly: true });
    try {
      const row = db.prepare('SELECT record FROM two_factor WHERE user_id = ?').get(DEMO_USER.id) as { record: string };
      expect(JSON.parse(row.record).factors[0].secret.alg).toBe('A256GCM');
      expect(row.record).not.toContain(secret);
      for (const c of backupCodes) expect(row.record).not.toContain(c);
    } finally {
      db.close();
    }
  });

  it('shows the backup codes once, with a .txt download and a print layout', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), button('Download').click()]);
    expect(download.suggestedFilename()).toBe('inworkjobs-demo-backup-codes.txt');
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.split('\n')[0]).toBe(`${ISSUER} backup codes for ${DEMO_USER.email}`);
    for (const c of backupCodes) expect(text.split('\n')).toContain(c);

    expect(await button('Print').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    try {
      // On paper: the codes, without buttons, navigation or tabs.
      expect(await page.locator('#backup-codes').isVisible()).toBe(true);
      expect(await button('Print').isVisible()).toBe(false);
      expect(await button('Download').isVisible()).toBe(false);
      expect(await page.getByRole('navigation', { name: 'Settings' }).isVisible()).toBe(false);
      await shot('06-backup-codes-print');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }

    await page.reload();
    expect(await page.locator('#backup-codes').count()).toBe(0);
    expect(await mainText()).toContain('Backup codes are shown only once');

    await go('/settings/security');
    expect(await mainText()).toContain('Status: On');
    expect(await page.locator('#backup-codes-left').innerText()).toBe('Backup codes left: 10.');
  });

  it('asks for the 6-digit code after the password, refuses the code that enabled 2FA, accepts the next one', async () => {
    await signOut();
    expect(await page.getByRole('status').innerText()).toBe('You are signed out.');
    await signInWithPassword();
    expect(path()).toBe('/login/code');
    // Between the two steps the browser holds the library's challenge, and the session nothing of it.
    const challenge = (await page.context().cookies()).find((c) => c.name === 'demo_challenge');
    expect(challenge?.value).toMatch(/^tfc1\./);
    expect(challenge?.httpOnly).toBe(true);
    expect(challenge?.sameSite).toBe('Lax');
    expect(challenge?.secure).toBe(false);
    expect(challenge?.path).toBe('/login');
    const lifeS = challenge!.expires - Date.now() / 1000; // Max-Age: the challenge's 5 minutes
    expect(lifeS).toBeGreaterThan(300 - 60);
    expect(lifeS).toBeLessThanOrEqual(300);
    expect(await page.evaluate(() => document.cookie)).not.toContain('tfc1.');
    const field = page.getByLabel('Authentication code', { exact: true });
    expect(await field.getAttribute('inputmode')).toBe('numeric');
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code');
    await shot('07-second-step');

    // The account pages stay closed until the second step is passed.
    await go('/account');
    expect(path()).toBe('/login');
    await go('/login/code');

    await enterCode('Authentication code', enableCode, 'Verify');
    expect(await alerts()).toBe('That code has already been used. Wait for the next code in your app. 4 attempts left.');

    advance(30_000);
    signInCode = code();
    await enterCode('Authentication code', signInCode, 'Verify');
    expect(path()).toBe('/account');
    expect(await mainText()).toContain('Two-factor authentication: On');
    // Signed in: the challenge is spent and its cookie gone.
    expect((await page.context().cookies()).some((c) => c.name === 'demo_challenge')).toBe(false);
  });

  it('refuses the same sign-in code a second time', async () => {
    await signOut();
    await signInWithPassword();
    expect(path()).toBe('/login/code');
    await enterCode('Authentication code', signInCode, 'Verify');
    expect(path()).toBe('/login/code');
    expect(await alerts()).toBe('That code has already been used. Wait for the next code in your app. 4 attempts left.');
  });

  it('after repeated wrong codes says how long to wait, refuses even a right code until then, and counts down with the clock; the 5th wrong code sends the user back to the password', async () => {
    // One failure so far (the replay); the default policy lets 3 pass without a wait.
    for (const left of [3, 2]) {
      await enterCode('Authentication code', wrongCode(), 'Verify');
      expect(await alerts()).toBe(`That code is not valid. ${left} attempts left.`);
    }
    await enterCode('Authentication code', wrongCode(), 'Verify');
    expect(await alerts()).toBe('That code is not valid. Too many attempts. Try again in 1 second. 1 attempt left.');

    const nextStepCode = code(nowMs + 30_000); // inside the ±1 window and never used
    await enterCode('Authentication code', nextStepCode, 'Verify');
    expect(await alerts()).toBe('Too many attempts. Try again in 1 second.');

    // The challenge's 5th wrong code spends it: guessing on needs the password again.
    advance(1_000);
    await enterCode('Authentication code', wrongCode(), 'Verify');
    expect(path()).toBe('/login');
    expect(await alerts()).toBe('That code is not valid. Too many attempts. Try again in 2 seconds. Please sign in again.');
    expect((await page.context().cookies()).some((c) => c.name === 'demo_challenge')).toBe(false);
    await go('/login/code');
    expect(path()).toBe('/login');

    // A new challenge brings no new guesses: the user's one budget still asks for the wait.
    await signInWithPassword();
    expect(path()).toBe('/login/code');
    await enterCode('Authentication code', nextStepCode, 'Verify');
    expect(await alerts()).toBe('Too many attempts. Try again in 2 seconds.');
    await shot('08-throttled');

    advance(1_500);
    await enterCode('Authentication code', nextStepCode, 'Verify');
    expect(await alerts()).toBe('Too many attempts. Try again in 1 second.');
    expect(path()).toBe('/login/code');
    advance(500);
  });

  it('signs in with a backup code instead, and refuses the same backup code the second time', async () => {
    await andWait(link('Use a backup code'));
    const field = page.getByLabel('Backup code', { exact: true });
    expect(await field.getAttribute('autocomplete')).toBe('one-time-code');
    await enterCode('Backup code', backupCodes[0]!, 'Verify');
    expect(path()).toBe('/account');
    expect(await page.getByRole('status').innerText()).toBe('Signed in with a backup code. 9 backup codes left.');
    await shot('09-signed-in-with-backup-code');

    await signOut();
    await signInWithPassword();
    await andWait(link('Use a backup code'));
    await enterCode('Backup code', backupCodes[0]!, 'Verify');
    expect(path()).toBe('/login/code');
    // A used backup code counts on the challenge like a wrong one, with the attempts left.
    expect(await alerts()).toBe('That backup code is not valid or has already been used. 4 attempts left.');

    await andWait(link('Use your authenticator app'));
    advance(30_000);
    await enterCode('Authentication code', code(), 'Verify');
    expect(path()).toBe('/account');
  });

  it('regenerates the backup codes with a valid code once a second factor is confirmed again; the old ones stop working', async () => {
    await go('/settings/security');
    expect(await page.locator('#backup-codes-left').innerText()).toBe('Backup codes left: 9.');
    const label = 'Code from your app to regenerate backup codes';
    // Signed in with a code moments ago (its verifiedAt): no prompt yet, the code itself is checked.
    await enterCode(label, wrongCode(), 'Regenerate backup codes');
    expect(await alerts()).toBe('That code is not valid.');

    advance(PAST_CONFIRMATION_MS);
    const failures = auditCount('verification-failed');
    await enterCode(label, wrongCode(), 'Regenerate backup codes');
    expect(path()).toBe('/confirm-code');
    expect(nextParam()).toBe('/settings/security/2fa/regenerate');
    expect(await page.locator('h1').innerText()).toBe('Confirm with a code');
    expect(await mainText()).toContain('To regenerate your backup codes, enter a current code from one of your apps or tokens, or an unused backup code.');
    await shot('10-confirm-with-a-code');
    // The code typed into the gated form was neither checked nor counted.
    expect(auditCount('verification-failed')).toBe(failures);
    await confirmWithCode(wrongCode());
    expect(path()).toBe('/confirm-code');
    expect(await alerts()).toBe('That code is not valid.');
    await confirmWithCode(code());
    // Back to the form (the code typed before is not kept), with the code field focused.
    expect(path()).toBe('/settings/security');
    expect(await page.getByRole('status').innerText()).toBe('Confirmed. Enter the next code from your app to regenerate your backup codes (the one you just typed is used up).');
    expect(await page.getByLabel(label, { exact: true }).evaluate((el) => el === document.activeElement)).toBe(true);

    advance(30_000);
    await enterCode(label, code(), 'Regenerate backup codes');
    expect(path()).toBe('/settings/security/2fa/backup-codes');
    newBackupCodes = await page.locator('#backup-codes code').allInnerTexts();
    expect(newBackupCodes).toHaveLength(10);
    for (const c of newBackupCodes) expect(backupCodes).not.toContain(c);
    await shot('11-regenerated-backup-codes');

    await signOut();
    await signInWithPassword();
    await andWait(link('Use a backup code'));
    await enterCode('Backup code', backupCodes[1]!, 'Verify');
    expect(await alerts()).toBe('That backup code is not valid or has already been used. 4 attempts left.');
    await enterCode('Backup code', newBackupCodes[0]!, 'Verify');
    expect(path()).toBe('/account');
    expect(await page.getByRole('status').innerText()).toBe('Signed in with a backup code. 9 backup codes left.');
  });

  it('disables 2FA with a valid code once a second factor is confirmed again (a password is not enough), no open redirect; the next sign-in needs the password only, and Enable asks for it again later — wrong passwords slowed down', async () => {
    await go('/settings/security');
    const label = 'Code from your app to disable two-factor authentication';
    // Settings change with an authenticator code only, not a backup code.
    await enterCode(label, newBackupCodes[1]!, 'Disable 2FA');
    expect(await alerts()).toBe('That code is not valid.');
    expect(await mainText()).toContain('Status: On');

    advance(PAST_CONFIRMATION_MS);
    // Even a right code does not get past the prompt, and is not used up by it.
    const pendingCode = code();
    await enterCode(label, pendingCode, 'Disable 2FA');
    expect(path()).toBe('/confirm-code');
    expect(nextParam()).toBe('/settings/security/2fa/disable');
    expect(await mainText()).toContain('To turn off two-factor authentication, enter a current code');
    expect(auditCount('disabled')).toBe(0);

    // The return paths come from fixed lists: anything else goes to the Security tab, never off-site.
    const cookie = (await page.context().cookies(demo.url)).find((c) => c.name === 'demo_sid')!;
    const headers = { cookie: `demo_sid=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded' };
    const csrf = (await page.locator('input[name="_csrf"]').first().getAttribute('value'))!;
    for (const next of ['https://attacker.example/', '//attacker.example/', '/\\attacker.example', '/settings/security/2fa/disable/../../../x', '/login']) {
      for (const prompt of ['/confirm-password', '/confirm-code']) {
        const form = await fetch(new URL(`${prompt}?next=${encodeURIComponent(next)}`, demo.url), { headers });
        expect(form.status).toBe(200);
        expect(await form.text()).toContain('<input type="hidden" name="next" value="/settings/security">');
      }
      const posted = await fetch(new URL('/confirm-password', demo.url), {
        method: 'POST',
        redirect: 'manual',
        headers,
        body: new URLSearchParams({ _csrf: csrf, next, password: DEMO_USER.password }),
      });
      expect(posted.status).toBe(303);
      expect(posted.headers.get('location')).toBe('/settings/security');
    }
    // A password just confirmed does not open the settings that need a second factor.
    const withPassword = await fetch(new URL('/settings/security/2fa/disable', demo.url), {
      method: 'POST',
      redirect: 'manual',
      headers,
      body: new URLSearchParams({ _csrf: csrf, code: pendingCode }),
    });
    expect(withPassword.status).toBe(303);
    expect(withPassword.headers.get('location')).toBe('/confirm-code?next=%2Fsettings%2Fsecurity%2F2fa%2Fdisable');

    // A backup code confirms it is you; the code typed before the prompt is still good: the prompt neither
    // checked nor used it.
    await confirmWithCode(newBackupCodes[1]!);
    expect(path()).toBe('/settings/security');
    expect(await page.getByRole('status').innerText()).toBe('Confirmed. Enter the next code from your app to turn off two-factor authentication (the one you just typed is used up).');
    await enterCode(label, pendingCode, 'Disable 2FA');
    expect(path()).toBe('/settings/security');
    expect(await page.getByRole('status').innerText()).toBe('Two-factor authentication is off.');
    expect(await mainText()).toContain('Status: Off');
    await shot('12-disabled');

    await signOut();
    await signInWithPassword();
    expect(path()).toBe('/account');
    expect(await mainText()).toContain('Two-factor authentication: Off');

    // The password typed at sign-in (no code followed it) counts as a confirmation: Enable goes straight to the set-up.
    await go('/settings/security');
    await andWait(button('Enable'));
    expect(path()).toBe('/settings/security/2fa/setup');

    // Ten minutes on, Enable asks for the password again. Wrong passwords: five without a wait (the account's
    // sign-in budget, which the right password at sign-in reset), then 1 s, 2 s, …; a wait refuses even the
    // right one.
    advance(PAST_CONFIRMATION_MS);
    await go('/settings/security');
    await andWait(button('Enable'));
    expect(path()).toBe('/confirm-password');
    for (let i = 0; i < 5; i++) {
      await confirmPassword(`wrong password ${i}`);
      expect(await alerts()).toBe('That password is incorrect.');
    }
    await confirmPassword('wrong password 5');
    expect(await alerts()).toBe('That password is incorrect. Too many attempts. Try again in 1 second.');
    await confirmPassword();
    expect(path()).toBe('/confirm-password');
    expect(await alerts()).toBe('Too many attempts. Try again in 1 second.');
    await shot('13-confirm-password-wait');
    advance(1_000);
    await confirmPassword();
    expect(path()).toBe('/settings/security/2fa/setup');
  });

  it('logged each audit event, and no line holds the secret or any code', () => {
    const types = logs.filter((line) => line.startsWith('[2fa] ')).map((line) => line.split(' ')[1]);
    for (const type of ['enrollment-started', 'verification-failed', 'enabled', 'throttled', 'backup-code-used', 'backup-codes-regenerated', 'disabled']) {
      expect(types).toContain(type);
    }
    const secrets = [secret, DEMO_USER.password, ...typedCodes, ...backupCodes, ...newBackupCodes];
    expect(secrets.length).toBeGreaterThan(30);
    // Bounded by non-digits: a 6-digit code may occur inside a 13-digit timestamp by chance.
    const patterns = secrets.map((s) => new RegExp(`(?<![0-9])${s}(?![0-9])`));
    for (const line of logs) for (const pattern of patterns) expect(line).not.toMatch(pattern);
  });
});
