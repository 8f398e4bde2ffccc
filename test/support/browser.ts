// Real tools for the browser tests: Debian's Chromium driven by playwright-core, ZBar reading QR codes off
// screenshots, and oathtool computing TOTP codes — each independent of the library under test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium with a fresh profile directory. A missing browser is an error, never a skip:
 * CI installs Debian's `chromium`, and a browser test that quietly does not run proves nothing.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (or set CHROMIUM_PATH)`);
  const profile = mkdtempSync(join(tmpdir(), 'demo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
    viewport: { width: 1000, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Every QR code ZBar finds in an image file (PNG), as text, or [] when there is none. */
export function zbarDecodeFile(path: string): string[] {
  try {
    const out = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n').filter((line) => line.length > 0);
  } catch (error) {
    // zbarimg exits 4 when the image holds no code; anything else is a real failure.
    if ((error as { status?: number }).status === 4) return [];
    throw error;
  }
}

/** The TOTP code oathtool computes for a base32 secret at `timeMs` (SHA-1, 6 digits, 30 s). */
export function oathtoolTotp(base32Secret: string, timeMs: number): string {
  const seconds = Math.floor(timeMs / 1000);
  return execFileSync('oathtool', ['--totp', '-b', base32Secret, '-N', `@${seconds}`], { encoding: 'utf8' }).trim();
}
