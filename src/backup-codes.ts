// Backup codes (NIST SP 800-63B §5.1.2 "look-up secrets"): random one-time codes shown once, stored only
// as scrypt hashes in one self-describing string, consumed by storing the `remaining` string.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { fail, integerOption, optionsObject } from './internal/assert.js';
import { bytesDifference } from './internal/constant-time.js';
import { randomBytes } from './internal/random.js';
import { decodeBase64Url, encodeBase64Url } from './internal/base64url.js';

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

/** scrypt cost parameters (RFC 7914 §2): CPU/memory cost `N` (a power of two), block size `r`, parallelism `p`. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * The scrypt cost {@link hashBackupCodes} uses by default: N = 2^14, r = 8, p = 1 (16 MiB, about 70 ms
 * per run with @noble/hashes on a 2-vCPU AMD EPYC under Node 20; hashcat's own scrypt reference setting).
 */
export const DEFAULT_BACKUP_CODE_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 14, r: 8, p: 1 });

/** Result of {@link verifyBackupCode}. */
export type BackupCodeVerifyResult =
  | {
      valid: true;
      /** Position of the used code in the list originally given to {@link hashBackupCodes} (0-based). */
      index: number;
      /** The stored string without the used code: store it (compare-and-set) to make the code single-use. */
      remaining: string;
      /** The string was hashed at a lower cost than today's defaults: see {@link backupCodesOutdated}. */
      outdated: boolean;
    }
  | { valid: false };

/** Options of {@link hashBackupCodes}. */
export interface HashBackupCodesOptions {
  /**
   * scrypt cost; default {@link DEFAULT_BACKUP_CODE_COST}. Meant for tests (a cheap cost keeps suites
   * fast) or for raising the cost. A cost below the default still works but is always reported as
   * outdated, so it cannot slip into production unnoticed. Limits: N a power of two 2^10–2^20,
   * r 1–32, p 1–16, memory 128·N·r between 1 MiB and 128 MiB, work N·r·p at most 2^23.
   */
  cost?: ScryptCost;
}

const FORMAT_ID = '2fa-bc';
const FORMAT_VERSION = 1;
const SALT_BYTES = 16;
// Per-code digest length: 128 bits is far beyond the 50-bit code space, so a false match never happens,
// and it keeps a 10-code string near 310 characters.
const HASH_BYTES = 16;
const MIN_MEMORY_BYTES = 2 ** 20;
const MAX_MEMORY_BYTES = 2 ** 27;
const MAX_WORK = 2 ** 23;
// Longest well-formed string: header ~70 + 100 entries of "99:" + 22 chars + ","; anything longer is refused unread.
const MAX_HASHED_CHARS = 4096;
// Longest typed input looked at; anything longer is `{ valid: false }` without normalising.
const MAX_INPUT_CHARS = 256;
// Yield to the event loop at least this often during a KDF run (ms).
const ASYNC_TICK_MS = 10;

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
 *
 * Why the length floor is 10 (50 bits): online guessing is stopped by throttling at any length, but after
 * a database leak the only protection is the hash. At the default scrypt cost one RTX 4090 tests about
 * 5.7 thousand guesses a second, so with 10 codes a set falls in roughly 2^50/11 / 5.7e3 s ≈ 570 GPU-years
 * (see {@link hashBackupCodes}); every symbol less divides that by 32 (8 symbols: about 200 GPU-days,
 * a few thousand dollars of rented time).
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

function canonical(input: string): string {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_\u2010-\u2015\u2212]/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
}

/** True when `code` is canonical and of a length a code can have. */
function isCanonicalCode(code: string, length?: number): boolean {
  if (length === undefined ? code.length < MIN_BACKUP_CODE_LENGTH || code.length > MAX_BACKUP_CODE_LENGTH : code.length !== length) {
    return false;
  }
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c >= 128 || SYMBOL_VALUES[c]! < 0) return false;
  }
  return true;
}

