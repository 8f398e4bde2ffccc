// The stored string of a backup-code set: one self-describing line that holds the scrypt parameters, the
// salt and a hash per unused code, and never a code in any form.
//
// $2fa-bc$v=1$scrypt$N=16384,r=8,p=1$len=10$<salt>$<index>:<hash>,<index>:<hash>,…
//
// <salt> and every <hash> are base64url without padding (16 bytes → 22 characters). <hash> is
// scrypt(canonical code as ASCII, salt, N, r, p, dkLen = 16). <index> is the code's position in the
// list given to hashBackupCodes, in decimal, strictly increasing; used codes are simply absent, so an
// index stays the same however many codes were used before it. All codes used: the last field is empty.
import { fail, optionsObject } from '../internal/assert.js';
import { decodeBase64Url, encodeBase64Url } from '../internal/base64url.js';
import { MAX_BACKUP_CODE_COUNT, MAX_BACKUP_CODE_LENGTH, MIN_BACKUP_CODE_LENGTH } from './codes.js';

/** scrypt cost parameters (RFC 7914 §2): CPU/memory cost `N` (a power of two), block size `r`, parallelism `p`. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * The scrypt cost `hashBackupCodes` uses by default: N = 2^14, r = 8, p = 1 (16 MiB a run; hashcat's
 * own scrypt reference setting). What it costs each side: docs/security.md.
 */
export const DEFAULT_BACKUP_CODE_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 14, r: 8, p: 1 });

const FORMAT_ID = '2fa-bc';
const FORMAT_VERSION = 1;
/** Salt per set, bytes. @internal */
export const SALT_BYTES = 16;
/**
 * Per-code digest length: 128 bits is far beyond the 50-bit code space, so a false match never happens,
 * and it keeps a 10-code string near 310 characters. @internal
 */
export const HASH_BYTES = 16;
const MIN_MEMORY_BYTES = 2 ** 20;
// Most memory one scrypt run may take (128 MiB).
const MAX_MEMORY_BYTES = 2 ** 27;
const MAX_WORK = 2 ** 23;
// Longest well-formed string: header ~70 + 100 entries of "99:" + 22 chars + ","; anything longer is refused unread.
const MAX_HASHED_CHARS = 4096;

/** A stored string taken apart. @internal */
export interface Parsed {
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

/** Hashed below today's cost. Version 1 is the only format, so only the cost can be outdated; a later version must also flag older ones. @internal */
export function isOutdated(cost: ScryptCost): boolean {
  const d = DEFAULT_BACKUP_CODE_COST;
  return cost.N * cost.r < d.N * d.r || cost.N * cost.r * cost.p < d.N * d.r * d.p;
}

const DECIMAL = /^(0|[1-9][0-9]{0,6})$/;

/** Takes a stored string apart; `INVALID_BACKUP_CODES` naming `hashed` when it is malformed. @internal */
export function parseHashed(hashed: unknown): Parsed {
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

/** The stored string of a freshly hashed set. @internal */
export function formatHashed(cost: ScryptCost, length: number, salt: Uint8Array, hashes: Uint8Array[]): string {
  const indices = hashes.map((_, i) => i);
  return `$${FORMAT_ID}$v=${FORMAT_VERSION}$scrypt$N=${cost.N},r=${cost.r},p=${cost.p}$len=${length}$${encodeBase64Url(salt)}$${serializeEntries(indices, hashes)}`;
}

/** The stored string without the code at position `k` of `parsed`. @internal */
export function withoutEntry(parsed: Parsed, k: number): string {
  const indices = parsed.indices.filter((_, i) => i !== k);
  const hashes = parsed.hashes.filter((_, i) => i !== k);
  return parsed.header + serializeEntries(indices, hashes);
}

function serializeEntries(indices: number[], hashes: Uint8Array[]): string {
  return indices.map((index, k) => `${index}:${encodeBase64Url(hashes[k]!)}`).join(',');
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
