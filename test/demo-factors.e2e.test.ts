// The demo's factor management (examples/demo/flows/factors.mjs) end to end in headless Chromium: enable 2FA,
// add a second app with the first one's code as proof (its QR code read by ZBar), sign in with the second,
// remove the first, register an HOTP hardware token whose codes come from `oathtool --hotp`, and sign in
// with the token. Every code is computed by oathtool; the demo runs on a temporary SQLite file with a clock
// the test moves. Screenshots go to test-artifacts/demo-factors/.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../examples/demo/server.mjs';
import { oathtoolTotp, zbarDecodeFile } from './support/browser.js';
import { startDemoInChromium, type DemoInChromium } from './support/demo-app.js';
import { oathHotp } from './support/oathtool.js';

const ARTIFACTS = join('test-artifacts', 'demo-factors');
const T0 = Date.UTC(2026, 0, 15, 9, 0, 5);
let nowMs = T0;
const nextStep = (): void => {
  nowMs += 30_000;
};

let DEMO_USER: typeof import('../examples/demo/server.mjs').DEMO_USER;
let run: DemoInChromium;
let demo: Demo;
let page: Page;
let logs: string[];

// A hardware token's secret, as printed on its card (base32), and the secrets ZBar/the page give us.
const TOKEN_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBV';
let firstApp = '';
let secondApp = '';
let backupCodes: string[] = [];

