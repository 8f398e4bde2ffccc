// The 2FA service: the operations of a Security settings page, assembled over one context.
import type { Failure } from './types/failures.js';
import { beginEnrollment, confirmEnrollment, pendingEnrollment, type Enrollment, type PendingEnrollmentView } from './operations/enrollment.js';
import { listFactors, removeFactor, renameFactor } from './operations/factors.js';
import type { FactorInfo } from './record/factors.js';
import { addHotpToken, resyncHotp, type HotpTokenOptions } from './operations/hotp-tokens.js';
import { importFactor, type ImportedFactor } from './operations/import.js';
import { disable, regenerateBackupCodes, reset, status, unlock, type TwoFactorStatus } from './operations/management.js';
import { serviceSettings, type TwoFactorOptions } from './options.js';
import { createContext } from './transact.js';
import type { ServiceContext } from './operations/context.js';
import { beginSignIn, cancelSignIn, completeSignIn, verify, type SignInResult, type SignInStart, type Verified, type VerifyOptions } from './operations/sign-in.js';
import { listTrustedDevices, revokeTrustedDevice, revokeTrustedDevices, verifyTrustedDevice, type TrustedDeviceCheck, type TrustedDeviceInfo } from './operations/trusted-devices.js';

/**
 * The service returned by {@link createTwoFactor}. Every method validates `userId` (a string of 1–256
 * characters; `INVALID_OPTION` otherwise) and every other argument (`INVALID_OPTION` / `INVALID_SECRET`
 * naming the field; nothing is written). A wrong code is a `{ ok: false, reason }` result, never an
 * exception. Store failures reject with `STORE_ERROR` (the store's error as `cause`), lost races beyond
 * {@link MAX_STORE_ATTEMPTS} with `STORE_CONFLICT`, unreadable sealed secrets with `DECRYPTION_FAILED`.
 * "A current code" means a code of any enabled factor (TOTP or HOTP), never a backup code; one throttle
 * budget covers the user across all factors and the backup codes.
 */
