import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { scrypt } from '@noble/hashes/scrypt.js';
import { BACKUP_CODE_ALPHABET, generateBackupCodes, normalizeBackupCode } from '../src/backup-codes.js';
import { DEFAULT_BACKUP_CODE_COST, backupCodesOutdated, countBackupCodes } from '../src/backup-codes-string.js';
import { hashBackupCodes, verifyBackupCode } from '../src/backup-codes-hash.js';
import { TwoFactorError } from '../src/errors.js';

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

// The cheapest cost the library accepts (1 MiB): keeps the chains below fast. The default cost is
// exercised on its own further down.
const LOW = { cost: { N: 1024, r: 8, p: 1 } };

const SYMBOL = `[${BACKUP_CODE_ALPHABET}]`;
const canonicalOf = (code: string) => code.replace(/-/g, '');

function expectError(fn: () => unknown, code: string, field: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TwoFactorError);
    expect((e as TwoFactorError).code).toBe(code);
    expect((e as TwoFactorError).message).toContain(`"${field}"`);
    return e as TwoFactorError;
  }
  throw new Error('expected a TwoFactorError');
}

async function expectRejection(promise: Promise<unknown>, code: string, field: string) {
  const e = await promise.then(
    () => {
      throw new Error('expected a TwoFactorError');
    },
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(TwoFactorError);
  expect((e as TwoFactorError).code).toBe(code);
  expect((e as TwoFactorError).message).toContain(`"${field}"`);
  return e as TwoFactorError;
}

describe('generateBackupCodes', () => {
  it('makes 10 distinct codes of 10 symbols shown as xxxxx-xxxxx by default', () => {
    const codes = generateBackupCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(new RegExp(`^${SYMBOL}{5}-${SYMBOL}{5}$`));
  });

  it('uses 32 symbols without the look-alikes i, l, o and u', () => {
    expect(BACKUP_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(BACKUP_CODE_ALPHABET).size).toBe(32);
    expect(BACKUP_CODE_ALPHABET).not.toMatch(/[ilou]/);
  });

  it.each([
    [10, [5, 5]],
    [11, [6, 5]],
    [12, [6, 6]],
    [13, [5, 4, 4]],
    [16, [6, 5, 5]],
    [20, [5, 5, 5, 5]],
    [32, [6, 6, 5, 5, 5, 5]],
  ])('groups a %i-symbol code as %j', (length, groups) => {
    const [code] = generateBackupCodes({ count: 1, length });
    expect(code!.split('-').map((g) => g.length)).toEqual(groups);
  });

  it('honours count', () => {
    expect(generateBackupCodes({ count: 1 })).toHaveLength(1);
    expect(generateBackupCodes({ count: 100 })).toHaveLength(100);
  });

  it('repeats no code across 100,000', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) for (const code of generateBackupCodes({ count: 100 })) seen.add(code);
    expect(seen.size).toBe(100_000);
  });

  // Pearson's chi-square over symbol counts; thresholds are the p = 10^-6 quantiles (31 and 310
  // degrees of freedom), so an unbiased generator fails this about once in a million runs.
  const CHI2_31 = 83.64;
  const CHI2_310 = 443.06;
  function chiSquare(counts: number[]): number {
    const total = counts.reduce((a, b) => a + b, 0);
    const expected = total / counts.length;
    return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  }
  function symbolCounts(codes: string[]): { overall: number[]; byPosition: number[] } {
    const overall = new Array<number>(32).fill(0);
    const byPosition = new Array<number>(320).fill(0);
    for (const code of codes) {
      const symbols = canonicalOf(code);
      for (let p = 0; p < symbols.length; p++) {
        const v = BACKUP_CODE_ALPHABET.indexOf(symbols[p]!);
        overall[v]!++;
        byPosition[p * 32 + v]!++;
      }
    }
    return { overall, byPosition };
  }

  it('draws every symbol equally often, overall and at each position (chi-square, 20,000 codes)', () => {
    const codes: string[] = [];
    for (let i = 0; i < 200; i++) codes.push(...generateBackupCodes({ count: 100 }));
    const { overall, byPosition } = symbolCounts(codes);
    expect(chiSquare(overall)).toBeLessThan(CHI2_31);
    expect(chiSquare(byPosition)).toBeGreaterThan(0);
    expect(chiSquare(byPosition)).toBeLessThan(CHI2_310);
  });

  it('the chi-square check catches the classic modulo bias at this sample size', () => {
    // The mistake rejection sampling prevents: a uniform value in 0..249 reduced mod 32 makes
    // symbols 0–25 come up 8/250 of the time and 26–31 only 7/250.
    const symbols: string[] = [];
    const bytes = new Uint8Array(65536);
    while (symbols.length < 200_000) {
      crypto.getRandomValues(bytes);
      for (const b of bytes) if (b < 250) symbols.push(BACKUP_CODE_ALPHABET[b % 32]!);
    }
    const codes = Array.from({ length: 20_000 }, (_, i) => symbols.slice(i * 10, i * 10 + 10).join(''));
    expect(chiSquare(symbolCounts(codes).overall)).toBeGreaterThan(CHI2_31);
  });
});