beforeAll(async () => {
  run = await startDemoInChromium('demo-factors', () => nowMs, ARTIFACTS);
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
const factorNames = async (): Promise<string[]> => page.locator('#factors tbody th').allInnerTexts();
const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

async function signIn(code: string): Promise<void> {
  await go('/login');
  await field('Email').fill(DEMO_USER.email);
  await field('Password').fill(DEMO_USER.password);
  await andWait(button('Sign in'));
  expect(path()).toBe('/login/code');
  await field('Authentication code').fill(code);
  await andWait(button('Verify'));
}

/** The otpauth URI ZBar reads off the QR code on the page, and the secret in it. */
async function secretFromQr(name: string): Promise<string> {
  await page.locator('#qr svg').waitFor();
  const file = join(ARTIFACTS, `${name}.png`);
  await page.locator('#qr').screenshot({ path: file });
  const [uri] = zbarDecodeFile(file);
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  return new URL(uri!).searchParams.get('secret')!;
}

describe('several second factors in the demo', () => {
  it('turns 2FA on with a first app', async () => {
    await go('/login');
    await field('Email').fill(DEMO_USER.email);
    await field('Password').fill(DEMO_USER.password);
    await andWait(button('Sign in'));
    await go('/settings/security');
    await andWait(button('Enable'));
    expect(path()).toBe('/settings/security/2fa/setup');
    firstApp = await secretFromQr('01-first-app-qr');
    await field('Enter the 6-digit code from your app').fill(oathtoolTotp(firstApp, nowMs));
    await andWait(button('Verify & Enable'));
    expect(path()).toBe('/settings/security/2fa/backup-codes');
    backupCodes = await page.locator('#backup-codes code').allInnerTexts();
    expect(backupCodes).toHaveLength(10);
    await go('/settings/security');
    expect(await factorNames()).toEqual(['Authenticator app']);
  });

  // The takeover of issue 22: a password and a backup code add an attacker's app, whose codes then remove the
  // owner's. Older factors outrank newer ones (docs/security.md, "Probation").
  it("an app added with a backup code as proof is on probation: its code cannot remove the first app, turn 2FA off or replace the backup codes; the first app's code removes it at once", async () => {
    await field('Name of the new app').fill('New phone');
    await andWait(button('Add another app'));
    const newApp = await secretFromQr('02-probation-app-qr');
    nextStep();
    await field('Code from the new app').fill(oathtoolTotp(newApp, nowMs));
    await field('Code to confirm it is you (app)').fill(backupCodes[0]!);
    await andWait(button('Add app'));
    expect(path()).toBe('/settings/security');
    expect(await factorNames()).toEqual(['Authenticator app', 'New phone']);
    const added = logs.filter((line) => line.startsWith('[2fa] factor-added ')).at(-1)!;
    expect(JSON.parse(added.slice(added.indexOf('{'))).proof).toBe('backup-code');

    // A refusal for probation spends nothing, so the new app's one code is tried on all three.
    nextStep();
    const newCode = oathtoolTotp(newApp, nowMs);
    const probation = 'This method was added recently; it can remove older methods, turn off two-factor authentication or replace the backup codes in 72 hours. Use an older method or wait.';
    await field('Code to remove Authenticator app').fill(newCode);
    await andWait(button('Remove Authenticator app'));
    expect(await alerts()).toBe(probation);
    expect(await factorNames()).toEqual(['Authenticator app', 'New phone']);
    await shot('02-probation-refused');
    await field('Code from your app to regenerate backup codes').fill(newCode);
    await andWait(button('Regenerate backup codes'));
    expect(await alerts()).toBe(probation);
    await field('Code from your app to disable two-factor authentication').fill(newCode);
    await andWait(button('Disable 2FA'));
    expect(await alerts()).toBe(probation);
    expect((await demo.twoFactor.status(DEMO_USER.id)).state).toBe('enabled');
    expect(await page.locator('#backup-codes-left').innerText()).toBe('Backup codes left: 9.');

    await field('Code to remove New phone').fill(oathtoolTotp(firstApp, nowMs));
    await andWait(button('Remove New phone'));
    expect(await alerts()).toBe('');
    expect(await factorNames()).toEqual(['Authenticator app']);
  });

  it("adds a second app with the first one's code as proof; a wrong proof is refused", async () => {
    await field('Name of the new app').fill('Work phone');
    await andWait(button('Add another app'));
    expect(path()).toBe('/settings/security/factors/app');
    secondApp = await secretFromQr('02-second-app-qr');
    expect(secondApp).not.toBe(firstApp);
    nextStep();
    await field('Code from the new app').fill(oathtoolTotp(secondApp, nowMs));
    await field('Code to confirm it is you (app)').fill(oathtoolTotp(secondApp, nowMs));
    await andWait(button('Add app'));
    expect(await alerts()).toContain('That code is not valid.');
    await field('Code from the new app').fill(oathtoolTotp(secondApp, nowMs));
    await field('Code to confirm it is you (app)').fill(oathtoolTotp(firstApp, nowMs));
    await andWait(button('Add app'));
    expect(path()).toBe('/settings/security');
    expect(await factorNames()).toEqual(['Authenticator app', 'Work phone']);
    await shot('03-two-apps');
  });

  // The second app is on probation for 72 hours (docs/security.md, "Probation"): a code of the first app removes the first.
  it('signs in with the second app, then removes the first with a code from the first', async () => {
    await andWait(page.getByRole('button', { name: /sign out/i }));
    nextStep();
    await signIn(oathtoolTotp(secondApp, nowMs));
    expect(path()).toBe('/account');
    await go('/settings/security');
    const lastUsed = await page.locator('#factors tbody tr.factor').nth(1).locator('td').nth(2).innerText();
    expect(lastUsed).toContain('2026-01-15');
    nextStep();
    await field('Code to remove Authenticator app').fill(oathtoolTotp(firstApp, nowMs));
    await andWait(button('Remove Authenticator app'));
    expect(await factorNames()).toEqual(['Work phone']);
    expect(logs.some((line) => line.startsWith('[2fa] factor-removed '))).toBe(true);
  });

  it('renames a factor; a name over 64 characters is refused', async () => {
    await field('New name for Work phone').fill('x'.repeat(65));
    await andWait(button('Rename Work phone'));
    expect(await alerts()).toContain('A name has 1–64 characters');
    expect(await factorNames()).toEqual(['Work phone']);
    await field('New name for Work phone').fill('Pixel');
    await andWait(button('Rename Work phone'));
    expect(await factorNames()).toEqual(['Pixel']);
  });

  it('registers an HOTP hardware token whose codes come from oathtool --hotp, and signs in with it', async () => {
    const [c0, c1, c2] = oathHotp(TOKEN_SECRET, 0, 3);
    nextStep();
    await field('Name of the token').fill('YubiKey 5');
    await field('Token secret (base32)').fill(TOKEN_SECRET);
    await field('First code from the token').fill(c0!);
    await field('Next code from the token').fill(c1!);
    await field('Code to confirm it is you (token)').fill(oathtoolTotp(secondApp, nowMs));
    await andWait(button('Add hardware token'));
    expect(await alerts()).toBe('');
    expect(await factorNames()).toEqual(['Pixel', 'YubiKey 5']);
    expect(await page.locator('#factors tbody tr.factor').nth(1).innerText()).toContain('Hardware token (HOTP)');
    await shot('04-token');
    await andWait(page.getByRole('button', { name: /sign out/i }));
    await signIn(c2!);
    expect(path()).toBe('/account');
    // The token's code works once.
    await andWait(page.getByRole('button', { name: /sign out/i }));
    await signIn(c2!);
    expect(path()).toBe('/login/code');
    expect(await alerts()).toContain('not valid');
    expect(logs.join('\n')).not.toContain(TOKEN_SECRET);
  });

  it('removing a factor, like disabling, needs a second factor verified in the last 10 minutes (removing them one by one turns 2FA off)', async () => {
    const [, , , c3, c4] = oathHotp(TOKEN_SECRET, 0, 5);
    await field('Authentication code').fill(c3!);
    await andWait(button('Verify'));
    expect(path()).toBe('/account');
    // A session left open past the window (an unlocked computer, a stolen cookie).
    nowMs += 11 * 60_000;
    await go('/settings/security');
    await field('Code to remove Pixel').fill(oathtoolTotp(secondApp, nowMs));
    await andWait(button('Remove Pixel'));
    expect(path()).toBe('/confirm-code');
    await go('/settings/security');
    expect(await factorNames()).toEqual(['Pixel', 'YubiKey 5']);
    await go('/confirm-code?next=%2Fsettings%2Fsecurity%2Ffactors%2Fremove');
    await field('Code').fill(oathtoolTotp(secondApp, nowMs));
    await andWait(button('Confirm'));
    expect(path()).toBe('/settings/security');
    // The token's own code removes it (and Pixel, older than the token, could too).
    await field('Code to remove YubiKey 5').fill(c4!);
    await andWait(button('Remove YubiKey 5'));
    expect(await factorNames()).toEqual(['Pixel']);
  });

  it('with 2FA off, the add-a-factor routes cannot turn it on without a recent password (Enable asks for one)', async () => {
    nextStep();
    await field('Code to remove Pixel').fill(oathtoolTotp(secondApp, nowMs));
    await andWait(button('Remove Pixel'));
    expect(await page.locator('#factors').count()).toBe(0);
    // A session left open (or a stolen cookie) past the confirmation window, posting the forms itself.
    nowMs += 11 * 60_000;
    const [h0, h1] = oathHotp(TOKEN_SECRET, 100, 2);
    const forms: [string, Record<string, string>][] = [
      ['/settings/security/factors/app', { label: 'Attacker phone' }],
      ['/settings/security/factors/token', { label: 'Attacker token', secret: TOKEN_SECRET, code1: h0!, code2: h1!, proof: '' }],
    ];
    for (const [action, fields] of forms) {
      await go('/settings/security');
      await Promise.all([
        page.waitForEvent('load'),
        page.evaluate(
          ([to, values]) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = to;
            const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
            for (const [name, value] of Object.entries({ ...values, _csrf: csrf })) {
              const input = document.createElement('input');
              input.name = name;
              input.value = value;
              form.append(input);
            }
            document.body.append(form);
            form.submit();
          },
          [action, fields] as const,
        ),
      ]);
      expect(path(), action).toBe('/confirm-password');
    }
    expect((await demo.twoFactor.status(DEMO_USER.id)).state).toBe('disabled');
  });
});
