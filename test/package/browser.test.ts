// The library in a real browser: headless Chromium (Debian's, driven by playwright-core, no download)
// loads a page whose script is the built dist/ ESM of the core, `/qr` and `/server`, bundled by esbuild for
// the browser the way a frontend bundles it (the dist files import bare package names, and two runtime
// dependencies are CommonJS, which no import map can load). In the page: the RFC 6238 codes, a URI, a QR
// code shown inline and as <img>, screenshotted and read back by real decoders; and a whole enrol → confirm
// → verify flow of the service on MemoryStore with AES-GCM sealing, which needs WebCrypto only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOtpauthUri } from '../../src/uri/parse.js';
import { launchChromium } from '../support/browser.js';
import { bundleForBrowser, root } from '../support/browser-bundle.js';
import { buildIfMissing } from '../support/pack.js';
import { decodeWithJsqr, decodeWithZxing, type Raster } from '../support/qr-decode.js';

const FIXTURE = join(root, 'test/package/browser-app');
const ARTIFACTS = join(root, 'test-artifacts');

// pngjs comes with the `qrcode` dev dependency; CommonJS, no bundled types.
const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { read(png: Buffer): { width: number; height: number; data: Buffer } } };
};

const rfc6238 = JSON.parse(readFileSync(join(root, 'vectors/rfc6238.json'), 'utf8')) as {
  secrets: Record<string, { base32: string }>;
  vectors: { time: number; algorithm: string; totp: string }[];
};

let server: Server;
let origin = '';
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  buildIfMissing();
  // Built-ins are not forbidden here (test/package/builtins.test.ts does that): this is what a frontend's esbuild makes.
  const { code: app, inputs } = await bundleForBrowser(readFileSync(join(FIXTURE, 'app.js'), 'utf8'), { plugins: [] });
  expect(inputs).toEqual(expect.arrayContaining(['dist/index.js', 'dist/qr.js', 'dist/server.js']));
  const files: Record<string, [string, string]> = {
    '/': [readFileSync(join(FIXTURE, 'index.html'), 'utf8'), 'text/html; charset=utf-8'],
    '/app.js': [app, 'text/javascript; charset=utf-8'],
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[1] ?? 'text/plain' }).end(file?.[0] ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // A missing Chromium throws here (a failure, never a skip): `.ci/run` installs Debian's `chromium`.
  browser = await launchChromium();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="yes"]', { timeout: 15_000 });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

// The page's globals, for the functions below that run inside the page.
type Lib = { core: typeof import('../../src/index.js'); qr: typeof import('../../src/qr.js'); server: typeof import('../../src/server/index.js') };
declare const twoFactor: Lib;