describe('normalizeBackupCode', () => {
  it.each([
    ['k7m2p-9xq4t', 'k7m2p9xq4t'],
    [' K7M2P 9XQ4T ', 'k7m2p9xq4t'], // TSDoc example
    ['OIL23-45678', '0112345678'], // TSDoc example
    ['k7m2p_9xq4t', 'k7m2p9xq4t'],
    ['k7m2p\t9xq4t\n', 'k7m2p9xq4t'],
    ['k7m2p\u20139xq4t', 'k7m2p9xq4t'], // en dash from a PDF
    ['k7m2p\u22129xq4t', 'k7m2p9xq4t'], // minus sign
    ['ｋ７ｍ２ｐ－９ｘｑ４ｔ', 'k7m2p9xq4t'], // full-width, from an IME
    ['o0O-iIlL1', '00011111'],
    ['uuuuu', 'uuuuu'], // not validated: it just never verifies
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeBackupCode(input)).toBe(expected);
  });

  it('maps any casing and separators of a generated code back to its canonical form', () => {
    const codes = generateBackupCodes({ count: 100 });
    fc.assert(
      fc.property(
        fc.constantFrom(...codes),
        fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }),
        fc.array(fc.constantFrom('', ' ', '-', '_', '  '), { minLength: 11, maxLength: 11 }),
        (code, upper, separators) => {
          const chars = [...canonicalOf(code)];
          const typed = chars.map((c, i) => (upper[i] ? c.toUpperCase() : c) + separators[i]).join('');
          expect(normalizeBackupCode(separators[10] + typed)).toBe(canonicalOf(code));
        },
      ),
    );
  });
});

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

describe('outdated detection', () => {
  it('flags sets hashed below the current default cost and keeps verifying them', async () => {
    const codes = generateBackupCodes({ count: 2 });
    const old = await hashBackupCodes(codes, { cost: { N: 4096, r: 8, p: 1 } });
    expect(backupCodesOutdated(old)).toBe(true);
    expect(await verifyBackupCode(old, codes[0]!)).toMatchObject({ valid: true, index: 0, outdated: true });
  });

  it('does not flag sets at or above the default cost', async () => {
    const codes = generateBackupCodes({ count: 1 });
    const higher = await hashBackupCodes(codes, { cost: { N: 2 ** 15, r: 8, p: 1 } });
    expect(backupCodesOutdated(higher)).toBe(false);
    expect(await verifyBackupCode(higher, codes[0]!)).toMatchObject({ valid: true, outdated: false });
  });

  it('compares memory and work: more p does not make up for less memory', () => {
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
    const hash = 'AAAAAAAAAAAAAAAAAAAAAA';
    const make = (params: string) => `$2fa-bc$v=1$scrypt$${params}$len=10$${salt}$0:${hash}`;
    expect(backupCodesOutdated(make('N=16384,r=8,p=1'))).toBe(false);
    expect(backupCodesOutdated(make('N=8192,r=16,p=1'))).toBe(false);
    expect(backupCodesOutdated(make('N=8192,r=8,p=2'))).toBe(true);
    expect(backupCodesOutdated(make('N=16384,r=4,p=1'))).toBe(true);
  });
});

