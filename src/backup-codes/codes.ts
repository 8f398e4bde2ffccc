// Backup codes (NIST SP 800-63B §5.1.2 "look-up secrets"): the codes themselves, random and shown once.
// Their stored form is in format.ts, hashing and checking them in hash.ts.
import { fail, integerOption, optionsObject } from '../internal/assert.js';
import { randomBytes } from '../internal/random.js';

/**
 * The 32 symbols of a backup code: Crockford's base32 alphabet in lower case, i.e. the digits and the
 * letters without `i`, `l`, `o` (look-alikes of `1` and `0`) and `u`. Each symbol carries 5 bits.
 */
export const BACKUP_CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** Codes per set made by {@link generateBackupCodes} by default. */
export const DEFAULT_BACKUP_CODE_COUNT = 10;
/** Most codes in one set. */
export const MAX_BACKUP_CODE_COUNT = 100;
/** Default code length in symbols: 10 × 5 = 50 bits. Also the shortest allowed, see {@link generateBackupCodes}. */
export const DEFAULT_BACKUP_CODE_LENGTH = 10;
/** Shortest code in symbols (50 bits). */
export const MIN_BACKUP_CODE_LENGTH = 10;
/** Longest code in symbols (160 bits; past 112 bits NIST no longer asks for a slow hash at all). */
export const MAX_BACKUP_CODE_LENGTH = 32;

const SYMBOL_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < BACKUP_CODE_ALPHABET.length; i++) SYMBOL_VALUES[BACKUP_CODE_ALPHABET.charCodeAt(i)] = i;

/** Number of groups and their sizes when showing a code: at most 6 symbols a group, sizes as even as possible. */
function groupSymbols(symbols: string): string {
  const groups = Math.ceil(symbols.length / 6);
  const base = Math.floor(symbols.length / groups);
  const longer = symbols.length % groups;
  const parts: string[] = [];
  let at = 0;
  for (let g = 0; g < groups; g++) {
    const size = base + (g < longer ? 1 : 0);
    parts.push(symbols.slice(at, at + size));
    at += size;
  }
  return parts.join('-');
}

/**
 * Generates a set of random backup codes to show the user once.
 *
 * Each symbol is the low 5 bits of one byte from the platform CSPRNG (`crypto.getRandomValues`); 256 is
 * a multiple of 32, so every symbol is exactly equally likely (no modulo bias, nothing to reject).
 * Codes within one set are distinct. They are shown in groups of at most 6 symbols joined by hyphens:
 * `k7m2p-9xq4t` for the default length 10, `6-5` for 11, `5-4-4` for 13, `5-5-5-5` for 20.
 * The length floor of 10 symbols (50 bits) is what keeps a leaked set out of reach: docs/security.md.
 *
 * @param options.count - codes in the set, 1–100, default 10
 * @param options.length - symbols per code, 10–32, default 10 (50 bits; NIST SP 800-63B §5.1.2.1 asks for ≥ 20)
 * @returns the formatted codes, e.g. `['k7m2p-9xq4t', …]`
 * @throws TwoFactorError `INVALID_OPTION` when `count` or `length` is not an integer in range
 *
 * @example
 * ```ts
 * const codes = generateBackupCodes();  // 10 random codes like 'k7m2p-9xq4t': show them once
 * codes.length;                         // 10
 * ```
 */
export function generateBackupCodes(options?: { count?: number; length?: number }): string[] {
  const { count: codeCount, length: codeLength } = backupCodeSetShape(options);
  const seen = new Set<string>();
  while (seen.size < codeCount) {
    const bytes = randomBytes(codeLength);
    let symbols = '';
    for (let i = 0; i < codeLength; i++) symbols += BACKUP_CODE_ALPHABET[bytes[i]! & 31];
    seen.add(symbols); // a repeat (odds ~2^-44 for a default set) is simply drawn again
  }
  return [...seen].map(groupSymbols);
}

/**
 * The `count` and `length` of a set, validated; `field` names the options object in messages
 * (`"backupCodes.count"`), none for the top level (`"count"`). @internal
 */
export function backupCodeSetShape(options: { count?: number; length?: number } | undefined, field?: string): { count: number; length: number } {
  const { count, length } = optionsObject(options, field);
  const name = (key: string): string => (field === undefined ? key : `${field}.${key}`);
  return {
    count: integerOption(count, name('count'), 1, MAX_BACKUP_CODE_COUNT, DEFAULT_BACKUP_CODE_COUNT),
    length: integerOption(length, name('length'), MIN_BACKUP_CODE_LENGTH, MAX_BACKUP_CODE_LENGTH, DEFAULT_BACKUP_CODE_LENGTH),
  };
}

/**
 * Brings a typed backup code to its canonical form, the one that is hashed and compared.
 *
 * Exactly, in this order: Unicode NFKC (full-width `ｋ７` becomes `k7`); lower case; every whitespace
 * character, hyphen `-`, underscore `_`, Unicode dash U+2010–U+2015 and minus U+2212 removed; then the
 * look-alikes outside the alphabet mapped onto the symbol they are mistaken for: `o` → `0`, `i` and
 * `l` → `1` (as in Crockford's base32). Nothing else is changed and nothing is validated: a result
 * that is not {@link MIN_BACKUP_CODE_LENGTH}–{@link MAX_BACKUP_CODE_LENGTH} alphabet symbols simply
 * never verifies.
 *
 * @param input - the code as typed or pasted
 * @returns the canonical code: alphabet symbols only, no separators, e.g. `'k7m2p9xq4t'`
 * @throws TwoFactorError `INVALID_OPTION` when `input` is not a string
 *
 * @example
 * ```ts
 * normalizeBackupCode(' K7M2P 9XQ4T ');  // 'k7m2p9xq4t'
 * normalizeBackupCode('OIL23-45678');    // '0112345678'
 * ```
 */
export function normalizeBackupCode(input: string): string {
  if (typeof input !== 'string') fail('INVALID_OPTION', 'input', 'a string', input);
  return canonical(input);
}

/** The canonical form of a typed code (see {@link normalizeBackupCode}). @internal */
export function canonical(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_\u2010-\u2015\u2212]/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
}

/** True when `code` is canonical and of a length a code can have (`length` when given). @internal */
export function isCanonicalCode(code: string, length?: number): boolean {
  if (length === undefined ? code.length < MIN_BACKUP_CODE_LENGTH || code.length > MAX_BACKUP_CODE_LENGTH : code.length !== length) {
    return false;
  }
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c >= 128 || SYMBOL_VALUES[c]! < 0) return false;
  }
  return true;
}