// --- the stored string ------------------------------------------------------------------------------
//
// $2fa-bc$v=1$scrypt$N=16384,r=8,p=1$len=10$<salt>$<index>:<hash>,<index>:<hash>,…
//
// <salt> and every <hash> are base64url without padding (16 bytes → 22 characters). <hash> is
// scrypt(canonical code as ASCII, salt, N, r, p, dkLen = 16). <index> is the code's position in the
// list given to hashBackupCodes, in decimal, strictly increasing; used codes are simply absent, so an
// index stays the same however many codes were used before it. All codes used: the last field is empty.

interface Parsed {
  header: string; // everything up to and including the last '$'
  cost: ScryptCost;
  length: number;
  salt: Uint8Array;
  indices: number[];
  hashes: Uint8Array[];
}

function costProblem(cost: ScryptCost): string | null {
  const { N, r, p } = cost;
  if (!Number.isInteger(N) || N < 2 ** 10 || N > 2 ** 20 || (N & (N - 1)) !== 0) return 'N a power of two 2^10–2^20';
  if (!Number.isInteger(r) || r < 1 || r > 32) return 'r an integer 1–32';
  if (!Number.isInteger(p) || p < 1 || p > 16) return 'p an integer 1–16';
  const memory = 128 * N * r;
  if (memory < MIN_MEMORY_BYTES || memory > MAX_MEMORY_BYTES) return 'memory 128·N·r between 1 MiB and 128 MiB';
  if (N * r * p > MAX_WORK) return 'work N·r·p at most 2^23';
  return null;
}

/** A scrypt cost within the limits of {@link HashBackupCodesOptions}. @internal */
export function scryptCostOption(value: ScryptCost, field: string): ScryptCost {
  const { N, r, p } = optionsObject(value, field);
  const cost = { N: N as number, r: r as number, p: p as number };
  const problem = costProblem(cost);
  if (problem) fail('INVALID_OPTION', field, problem, value);
  return cost;
}

// Version 1 is the only format, so only the cost can be outdated; a later version must also flag older ones.
function isOutdated(cost: ScryptCost): boolean {
  const d = DEFAULT_BACKUP_CODE_COST;
  return cost.N * cost.r < d.N * d.r || cost.N * cost.r * cost.p < d.N * d.r * d.p;
}

const DECIMAL = /^(0|[1-9][0-9]{0,6})$/;

function parseHashed(hashed: unknown): Parsed {
  const bad = (rule: string): never => fail('INVALID_BACKUP_CODES', 'hashed', rule, hashed);
  if (typeof hashed !== 'string') bad('a string from hashBackupCodes');
  const text = hashed as string;
  if (text.length > MAX_HASHED_CHARS) bad(`at most ${MAX_HASHED_CHARS} characters`);
  const fields = text.split('$');
  if (fields.length !== 8 || fields[0] !== '' || fields[1] !== FORMAT_ID) bad(`a "$${FORMAT_ID}$" string from hashBackupCodes`);
  const [, , versionField, algorithm, params, lengthField, saltField, list] = fields as [string, string, string, string, string, string, string, string];
  if (versionField !== `v=${FORMAT_VERSION}`) bad(`of a known version (v=${FORMAT_VERSION})`);
  if (algorithm !== 'scrypt') bad('hashed with scrypt');
  const m = /^N=(\d{1,8}),r=(\d{1,3}),p=(\d{1,3})$/.exec(params);
  if (!m) bad('carrying scrypt parameters "N=…,r=…,p=…"');
  const cost = { N: Number(m![1]), r: Number(m![2]), p: Number(m![3]) };
  const problem = costProblem(cost);
  if (problem) bad(`carrying scrypt parameters within limits (${problem})`);
  const lm = /^len=(\d{1,3})$/.exec(lengthField);
  const length = lm ? Number(lm[1]) : NaN;
  if (!(length >= MIN_BACKUP_CODE_LENGTH && length <= MAX_BACKUP_CODE_LENGTH)) {
    bad(`carrying a code length ${MIN_BACKUP_CODE_LENGTH}–${MAX_BACKUP_CODE_LENGTH}`);
  }
  const salt = decodeBase64Url(saltField, SALT_BYTES);
  if (!salt) bad(`carrying a ${SALT_BYTES}-byte base64url salt`);
  const indices: number[] = [];
  const hashes: Uint8Array[] = [];
  if (list !== '') {
    const entries = list.split(',');
    if (entries.length > MAX_BACKUP_CODE_COUNT) bad(`carrying at most ${MAX_BACKUP_CODE_COUNT} codes`);
    for (const entry of entries) {
      const colon = entry.indexOf(':');
      const indexText = entry.slice(0, colon);
      const index = colon > 0 && DECIMAL.test(indexText) ? Number(indexText) : NaN;
      if (!(index < MAX_BACKUP_CODE_COUNT) || (indices.length > 0 && index <= indices[indices.length - 1]!)) {
        bad(`carrying code indices 0–${MAX_BACKUP_CODE_COUNT - 1} in increasing order`);
      }
      const hash = decodeBase64Url(entry.slice(colon + 1), HASH_BYTES);
      if (!hash) bad(`carrying ${HASH_BYTES}-byte base64url code hashes`);
      indices.push(index);
      hashes.push(hash!);
    }
  }
  return { header: text.slice(0, text.length - list.length), cost, length, salt: salt!, indices, hashes };
}