export interface TwoFactor {
  /**
   * Starts (or restarts) the enrolment of an authenticator app labelled `label` (default 'Authenticator
   * app'): a new 20-byte secret replaces any earlier pending one and expires after `enrollmentTtlMs`.
   * Throws `INVALID_OPTION` for an `accountName` that is not 1–256 characters or that the URI cannot
   * carry, a bad `label`, or a user who already has 10 factors.
   */
  beginEnrollment(userId: string, opts: { accountName: string; label?: string }): Promise<Enrollment>;
  /**
   * Confirms the pending app with its first code. With no factor enabled, 2FA turns on and the backup codes
   * are returned, once. With one enabled, `proof` (a current code, or an unused backup code, consumed) is
   * required and the app is added beside the others; `backupCodes` is then []. Nothing is ever replaced.
   * Failures: `'no-pending-enrollment'`, `'expired'`, `'throttled'`, `'proof-required'`, `'invalid'` / `'replayed'` (counted).
   *
   * @example
   * ```ts
   * await twoFactor.confirmEnrollment('u1', newAppCode);                       // { ok: false, reason: 'proof-required' }
   * const added = await twoFactor.confirmEnrollment('u1', newAppCode, { proof: oldAppCode });
   * added.ok; // true
   * added.backupCodes; // []
   * ```
   */
  confirmEnrollment(userId: string, code: string, opts?: { proof?: string }): Promise<{ ok: true; factorId: string; backupCodes: string[]; verifiedAt: number } | Failure>;
  /** The set-up page's values again (after a wrong code or a reload); null when nothing unexpired is pending, or it was begun by 0.2. Reads only. */
  pendingEnrollment(userId: string): Promise<PendingEnrollmentView | null>;
  /**
   * Right after the first factor (password, magic link, OAuth), before any session: `required: false` when
   * the user has no 2FA (`'not-enabled'`) or `trustedDeviceToken` is a live device of theirs
   * (`'trusted-device'`: not a fresh second factor); otherwise a challenge (the user id and 256 random bits,
   * shown once; only a hash is stored) to send back with the code within `signIn.challengeTtlMs` (default
   * 5 min), with `trustedDevice: 'invalid' | 'expired'` when a token was given that did not pass (clear that
   * cookie). At most 5 open per user; the oldest is dropped. One read, and one compare-and-set for a challenge.
   * @throws TwoFactorError `INVALID_OPTION` naming `userId` or `opts`
   *
   * @example
   * ```ts
   * const start = await twoFactor.beginSignIn('u1');
   * start.required; // true
   * start.methods; // ['totp', 'backup-code']
   * ```
   */
  beginSignIn(userId: string, opts?: { trustedDeviceToken?: string }): Promise<SignInStart>;
  /**
   * The second step: the challenge from the browser and the code. Any challenge is a result, never an
   * exception: malformed, forged, spent, cancelled or another user's is `'challenge-invalid'`, lapsed
   * `'challenge-expired'`, and nothing is written. A wrong code counts on the challenge (`attemptsLeft`; it is
   * spent after `signIn.maxAttempts`) and in the user's throttle budget; `'locked'` and `'throttled'` as for
   * `verify`. `ok` names the user to sign in; the challenge is spent in the write that spends the code.
   * `trustDevice` as for `verify`. One read and one compare-and-set (a backup code: two).
   * @throws TwoFactorError `INVALID_OPTION` naming `trustDevice.label` or `trustDevice.ttlMs`
   *
   * @example
   * ```ts
   * const { challenge } = await twoFactor.beginSignIn('u1');
   * await twoFactor.completeSignIn(challenge.slice(0, -1), codeFromApp); // { ok: false, reason: 'challenge-invalid' }
   * await twoFactor.completeSignIn(challenge, 'no such code');            // { ok: false, reason: 'invalid', attemptsLeft: 4 }
   * const done = await twoFactor.completeSignIn(challenge, codeFromApp);
   * done.userId; // 'u1' (sign this user in)
   * await twoFactor.completeSignIn(challenge, codeFromApp);              // { ok: false, reason: 'challenge-invalid' }
   * ```
   */
  completeSignIn(challenge: string, code: string, opts?: VerifyOptions): Promise<SignInResult>;
  /** Drops a challenge ("sign in as someone else"); unknown or malformed challenges are ignored. */
  cancelSignIn(challenge: string): Promise<void>;
  /** Ends a lock after `throttle.lockAfter` consecutive failures (support, after identity proof): true; false, writing nothing, when the user was not locked. */
  unlock(userId: string): Promise<boolean>;
  /**
   * Checks a code of any enabled factor or a backup code (each single use), for apps that keep their own
   * pending state and for step-up checks; `verifiedAt` on success. An HOTP code moves its token's counter
   * past it; a TOTP code teaches its factor the device's clock offset.
   * Failures: `'not-enabled'`, `'locked'`, `'throttled'`, `'invalid'` and `'replayed'` (both counted).
   *
   * With `trustDevice`, a success also trusts this browser: `trustedDevice.token` (256 random bits, shown
   * this once; only its hash is stored, in the same compare-and-set that consumes the code) for a cookie,
   * valid `ttlMs` (default 30 days, 1 s – 1 year). At most 20 devices per user; the oldest is dropped.
   * A `trustDevice.label` longer than 128 characters is cut to 128 (never splitting a surrogate pair), so a
   * User-Agent of any length can serve. Throws `INVALID_OPTION` naming `trustDevice.label` (not a string, or
   * with NUL or an unpaired surrogate) or `trustDevice.ttlMs` before any store access.
   */
  verify(userId: string, code: string, opts?: VerifyOptions): Promise<Verified>;
  /**
   * Checks a trusted-device token (from `verify`'s `trustedDevice.token`) of this user: `{ ok: true }` lets
   * the sign-in skip the second step. A malformed token (not a string, wrong length or alphabet) is
   * `'invalid'` without a store call; another user's token is `'invalid'`; a lapsed one `'expired'`;
   * 2FA off `'not-enabled'`. Writes `lastUsedAt` at most once an hour.
   */
  verifyTrustedDevice(userId: string, token: string): Promise<TrustedDeviceCheck>;
  /** The user's unexpired trusted devices, newest first; reads only. */
  listTrustedDevices(userId: string): Promise<TrustedDeviceInfo[]>;
  /** Revokes one trusted device; false when there was no such device. Throws `INVALID_OPTION` for a non-string `deviceId`. */
  revokeTrustedDevice(userId: string, deviceId: string): Promise<boolean>;
  /** Revokes every trusted device of the user (e.g. on a password change); returns how many were live. */
  revokeTrustedDevices(userId: string): Promise<number>;
  /** Removes 2FA, every factor, trusted device and sign-in challenge; needs a current code of a factor not on probation (else `'probation'`). Failures as for `verify`. */
  disable(userId: string, code: string): Promise<{ ok: true } | Failure>;
  /** Replaces all backup codes and returns the new ones, once; needs a current code of a factor not on probation (else `'probation'`). Failures as for `verify`. */
  regenerateBackupCodes(userId: string, code: string): Promise<{ ok: true; backupCodes: string[] } | Failure>;
  /** The user's state, unused backup codes, factors, and whether the hard cap has locked their codes; reads only. */
  status(userId: string): Promise<TwoFactorStatus>;
  /** Support-driven recovery after identity proof: removes 2FA and every trusted device without a code (emits `reset`). */
  reset(userId: string): Promise<void>;
  /**
   * Registers an OATH-HOTP hardware token (RFC 4226) with two consecutive codes, found within
   * `hotp.syncLookAhead` counters of `counter`; `proof` as for `confirmEnrollment`.
   * Failures: `'throttled'`, `'proof-required'`, `'invalid'` (codes not found, or a wrong proof; counted), `'replayed'`.
   * @throws TwoFactorError `INVALID_SECRET` (not base32, under 16 bytes), `INVALID_OPTION` naming `codes`, `counter`, `digits`, `algorithm` or `label`
   *
   * @example
   * ```ts
   * await twoFactor.addHotpToken('u1', { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', codes: ['755224', '287082'], label: 'YubiKey 5', proof });
   * // { ok: true, factorId: 'f_…', backupCodes: [] }
   * ```
   */
  addHotpToken(userId: string, opts: HotpTokenOptions): Promise<{ ok: true; factorId: string; backupCodes: string[] } | Failure>;
  /**
   * Re-synchronises an HOTP token (RFC 4226 §7.4) with two consecutive codes within `hotp.syncLookAhead`
   * counters. Failures: `'not-enabled'`, `'unknown-factor'` (also for a TOTP factor), `'throttled'`, `'invalid'` (counted).
   */
  resyncHotp(userId: string, factorId: string, codes: [string, string]): Promise<{ ok: true } | Failure>;
  /** The enabled factors, oldest first; [] for a user without 2FA. Reads only. */
  listFactors(userId: string): Promise<FactorInfo[]>;
  /** Renames a factor; false when the user has no factor `factorId`. Throws `INVALID_OPTION` for a bad label. */
  renameFactor(userId: string, factorId: string, label: string): Promise<boolean>;
  /**
   * Removes a factor; needs a current code of any enabled factor (not a backup code). Removing the last
   * factor disables 2FA; every open sign-in challenge goes. A code of a factor still on probation
   * (`factors.probationMs` after it was added beside an older one) cannot remove an older factor:
   * `'probation'` with `retryAfterMs`. Failures: `'not-enabled'`, `'unknown-factor'`, and those of `verify`.
   * @throws TwoFactorError `INVALID_OPTION` naming `factorId` for an id of the wrong shape
   *
   * @example
   * ```ts
   * const [lost] = await twoFactor.listFactors('u1');
   * await twoFactor.removeFactor('u1', lost.id, codeFromNewPhone); // { ok: true } (the new phone was added 72 h ago)
   * ```
   */
  removeFactor(userId: string, factorId: string, code: string): Promise<{ ok: true } | Failure>;
  /**
   * Operator migration from another system: adds a factor without any code (gate it like `reset`), turning
   * 2FA on if it was off. `backupCodes`, the old system's plaintext codes (1–100 of one length, 10–32 symbols
   * of the backup-code alphabet after normalisation), are hashed on the way in; only for a user without a set.
   * @throws TwoFactorError `INVALID_OPTION` / `INVALID_SECRET` naming the field (`factor.period` beyond 3600 s included)
   *
   * @example
   * ```ts
   * await twoFactor.importFactor('u1', { type: 'totp', secret: row.otp_secret, lastUsedStep: row.consumed_timestep }); // { factorId: 'f_…' }
   * ```
   */
  importFactor(userId: string, factor: ImportedFactor, opts?: { backupCodes?: string[] }): Promise<{ factorId: string }>;
}

