// Hashing a set and checking a typed code (src/backup-codes-hash.ts): single use through `remaining`,
// what people type, the documented layout against an independent scrypt, and no KDF run for garbage.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { scrypt } from '@noble/hashes/scrypt.js';
import { generateBackupCodes } from '../../src/backup-codes/codes.js';
import { DEFAULT_BACKUP_CODE_COST, backupCodesOutdated, countBackupCodes } from '../../src/backup-codes/format.js';
import { hashBackupCodes, verifyBackupCode } from '../../src/backup-codes/hash.js';
import { CHEAP_SCRYPT } from '../support/fixtures.js';
import { expectRejection } from '../support/expect-error.js';
import { buildIfMissing, root } from '../support/pack.js';

// Counts the library's KDF runs, so "without running the KDF" is checked exactly, not by timing.
const kdf = vi.hoisted(() => ({ runs: 0 }));
vi.mock('@noble/hashes/scrypt.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('@noble/hashes/scrypt.js')>();
  return {
    ...original,
    scryptAsync: (...args: Parameters<typeof original.scryptAsync>) => {
      kdf.runs++;
      return original.scryptAsync(...args);
    },
  };
});

// The cheapest cost the library accepts keeps the chains below fast; the default cost has a test of its own.
const LOW = { cost: CHEAP_SCRYPT };
const canonicalOf = (code: string) => code.replace(/-/g, '');