function serializeEntries(indices: number[], hashes: Uint8Array[]): string {
  return indices.map((index, k) => `${index}:${encodeBase64Url(hashes[k]!)}`).join(',');
}

function kdf(code: string, salt: Uint8Array, cost: ScryptCost): Promise<Uint8Array> {
  return scryptAsync(code, salt, {
    ...cost,
    dkLen: HASH_BYTES,
    asyncTick: ASYNC_TICK_MS,
    // Our own cost limits already bound memory; this makes noble refuse anything past them as well.
    maxmem: MAX_MEMORY_BYTES + 128 * cost.r * cost.p,
  });
}

/**
 * Hashes a set of backup codes into one string to store; the plaintext codes are then shown once and
 * forgotten.
 *
 * Format (version 1): `$2fa-bc$v=1$scrypt$N=16384,r=8,p=1$len=10$<salt>$0:<hash>,1:<hash>,…` with a
 * fresh 16-byte random salt per set and, per code, `scrypt(normalised code, salt)` truncated to 16 bytes
 * (dkLen), all base64url without padding. The number before each hash is the code's position in `codes`;
 * it is what {@link verifyBackupCode} reports as `index` and stays stable as codes are used up.
 * One salt per set is what lets a verification cost one scrypt run however many codes remain.
 *
 * Cost arithmetic (NIST SP 800-63B §5.1.2.2: look-up secrets below 112 bits SHALL be salted, at least
 * 32-bit salt, and hashed with a one-way KDF; verifiers must rate-limit). A default code has 50 bits.
 * With one salt per set an attacker holding the leaked string tests all k remaining codes with each
 * scrypt run, so the expected work to find the first code is about 2^50/(k+1) runs: 1.0·10^14 for
 * k = 10. hashcat's scrypt mode 8900 reference hash uses exactly N=16384, r=8, p=1, and an RTX 4090 was
 * measured at about 5.4–5.7 thousand hashes/s on it (hashcat pull request #3950, 2024). That is
 * 1.0·10^14 / 5.7·10^3 ≈ 1.8·10^10 s ≈ 570 GPU-years for the first code of one user (an estimate; at
 * rented-GPU prices of the order of $0.5/hour that is some $2.5 million), and salts are per set so
 * nothing carries over to the next user. Defender's side: one run is about 70 ms on a 2-vCPU EPYC.
 *
 * scrypt is not a NIST-approved KDF (SP 800-63B §5.1.1.2 names PBKDF2; SP 800-132). It is used because
 * it is memory-hard: each guess needs 16 MiB of fast memory, which caps how many guesses a GPU or ASIC
 * runs in parallel, whereas PBKDF2 parallelises freely. A deployment that must be FIPS-aligned needs a
 * PBKDF2 format version instead. The truncation to 16 bytes departs from a SHOULD in §5.1.1.2 (output as
 * long as the underlying hash); 128 bits is still far beyond the 50-bit input, so no guess is saved.
 *
 * Hashing costs one scrypt run per code (about 0.7 s for 10 default codes), yielding to the event loop
 * every 10 ms.
 *
 * @param codes - 1–100 distinct codes of one length, as from {@link generateBackupCodes} (any form
 *   {@link normalizeBackupCode} accepts)
 * @param options.cost - scrypt cost, default {@link DEFAULT_BACKUP_CODE_COST}; see {@link HashBackupCodesOptions}
 * @returns the string to store: 65 characters plus about 25 per code (314 for 10 default codes); it contains no code in any form
 * @throws TwoFactorError `INVALID_OPTION` when `codes` is not such an array, or `cost` is out of limits
 *
 * @example
 * ```ts
 * const codes = generateBackupCodes();
 * const stored = await hashBackupCodes(codes);   // '$2fa-bc$v=1$scrypt$N=16384,r=8,p=1$len=10$…'
 * ```
 */