describe('malformed stored strings throw INVALID_BACKUP_CODES naming "hashed"', () => {
  const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
  const hash = 'AAAAAAAAAAAAAAAAAAAAAA';
  const good = `$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$0:${hash},3:${hash}`;

  it('the well-formed baseline parses', async () => {
    expect(countBackupCodes(good)).toBe(2);
    expect(countBackupCodes(`$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$`)).toBe(0);
    expect(await verifyBackupCode(good, 'k7m2p-9xq4t')).toEqual({ valid: false });
  });

  const cases: [string, unknown][] = [
    ['not a string', 42],
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['plaintext codes', 'k7m2p-9xq4t,abcde-fghjk'],
    ['wrong prefix', good.replace('$2fa-bc$', '$2fa-xx$')],
    ['bcrypt string', '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ['unknown version', good.replace('v=1', 'v=2')],
    ['version with a leading zero', good.replace('v=1', 'v=01')],
    ['missing version', good.replace('$v=1', '')],
    ['unknown algorithm', good.replace('scrypt', 'pbkdf2')],
    ['N not a power of two', good.replace('N=1024', 'N=1000')],
    ['N below the floor', good.replace('N=1024', 'N=512')],
    ['absurd N', good.replace('N=1024', 'N=1073741824')],
    ['absurd N digits', good.replace('N=1024', 'N=99999999999999')],
    ['memory over 128 MiB', good.replace('N=1024', 'N=1048576')],
    ['work over 2^23', good.replace('N=1024,r=8,p=1', 'N=131072,r=8,p=16')],
    ['r = 0', good.replace('r=8', 'r=0')],
    ['p = 17', good.replace('p=1', 'p=17')],
    ['parameters out of order', good.replace('N=1024,r=8,p=1', 'r=8,N=1024,p=1')],
    ['negative N', good.replace('N=1024', 'N=-1024')],
    ['length below the floor', good.replace('len=10', 'len=9')],
    ['length above the cap', good.replace('len=10', 'len=33')],
    ['missing length', good.replace('$len=10', '')],
    ['salt not base64url', good.replace(salt, 'AAAAAAAAAAAAAAAAAAAAA+')],
    ['salt too short', good.replace(salt, 'AAAAAAAAAAAAAAAAAAAA')],
    ['salt with non-zero padding bits', good.replace(salt, 'AAAAAAAAAAAAAAAAAAAAAB')],
    ['hash too short', good.replace(`0:${hash}`, '0:AAAAAAAAAAAAAAAAAAAAA')],
    ['hash too long', good.replace(`0:${hash}`, `0:${hash}AA`)],
    ['hash with a bad character', good.replace(`0:${hash}`, `0:${hash.slice(0, 21)}=`)],
    ['entry without index', good.replace(`0:${hash}`, hash)],
    ['repeated index', good.replace('3:', '0:')],
    ['decreasing index', `$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$3:${hash},1:${hash}`],
    ['index 100', good.replace('3:', '100:')],
    ['index with a leading zero', good.replace('3:', '03:')],
    ['trailing comma', `${good},`],
    ['extra field', `${good}$x`],
    ['101 entries', `$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$${Array.from({ length: 101 }, (_, i) => `${i}:${hash}`).join(',')}`],
    ['a megabyte', `${good}${'A'.repeat(1_000_000)}`],
  ];

  it.each(cases)('%s', async (_, hashed) => {
    const e = expectError(() => countBackupCodes(hashed as string), 'INVALID_BACKUP_CODES', 'hashed');
    expect(e.message.length).toBeLessThan(200);
    expectError(() => backupCodesOutdated(hashed as string), 'INVALID_BACKUP_CODES', 'hashed');
    await expectRejection(verifyBackupCode(hashed as string, 'k7m2p-9xq4t'), 'INVALID_BACKUP_CODES', 'hashed');
  });
});

describe('bad arguments throw INVALID_OPTION', () => {
  it.each([
    [{ count: 0 }, 'count'],
    [{ count: 101 }, 'count'],
    [{ count: 1.5 }, 'count'],
    [{ count: NaN }, 'count'],
    [{ count: '10' }, 'count'],
    [{ length: 9 }, 'length'],
    [{ length: 8 }, 'length'],
    [{ length: 33 }, 'length'],
    [{ length: 10.5 }, 'length'],
    [{ length: Infinity }, 'length'],
    [null, 'options'],
    ['x', 'options'],
    [[], 'options'],
  ])('generateBackupCodes(%j) names %s', (options, field) => {
    expectError(() => generateBackupCodes(options as never), 'INVALID_OPTION', field);
  });

  it.each([[42], [null], [undefined], [['k7m2p-9xq4t']], [{}]])('normalizeBackupCode(%j)', (input) => {
    expectError(() => normalizeBackupCode(input as never), 'INVALID_OPTION', 'input');
  });

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