describe('hashBackupCodes and verifyBackupCode', () => {
  it('accepts each code exactly once, chaining through `remaining`, with stable indices', async () => {
    const codes = generateBackupCodes();
    let stored = await hashBackupCodes(codes, LOW);
    expect(countBackupCodes(stored)).toBe(10);
    const header = stored.slice(0, stored.lastIndexOf('$') + 1);
    // Out of order, so a shifting index would show.
    const order = [5, 2, 9, 0, 7, 1, 8, 3, 6, 4];
    for (const [used, i] of order.entries()) {
      const result = await verifyBackupCode(stored, codes[i]!);
      expect(result).toMatchObject({ valid: true, index: i, outdated: true });
      if (!result.valid) throw new Error('unreachable');
      // The used code no longer verifies against what the caller stores…
      expect(await verifyBackupCode(result.remaining, codes[i]!)).toEqual({ valid: false });
      // …while the old string (not stored) still would: single use is the caller storing `remaining`.
      expect((await verifyBackupCode(stored, codes[i]!)).valid).toBe(true);
      expect(result.remaining.startsWith(header)).toBe(true); // same salt and parameters
      expect(countBackupCodes(result.remaining)).toBe(10 - used - 1);
      stored = result.remaining;
    }
    expect(stored).toBe(header);
    for (const code of codes) expect(await verifyBackupCode(stored, code)).toEqual({ valid: false });
  });

  it('rejects a well-formed code that is not in the set', async () => {
    const codes = generateBackupCodes({ count: 20 });
    const stored = await hashBackupCodes(codes.slice(0, 10), LOW);
    for (const other of codes.slice(10)) expect(await verifyBackupCode(stored, other)).toEqual({ valid: false });
  });

  it('verifies what a person types from a printout: case, spaces, no hyphen, O for 0, I or l for 1', async () => {
    const codes = ['01234-56789', 'abcde-fghjk', 'mnpqr-stvwx', 'yz010-1y0z1'];
    const stored = await hashBackupCodes(codes, LOW);
    const variants: [string, number][] = [
      ['0123456789', 0],
      ['O1234-56789', 0],
      ['oI234 56789', 0],
      ['0l234  5678 9', 0],
      ['ABCDE-FGHJK', 1],
      ['  abcde fghjk  ', 1],
      ['MNPQR_STVWX', 2],
      ['ｍｎｐｑｒ－ｓｔｖｗｘ', 2],
      ['YZOIO-LYOZI', 3],
    ];
    for (const [typed, index] of variants) {
      expect(await verifyBackupCode(stored, typed)).toMatchObject({ valid: true, index });
    }
  });

  it('accepts codes given in any normalisable form and treats them by their canonical value', async () => {
    const stored = await hashBackupCodes(['ABCDE FGHJK', 'O1234-56789'], LOW);
    expect(await verifyBackupCode(stored, 'abcde-fghjk')).toMatchObject({ valid: true, index: 0 });
    expect(await verifyBackupCode(stored, '01234-56789')).toMatchObject({ valid: true, index: 1 });
  });

  it('stores no code in any form, only the documented layout', async () => {
    const codes = generateBackupCodes({ count: 100, length: 12 });
    const stored = await hashBackupCodes(codes, LOW);
    expect(stored).toMatch(
      /^\$2fa-bc\$v=1\$scrypt\$N=1024,r=8,p=1\$len=12\$[A-Za-z0-9_-]{22}\$(\d{1,2}:[A-Za-z0-9_-]{22})(,\d{1,2}:[A-Za-z0-9_-]{22}){99}$/,
    );
    const lower = stored.toLowerCase();
    for (const code of codes) {
      for (const form of [code, canonicalOf(code), ...code.split('-')]) expect(lower).not.toContain(form);
    }
  });

  it('hashes and verifies at the default cost, N=2^14, r=8, p=1', async () => {
    expect(DEFAULT_BACKUP_CODE_COST).toEqual({ N: 16384, r: 8, p: 1 });
    expect(Object.isFrozen(DEFAULT_BACKUP_CODE_COST)).toBe(true);
    const codes = generateBackupCodes();
    const stored = await hashBackupCodes(codes);
    expect(stored.startsWith('$2fa-bc$v=1$scrypt$N=16384,r=8,p=1$len=10$')).toBe(true);
    expect(backupCodesOutdated(stored)).toBe(false);
    const result = await verifyBackupCode(stored, codes[3]!.toUpperCase());
    expect(result).toMatchObject({ valid: true, index: 3, outdated: false });
    expect(await verifyBackupCode(stored, generateBackupCodes({ count: 1 })[0]!)).toEqual({ valid: false });
  });

  it('matches an independent scrypt computation of the documented layout', async () => {
    const stored = await hashBackupCodes(['k7m2p-9xq4t', 'abcde-fghjk'], LOW);
    const [, , , , , , saltText, list] = stored.split('$');
    const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
    const expected = scrypt('k7m2p9xq4t', fromB64(saltText!), { N: 1024, r: 8, p: 1, dkLen: 16 });
    expect(fromB64(saltText!)).toHaveLength(16);
    expect(list!.split(',')[0]).toBe(`0:${Buffer.from(expected).toString('base64url')}`);
  });

  it('uses a fresh salt for every set', async () => {
    const codes = generateBackupCodes({ count: 1 });
    const a = await hashBackupCodes(codes, LOW);
    const b = await hashBackupCodes(codes, LOW);
    expect(a.split('$')[6]).not.toBe(b.split('$')[6]);
    expect(a).not.toBe(b);
  });

  it('keeps the event loop running during a default-cost verification', async () => {
    const codes = generateBackupCodes({ count: 2 });
    const stored = await hashBackupCodes(codes);
    // Counts timer callbacks while `work` runs; a KDF that blocks the thread lets none through.
    async function ticksDuring(work: () => unknown): Promise<{ ticks: number; ms: number }> {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const start = performance.now();
      await work();
      const ms = performance.now() - start;
      clearInterval(timer);
      return { ticks, ms };
    }
    const verifying = await ticksDuring(() => verifyBackupCode(stored, codes[1]!));
    expect(verifying.ticks).toBeGreaterThanOrEqual(3);
    // The same KDF run synchronously starves the timer: the measurement can tell the difference.
    const blocking = await ticksDuring(() => scrypt('k7m2p9xq4t', new Uint8Array(16), { N: 16384, r: 8, p: 1, dkLen: 16 }));
    expect(blocking.ticks).toBe(0);
  });

  it('turns garbage input into { valid: false } without running the KDF', async () => {
    const codes = generateBackupCodes();
    const stored = await hashBackupCodes(codes, LOW);
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      {},
      [codes[0]],
      '',
      'k7m2p-9xq4',
      'k7m2p-9xq4tt',
      'uuuuu-uuuuu',
      'k7m2p-9xq4!',
      'k7m2p-9xq4é',
      codes[0] + ' '.repeat(300),
      'a'.repeat(1_000_000),
      codes[0]!.repeat(2),
    ];
    const runs = kdf.runs;
    for (const input of garbage) expect(await verifyBackupCode(stored, input as string)).toEqual({ valid: false });
    expect(kdf.runs).toBe(runs);
    // A well-formed code runs it exactly once, however many codes the set holds.
    expect(await verifyBackupCode(stored, generateBackupCodes({ count: 1 })[0]!)).toEqual({ valid: false });
    expect(kdf.runs).toBe(runs + 1);
  });

  it('verifies nothing once all codes are used, without running the KDF', async () => {
    const stored = await hashBackupCodes(['k7m2p-9xq4t'], LOW);
    const result = await verifyBackupCode(stored, 'k7m2p-9xq4t');
    if (!result.valid) throw new Error('expected valid');
    expect(countBackupCodes(result.remaining)).toBe(0);
    const runs = kdf.runs;
    expect(await verifyBackupCode(result.remaining, 'k7m2p-9xq4t')).toEqual({ valid: false });
    expect(kdf.runs).toBe(runs);
    expect(backupCodesOutdated(result.remaining)).toBe(true);
  });
});

