// Hashing a set and checking a typed code (src/backup-codes-hash.ts): single use through `remaining`,
// what people type, the documented layout against an independent scrypt, and no KDF run for garbage.
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { scrypt } from '@noble/hashes/scrypt.js';
import { generateBackupCodes } from '../src/backup-codes.js';
import { DEFAULT_BACKUP_CODE_COST, backupCodesOutdated, countBackupCodes } from '../src/backup-codes-string.js';
import { hashBackupCodes, verifyBackupCode } from '../src/backup-codes-hash.js';
import { CHEAP_SCRYPT } from './support/fixtures.js';
import { expectRejection } from './support/expect-error.js';

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