export async function hashBackupCodes(codes: string[], options?: HashBackupCodesOptions): Promise<string> {
  const { cost: costOption } = optionsObject(options);
  if (!Array.isArray(codes) || codes.length < 1 || codes.length > MAX_BACKUP_CODE_COUNT) {
    fail('INVALID_OPTION', 'codes', `an array of 1–${MAX_BACKUP_CODE_COUNT} backup codes`, codes);
  }
  const canonicalCodes: string[] = [];
  for (let i = 0; i < codes.length; i++) {
    const code: unknown = codes[i];
    if (typeof code !== 'string') fail('INVALID_OPTION', `codes[${i}]`, 'a string', code);
    const c = code.length <= MAX_INPUT_CHARS ? canonical(code) : '';
    if (!isCanonicalCode(c, canonicalCodes[0]?.length)) {
      fail('INVALID_OPTION', `codes[${i}]`, `a backup code like the others (${MIN_BACKUP_CODE_LENGTH}–${MAX_BACKUP_CODE_LENGTH} symbols of one length)`, code);
    }
    if (canonicalCodes.includes(c)) fail('INVALID_OPTION', `codes[${i}]`, 'distinct from the other codes', code);
    canonicalCodes.push(c);
  }
  const cost = costOption === undefined ? DEFAULT_BACKUP_CODE_COST : scryptCostOption(costOption, 'cost');
  const salt = randomBytes(SALT_BYTES);
  const hashes: Uint8Array[] = [];
  // One after the other: parallel runs would not finish sooner on one thread and would hold k × 16 MiB.
  for (const c of canonicalCodes) hashes.push(await kdf(c, salt, cost));
  const indices = canonicalCodes.map((_, i) => i);
  return (
    `$${FORMAT_ID}$v=${FORMAT_VERSION}$scrypt$N=${cost.N},r=${cost.r},p=${cost.p}` +
    `$len=${canonicalCodes[0]!.length}$${encodeBase64Url(salt)}$${serializeEntries(indices, hashes)}`
  );
}