describe('bad arguments to hashBackupCodes throw INVALID_OPTION', () => {
  const valid = 'k7m2p-9xq4t';
  it.each([
    ['a string', 'k7m2p-9xq4t', 'codes'],
    ['null', null, 'codes'],
    ['undefined', undefined, 'codes'],
    ['an object', { 0: valid, length: 1 }, 'codes'],
    ['an empty array', [], 'codes'],
    ['101 codes', generateBackupCodes({ count: 100 }).concat(generateBackupCodes({ count: 1 })), 'codes'],
    ['a number entry', [valid, 42], 'codes[1]'],
    ['a null entry', [null], 'codes[0]'],
    ['a too short code', ['k7m2p-9xq4'], 'codes[0]'],
    ['a too long code', ['k'.repeat(33)], 'codes[0]'],
    ['a code with a symbol outside the alphabet', ['k7m2p-9xq4u'], 'codes[0]'],
    ['a code with punctuation', ['k7m2p.9xq4t'], 'codes[0]'],
    ['codes of different lengths', [valid, 'k7m2p-9xq4tz'], 'codes[1]'],
    ['a repeated code', [valid, 'abcde-fghjk', valid], 'codes[2]'],
    ['a repeat in another spelling', [valid, 'K7M2P 9XQ4T'], 'codes[1]'],
    ['a megabyte entry', ['k'.repeat(1_000_000)], 'codes[0]'],
  ])('hashBackupCodes with %s', async (_, codes, field) => {
    const e = await expectRejection(hashBackupCodes(codes as never, LOW), 'INVALID_OPTION', field);
    expect(e.message).not.toContain('k7m2p');
    expect(e.message).not.toContain('9xq4');
  });

  it.each([
    [{ cost: { N: 1000, r: 8, p: 1 } }, 'cost'],
    [{ cost: { N: 512, r: 8, p: 1 } }, 'cost'],
    [{ cost: { N: 1024, r: 4, p: 1 } }, 'cost'], // 512 KiB: below the 1 MiB floor
    [{ cost: { N: 2 ** 21, r: 1, p: 1 } }, 'cost'],
    [{ cost: { N: 2 ** 20, r: 8, p: 1 } }, 'cost'], // 1 GiB
    [{ cost: { N: 2 ** 14, r: 0, p: 1 } }, 'cost'],
    [{ cost: { N: 2 ** 14, r: 8, p: 0 } }, 'cost'],
    [{ cost: { N: 2 ** 14, r: 8, p: 17 } }, 'cost'],
    [{ cost: { N: 2 ** 17, r: 8, p: 16 } }, 'cost'], // work 2^24
    [{ cost: { N: '16384', r: 8, p: 1 } }, 'cost'],
    [{ cost: { r: 8, p: 1 } }, 'cost'],
    [{ cost: null }, 'cost'],
    [{ cost: 16384 }, 'cost'],
    [null, 'options'],
    ['fast', 'options'],
  ])('hashBackupCodes(codes, %j) names %s', async (options, field) => {
    await expectRejection(hashBackupCodes([valid], options as never), 'INVALID_OPTION', field);
  });
});

