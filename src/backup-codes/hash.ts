// Hashing a backup-code set into its stored string and checking a typed code against it: one scrypt run
// per code when hashing, one per check however many codes remain.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { TwoFactorError } from '../errors.js';
import { fail, optionsObject } from '../internal/assert.js';
import { bytesDifference } from '../internal/constant-time.js';
import { randomBytes } from '../internal/random.js';
import { canonical, isCanonicalCode, MAX_BACKUP_CODE_COUNT, MAX_BACKUP_CODE_LENGTH, MIN_BACKUP_CODE_LENGTH } from './codes.js';
import {
  DEFAULT_BACKUP_CODE_COST,
  formatHashed,
  HASH_BYTES,
  isOutdated,
  parseHashed,
  SALT_BYTES,
  scryptCostOption,
  withoutEntry,
  type ScryptCost,
} from './format.js';

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

// Longest typed input looked at; anything longer is `{ valid: false }` without normalising.
const MAX_INPUT_CHARS = 256;
// Yield to the event loop at least this often during a KDF run (ms).
const ASYNC_TICK_MS = 10;

/**
 * One scrypt run. `field` names what the cost came from, for the error when the run fails (the memory
 * for an accepted cost may still be unavailable in this process): `cost` or `hashed`.
 */
async function kdf(code: string, salt: Uint8Array, cost: ScryptCost, field: 'cost' | 'hashed'): Promise<Uint8Array> {
  try {
    return await scryptAsync(code, salt, {
      ...cost,
      dkLen: HASH_BYTES,
      asyncTick: ASYNC_TICK_MS,
      // Exactly what noble allocates for this cost (V, B and one scratch block: 128·r·(N + p + 1)); our own
      // limits bound the cost, so this only keeps noble from refusing a cost we accept.
      maxmem: 128 * cost.r * (cost.N + cost.p + 1),
    });
  } catch (cause) {
    const { N, r, p } = cost;
    throw new TwoFactorError(
      field === 'cost' ? 'INVALID_OPTION' : 'INVALID_BACKUP_CODES',
      `"${field}" must carry a scrypt cost this process can run, got N=${N},r=${r},p=${p} and a failed scrypt run (see cause)`,
      { cause },
    );
  }
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
 * Why scrypt, this cost and this truncation (NIST SP 800-63B §5.1.2, the offline cost of a leaked set):
 * docs/security.md.
 *
 * Hashing costs one scrypt run per code, yielding to the event loop every 10 ms.
 *
 * @param codes - 1–100 distinct codes of one length, as from {@link generateBackupCodes} (any form
 *   {@link normalizeBackupCode} accepts)
 * @param options.cost - scrypt cost, default {@link DEFAULT_BACKUP_CODE_COST}; see {@link HashBackupCodesOptions}
 * @returns the string to store: 65 characters plus about 25 per code (314 for 10 default codes); it contains no code in any form
 * @throws TwoFactorError `INVALID_OPTION` when `codes` is not such an array, or `cost` is out of limits or
 *   scrypt fails at it (e.g. its memory cannot be allocated; the error of scrypt is the `cause`)
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
  for (const c of canonicalCodes) hashes.push(await kdf(c, salt, cost, 'cost'));
  return formatHashed(cost, canonicalCodes[0]!.length, salt, hashes);
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
 *   make the server allocate gigabytes), or when scrypt fails at its cost (the error of scrypt is the `cause`)
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
  const candidate = await kdf(code, parsed.salt, parsed.cost, 'hashed');
  let matched = -1;
  for (let k = 0; k < parsed.hashes.length; k++) {
    // isEqual is 1 or 0 with no branch on secret data; select k without a branch, too.
    const isEqual = ((bytesDifference(candidate, parsed.hashes[k]!) - 1) >>> 31) & 1;
    matched = (matched & (isEqual - 1)) | (k & -isEqual);
  }
  if (matched < 0) return { valid: false };
  return { valid: true, index: parsed.indices[matched]!, remaining: withoutEntry(parsed, matched), outdated: isOutdated(parsed.cost) };
}