/**
 * Creates the 2FA service over a store: enrolment → confirmation → sign-in → backup codes → disable, with
 * several factors per user (authenticator apps and HOTP tokens), replay rejection (RFC 6238 §5.2), clock
 * drift learning (RFC 6238 §6), per-user throttling before any hashing (RFC 4226 §7.3,
 * {@link DEFAULT_THROTTLE}), atomic single use through the store's compare-and-set, and secrets sealed
 * with AES-256-GCM when `encryption` is given. The policy behind each choice is in docs/security.md.
 *
 * @throws TwoFactorError `INVALID_OPTION` naming the field for any bad option (keys of the wrong size included)
 * @example
 * ```ts
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'InworkJobs' });
 * const { qrSvg } = await twoFactor.beginEnrollment('user-1', { accountName: 'alice@example.com' });
 * const confirmed = await twoFactor.confirmEnrollment('user-1', '123456'); // { ok: true, factorId, backupCodes } once the app shows it
 * const login = await twoFactor.verify('user-1', '654321');                // { ok: true, method: 'totp', factorId, … }
 * ```
 */
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  const ctx = createContext(serviceSettings(options));
  const service: Partial<Record<keyof TwoFactor, unknown>> = {};
  for (const name of Object.keys(OPERATIONS) as (keyof TwoFactor)[]) {
    const operation = OPERATIONS[name] as (ctx: ServiceContext, ...args: unknown[]) => unknown;
    service[name] = (...args: unknown[]) => operation(ctx, ...args);
  }
  return Object.freeze(service) as TwoFactor;
}

/**
 * Each method of {@link TwoFactor} is an operation over the service's context, typed by the interface: a
 * signature is written twice (the interface, the operation), and this table checks that the two agree.
 */
type Operations = { [K in keyof TwoFactor]: (ctx: ServiceContext, ...args: Parameters<TwoFactor[K]>) => ReturnType<TwoFactor[K]> };

const OPERATIONS: Operations = {
  beginEnrollment,
  confirmEnrollment,
  pendingEnrollment,
  beginSignIn,
  completeSignIn,
  cancelSignIn,
  unlock,
  verify,
  verifyTrustedDevice,
  listTrustedDevices,
  revokeTrustedDevice,
  revokeTrustedDevices,
  disable,
  regenerateBackupCodes,
  status,
  reset,
  addHotpToken,
  resyncHotp,
  listFactors,
  renameFactor,
  removeFactor,
  importFactor,
};
