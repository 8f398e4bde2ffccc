// Backup codes themselves (src/backup-codes.ts): generation (alphabet, format, uniqueness, no bias) and
// normalisation of what people type.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BACKUP_CODE_ALPHABET, generateBackupCodes, normalizeBackupCode } from '../../src/backup-codes/codes.js';
import { expectError } from '../support/expect-error.js';

const SYMBOL = `[${BACKUP_CODE_ALPHABET}]`;
const canonicalOf = (code: string) => code.replace(/-/g, '');

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
});
