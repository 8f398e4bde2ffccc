// Size budgets, measured as scripts/size.mjs measures them (esbuild browser bundle, minified, gzip -9):
// a page that only makes and checks TOTP codes pays at most 8 KB with all three hash algorithms working
// (@noble/hashes' SHA-1, SHA-256 and SHA-512 included), less than otpauth or otplib; a page that only
// renders QR codes pays at most 6 KB (lean-qr included).
// The other ceilings are loose on purpose: they catch a regression (a dependency pulled in by accident),
// not a few bytes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { ENTRIES, measure } from '../../scripts/size.mjs';
import { buildIfMissing, root } from '../support/pack.js';

type Entry = { name: string; what: string; source: string };
type Measured = { name: string; minBytes: number; gzipBytes: number; code: string };
const entries = ENTRIES as Entry[];
const measured = new Map<string, Measured>();

/** Budgets in gzip bytes. */
const BUDGETS: Record<string, number> = {
  'verify-only': 8192, // issue 14
  'qr-render': 6144, // issue 14
  core: 18 * 1024,
  qr: 8 * 1024,
  server: 32 * 1024,
};

const rfc6238 = JSON.parse(readFileSync(join(root, 'vectors/rfc6238.json'), 'utf8')) as {
  secrets: Record<string, { base32: string }>;
  vectors: { time: number; algorithm: string; totp: string }[];
};

beforeAll(async () => {
  buildIfMissing();
  for (const entry of entries) measured.set(entry.name, (await measure(entry)) as Measured);
  console.log(
    [...measured.values()].map((m) => `${m.name.padEnd(13)} ${String(m.gzipBytes).padStart(6)} B gzip  ${String(m.minBytes).padStart(6)} B min`).join('\n'),
  );
});

describe('gzip budgets (esbuild, browser, minified, gzip level 9)', () => {
  it.each(Object.entries(BUDGETS))('%s ≤ %i bytes', (name, budget) => {
    expect(measured.get(name)!.gzipBytes).toBeLessThanOrEqual(budget);
  });

  it('the verify-only bundle is smaller than otpauth and otplib for the same job', () => {
    expect(measured.get('verify-only')!.gzipBytes).toBeLessThan(measured.get('otpauth')!.gzipBytes);
    expect(measured.get('verify-only')!.gzipBytes).toBeLessThan(measured.get('otplib')!.gzipBytes);
  });

  it('tree-shaking works: the verify-only bundle is well under the full core', () => {
    expect(measured.get('verify-only')!.gzipBytes).toBeLessThan(measured.get('core')!.gzipBytes * 0.75);
  });
});

describe('the measured verify-only bundle is the real thing', () => {
  it('runs, and gives the RFC 6238 codes for SHA1, SHA256 and SHA512 (no algorithm shaken out)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-factor-size-'));
    try {
      const file = join(dir, 'verify-only.mjs');
      writeFileSync(file, measured.get('verify-only')!.code);
      const lib = (await import(pathToFileURL(file).href)) as typeof import('../../src/index.js');
      expect(Object.keys(lib).sort()).toEqual(['generateTotp', 'verifyTotp']);
      for (const { time, algorithm, totp } of rfc6238.vectors) {
        const options = { algorithm: algorithm as 'SHA1', digits: 8, now: time * 1000 };
        const secret = rfc6238.secrets[algorithm]!.base32;
        expect(lib.generateTotp(secret, options), `${algorithm} at ${time}`).toBe(totp);
        expect(lib.verifyTotp(secret, totp, { ...options, window: 0 }).valid).toBe(true);
      }
      expect(new Set(rfc6238.vectors.map((v) => v.algorithm))).toEqual(new Set(['SHA1', 'SHA256', 'SHA512']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('peers are measured the same way (and land near their known sizes, so the method is sound)', () => {
    // otpauth ≈ 9.5 KB and otplib ≈ 10.9 KB gzip for generate + verify (issue 7); @oslojs/otp is tiny (SHA-1 only).
    expect(measured.get('otpauth')!.gzipBytes).toBeGreaterThan(8 * 1024);
    expect(measured.get('otplib')!.gzipBytes).toBeGreaterThan(9 * 1024);
    expect(measured.get('@oslojs/otp')!.gzipBytes).toBeLessThan(3 * 1024);
  });
});