describe('the whole documented cost range works', () => {
  // 128·N·r = 128 MiB, the top of the range, at each corner of N and r (p = 1 keeps each run near 1 s).
  const TOP = [
    { N: 2 ** 17, r: 8, p: 1 },
    { N: 2 ** 20, r: 1, p: 1 },
    { N: 2 ** 15, r: 32, p: 1 },
  ];
  it.each(TOP)('hashes and verifies at N=$N, r=$r, p=$p (128 MiB)', async (cost) => {
    const stored = await hashBackupCodes(['k7m2p-9xq4t'], { cost });
    expect(stored).toContain(`$N=${cost.N},r=${cost.r},p=${cost.p}$`);
    expect(await verifyBackupCode(stored, 'K7M2P 9XQ4T')).toMatchObject({ valid: true, index: 0 });
  });

  it('the most parallel cost, p=16, hashes too', async () => {
    const stored = await hashBackupCodes(['k7m2p-9xq4t'], { cost: { N: 1024, r: 8, p: 16 } });
    expect(await verifyBackupCode(stored, 'k7m2p-9xq4t')).toMatchObject({ valid: true });
  });

  it('a KDF that fails (here: its 128 MiB cannot be allocated) is a TwoFactorError naming the cost, not a bare Error', async () => {
    buildIfMissing();
    const cost = { N: 2 ** 17, r: 8, p: 1 };
    const stored = await hashBackupCodes(['k7m2p-9xq4t'], { cost });
    // A child process caps its own address space at what it uses now plus 96 MiB (prlimit), then runs the
    // library (dist/) at a 128 MiB cost: the allocation inside scrypt really fails.
    const script = `
      import { readFileSync } from 'node:fs';
      import { execFileSync } from 'node:child_process';
      const { hashBackupCodes, verifyBackupCode, TwoFactorError } = await import(process.argv[1]);
      await hashBackupCodes(['k7m2p-9xq4t'], { cost: { N: 1024, r: 8, p: 1 } }); // compiled and warm before the cap
      const vm = Number(/VmSize:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      execFileSync('prlimit', ['--pid', String(process.pid), '--as=' + (vm + 96 * 2 ** 20)]);
      const outcomes = [];
      for (const run of [() => hashBackupCodes(['k7m2p-9xq4t'], { cost: ${JSON.stringify(cost)} }), () => verifyBackupCode(process.argv[2], 'k7m2p-9xq4t')]) {
        try {
          await run();
          outcomes.push('ok');
        } catch (e) {
          outcomes.push({ twoFactor: e instanceof TwoFactorError, code: e.code, message: e.message, cause: String(e.cause?.message ?? e.message) });
        }
      }
      console.log(JSON.stringify(outcomes));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(join(root, 'dist/index.js')).href, stored], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(child.stderr).toBe('');
    const [hashing, verifying] = JSON.parse(child.stdout) as { twoFactor: boolean; code: string; message: string; cause: string }[];
    // The failure really is the allocation, not something else.
    expect(hashing!.cause).toMatch(/allocation failed/i);
    expect(hashing).toMatchObject({ twoFactor: true, code: 'INVALID_OPTION', message: expect.stringContaining('"cost"') });
    expect(verifying!.cause).toMatch(/allocation failed/i);
    expect(verifying).toMatchObject({ twoFactor: true, code: 'INVALID_BACKUP_CODES', message: expect.stringContaining('"hashed"') });
    for (const outcome of [hashing!, verifying!]) expect(outcome.message).not.toMatch(/k7m2p|9xq4t/);
  });
});