describe('in headless Chromium, from the built ESM', () => {
  it('is a browser, not Node: no Buffer, no process, a secure context with crypto.subtle', async () => {
    const env = await page.evaluate(() => ({
      buffer: typeof (globalThis as Record<string, unknown>).Buffer,
      process: typeof (globalThis as Record<string, unknown>).process,
      secure: isSecureContext,
      subtle: typeof crypto.subtle?.encrypt,
      userAgent: navigator.userAgent,
    }));
    expect(env).toMatchObject({ buffer: 'undefined', process: 'undefined', secure: true, subtle: 'function' });
    expect(env.userAgent).toMatch(/HeadlessChrome|Chrome/);
  });

  it('generateTotp gives the RFC 6238 Appendix B codes for SHA1, SHA256 and SHA512; verifyTotp accepts them', async () => {
    const out = await page.evaluate(({ secrets, vectors }) => {
      const { generateTotp, verifyTotp } = twoFactor.core;
      return vectors.map(({ time, algorithm }) => {
        const options = { algorithm: algorithm as 'SHA1', digits: 8, now: time * 1000 };
        const code = generateTotp(secrets[algorithm]!.base32, options);
        return { algorithm, code, verified: verifyTotp(secrets[algorithm]!.base32, code, { ...options, window: 0 }).valid };
      });
    }, rfc6238);
    expect(out.map((r) => r.code)).toEqual(rfc6238.vectors.map((v) => v.totp));
    expect(new Set(out.map((r) => r.algorithm))).toEqual(new Set(['SHA1', 'SHA256', 'SHA512']));
    expect(out.every((r) => r.verified)).toBe(true);
  });

  it('a TwoFactorError thrown in the page keeps its class and code', async () => {
    const error = await page.evaluate(() => {
      try {
        twoFactor.core.generateTotp('not base32!');
        return null;
      } catch (e) {
        return { isTwoFactorError: e instanceof twoFactor.core.TwoFactorError, code: (e as { code: string }).code };
      }
    });
    expect(error).toEqual({ isTwoFactorError: true, code: 'INVALID_SECRET' });
  });

  it('renders the QR SVG of a built URI in the page; the screenshot decodes back to exactly that URI', async () => {
    const uri = await page.evaluate(() => {
      const { core, qr } = twoFactor;
      const secret = core.generateSecret();
      const uri = core.buildOtpauthUri({ type: 'totp', secret, accountName: 'jürgen@example.com', issuer: 'Inwork Jobs', algorithm: 'SHA256', digits: 8, period: 60 });
      document.getElementById('inline-qr')!.innerHTML = qr.renderQrSvg(uri, { size: 320 });
      (document.getElementById('img-qr') as HTMLImageElement).src = qr.qrSvgDataUri(qr.renderQrSvg(uri, { size: 320 }));
      return uri;
    });
    const parsed = parseOtpauthUri(uri);
    expect(parsed).toMatchObject({ type: 'totp', accountName: 'jürgen@example.com', issuer: 'Inwork Jobs', algorithm: 'SHA256', digits: 8, period: 60 });
    expect(parsed.secret).toHaveLength(20);
    await page.waitForFunction(() => (document.getElementById('img-qr') as HTMLImageElement).complete);

    mkdirSync(ARTIFACTS, { recursive: true });
    const expected = new TextEncoder().encode(uri);
    for (const [selector, name] of [['#inline-qr svg', 'browser-qr-inline.png'], ['#img-qr', 'browser-qr-img.png']] as const) {
      const path = join(ARTIFACTS, name);
      const png = await page.locator(selector).screenshot({ path });
      const { width, height, data } = PNG.sync.read(png);
      // The requested 320 px, give or take the sub-pixel offset of the element's box.
      expect(Math.abs(width - 320) <= 1 && Math.abs(height - 320) <= 1, `${name}: ${width}×${height}`).toBe(true);
      const raster: Raster = { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
      // Three readers: ZBar straight from the PNG file, jsQR and ZXing-C++ from its decoded pixels.
      const zbar = execFileSync('zbarimg', ['--raw', '-q', '-Sbinary', path], { stdio: ['ignore', 'pipe', 'ignore'] });
      expect(Uint8Array.from(zbar), `${name} by zbarimg`).toEqual(expected);
      expect(decodeWithJsqr(raster), `${name} by jsQR`).toEqual(expected);
      expect(decodeWithZxing([raster])[0], `${name} by ZXing-C++`).toEqual([expected]);
    }
  });

  it('runs the /server flow on MemoryStore with AES-GCM sealing: enrol → confirm → verify, replay refused, backup code once', async () => {
    const out = await page.evaluate(async () => {
      const { core, server } = twoFactor;
      let nowMs = Date.UTC(2026, 0, 1, 0, 0, 5);
      const store = new server.MemoryStore();
      const service = server.createTwoFactor({
        store,
        issuer: 'InworkJobs',
        now: () => nowMs,
        encryption: { keys: { k1: crypto.getRandomValues(new Uint8Array(32)) }, current: 'k1' },
        backupCodes: { cost: { N: 1024, r: 8, p: 1 } },
      });
      const enrollment = await service.beginEnrollment('alice', { accountName: 'alice@example.com' });
      const confirmed = await service.confirmEnrollment('alice', core.generateTotp(enrollment.secret, { now: nowMs }));
      nowMs += 30_000;
      const code = core.generateTotp(enrollment.secret, { now: nowMs });
      const first = await service.verify('alice', code);
      const replay = await service.verify('alice', code);
      const backupCode = confirmed.ok ? confirmed.backupCodes[0]! : '';
      nowMs += 30_000;
      const backup = await service.verify('alice', backupCode);
      nowMs += 30_000;
      const backupAgain = await service.verify('alice', backupCode);
      const stored = JSON.stringify(await store.get('alice'));
      return {
        uriSecret: core.parseOtpauthUri(enrollment.uri).secret.length,
        confirmed: confirmed.ok && confirmed.backupCodes.length,
        first,
        replay: replay.ok ? 'accepted' : replay.reason,
        backup,
        backupAgain: backupAgain.ok ? 'accepted' : backupAgain.reason,
        status: await service.status('alice'),
        secretInStore: stored.includes(enrollment.secret),
        qrSvg: enrollment.qrSvg.startsWith('<svg'),
      };
    });
    expect(out).toMatchObject({
      uriSecret: 20,
      confirmed: 10,
      first: { ok: true, method: 'totp', backupCodesRemaining: 10 },
      replay: 'replayed',
      backup: { ok: true, method: 'backup-code', backupCodesRemaining: 9 },
      backupAgain: 'invalid',
      status: { state: 'enabled', backupCodesRemaining: 9 },
      secretInStore: false,
      qrSvg: true,
    });
  });

  it('logged no errors in the page (CSP: scripts from the page origin only, no eval)', () => {
    expect(pageErrors).toEqual([]);
  });
});