/**
 * Checks a typed backup code against a stored set and, on success, returns the set without it.
 *
 * The input is normalised ({@link normalizeBackupCode}); anything that cannot be a code of this set
 * (not a string, over 256 characters, wrong length, symbols outside the alphabet) and any input against
 * a used-up set is `{ valid: false }` at once, without running scrypt. Otherwise scrypt runs once, with
 * the parameters stored in the string (so strings hashed under older defaults keep verifying), and its
 * output is compared in constant time with every remaining hash, with no early exit.
 *
 * The caller must store `remaining` in place of `hashed`, atomically (compare-and-set), or the code
 * stays usable. Rate-limit failures per user, as for TOTP (SP 800-63B §5.1.2.2, RFC 4226 §7.3).
 * When `outdated` is true the string predates the current defaults; the codes cannot be re-hashed
 * (their plaintext is gone), so offer the user a fresh set ({@link generateBackupCodes}).
 *
 * @param hashed - a string from {@link hashBackupCodes} or a previous `remaining`
 * @param input - the code the user typed
 * @returns `{ valid: true, index, remaining, outdated }` or `{ valid: false }`
 * @throws TwoFactorError `INVALID_BACKUP_CODES` when `hashed` is malformed, of an unknown version, or
 *   carries parameters beyond the limits of {@link HashBackupCodesOptions} (so a tampered string cannot
 *   make the server allocate gigabytes)
 *
 * @example
 * ```ts
 * const stored = await hashBackupCodes(['k7m2p-9xq4t', 'abcde-fghjk']);
 * const result = await verifyBackupCode(stored, 'K7M2P 9XQ4T');
 * // { valid: true, index: 0, remaining: '$2fa-bc$v=1$scrypt$N=16384,r=8,p=1$len=10$…$1:…', outdated: false }
 * await verifyBackupCode(result.remaining, 'K7M2P 9XQ4T'); // { valid: false }
 * ```
 */
export async function verifyBackupCode(hashed: string, input: string): Promise<BackupCodeVerifyResult> {
  const parsed = parseHashed(hashed);
  if (typeof input !== 'string' || input.length > MAX_INPUT_CHARS || parsed.hashes.length === 0) return { valid: false };
  const code = canonical(input);
  if (!isCanonicalCode(code, parsed.length)) return { valid: false };
  const candidate = await kdf(code, parsed.salt, parsed.cost);
  let matched = -1;
  for (let k = 0; k < parsed.hashes.length; k++) {
    // isEqual is 1 or 0 with no branch on secret data; select k without a branch, too.
    const isEqual = ((bytesDifference(candidate, parsed.hashes[k]!) - 1) >>> 31) & 1;
    matched = (matched & (isEqual - 1)) | (k & -isEqual);
  }
  if (matched < 0) return { valid: false };
  const indices = parsed.indices.filter((_, k) => k !== matched);
  const hashes = parsed.hashes.filter((_, k) => k !== matched);
  return {
    valid: true,
    index: parsed.indices[matched]!,
    remaining: parsed.header + serializeEntries(indices, hashes),
    outdated: isOutdated(parsed.cost),
  };
}

/**
 * How many unused codes a stored set still holds; reads the string only, no KDF.
 *
 * @param hashed - a string from {@link hashBackupCodes} or {@link verifyBackupCode}'s `remaining`
 * @returns 0–100
 * @throws TwoFactorError `INVALID_BACKUP_CODES` when `hashed` is malformed
 *
 * @example
 * ```ts
 * countBackupCodes(await hashBackupCodes(generateBackupCodes()));  // 10
 * ```
 */
export function countBackupCodes(hashed: string): number {
  return parseHashed(hashed).hashes.length;
}

/**
 * Whether a stored set was hashed with a lower scrypt cost (memory N·r or work N·r·p) than today's
 * {@link DEFAULT_BACKUP_CODE_COST} (or, once a later format version exists, with an older one). Such a
 * set keeps verifying. It cannot be re-hashed, because the plaintext codes are gone: offer the user a new
 * set instead (for instance after their next successful sign-in).
 *
 * @param hashed - a string from {@link hashBackupCodes} or {@link verifyBackupCode}'s `remaining`
 * @returns true when the user should get a regenerated set
 * @throws TwoFactorError `INVALID_BACKUP_CODES` when `hashed` is malformed
 *
 * @example
 * ```ts
 * backupCodesOutdated(await hashBackupCodes(['k7m2p-9xq4t']));                                      // false
 * backupCodesOutdated(await hashBackupCodes(['k7m2p-9xq4t'], { cost: { N: 2 ** 12, r: 8, p: 1 } })); // true
 * ```
 */
export function backupCodesOutdated(hashed: string): boolean {
  return isOutdated(parseHashed(hashed).cost);
}
