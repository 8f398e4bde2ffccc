// The 2FA service: the operations of a Security settings page, assembled over one context.
import type { Failure } from './decisions.js';
import { beginEnrollment, confirmEnrollment, type Enrollment } from './enrollment.js';
import { disable, regenerateBackupCodes, reset, status, type TwoFactorStatus } from './management.js';
import { serviceSettings, type TwoFactorOptions } from './options.js';
import { createContext } from './transact.js';
import { verify } from './verification.js';
import type { MintedDevice } from './trusted-devices.js';
import {
  listTrustedDevices,
  revokeTrustedDevice,
  revokeTrustedDevices,
  verifyTrustedDevice,
  type TrustedDeviceCheck,
  type TrustedDeviceInfo,
} from './trusted-device-operations.js';

/**
 * The service returned by {@link createTwoFactor}. Every method validates `userId` (a string of 1–256
 * characters; `INVALID_OPTION` otherwise); a wrong code is a `{ ok: false, reason }` result, never an
 * exception. Store failures reject with `STORE_ERROR` (the store's error as `cause`), lost races beyond
 * {@link MAX_STORE_ATTEMPTS} with `STORE_CONFLICT`, unreadable sealed secrets with `DECRYPTION_FAILED`.
 */
export interface TwoFactor {
  /**
   * Starts (or restarts) enrolment: a new 20-byte secret replaces any earlier pending one and expires after
   * `enrollmentTtlMs`. An enabled factor keeps working until the new secret is confirmed. Confirming a
   * re-enrolment needs no code of the enabled factor, so gate this call like `disable` (fresh sign-in,
   * password). Throws `INVALID_OPTION` for an `accountName` that is not 1–256 characters or that the URI cannot carry.
   */
  beginEnrollment(userId: string, opts: { accountName: string }): Promise<Enrollment>;
  /**
   * Enables 2FA with the first code from the app. Returns the backup codes, once; only their scrypt hash
   * is stored. The confirming code's step is recorded, so it cannot sign in afterwards.
   * Failures: `'no-pending-enrollment'`, `'expired'`, `'throttled'`, `'invalid'` (counted).
   */
  confirmEnrollment(userId: string, code: string): Promise<{ ok: true; backupCodes: string[] } | Failure>;
  /**
   * Signs in with a TOTP code or a backup code (each single use).
   * Failures: `'not-enabled'`, `'throttled'`, `'invalid'` and `'replayed'` (both counted).
   *
   * With `trustDevice`, a success also trusts this browser: `trustedDevice.token` (256 random bits, shown
   * this once; only its hash is stored, in the same compare-and-set that consumes the code) for a cookie,
   * valid `ttlMs` (default 30 days, 1 s – 1 year). At most 20 devices per user; the oldest is dropped.
   * Throws `INVALID_OPTION` naming `trustDevice.label` (≤ 128 characters) or `trustDevice.ttlMs` before any store access.
   */
  verify(
    userId: string,
    code: string,
    opts?: { trustDevice?: { label?: string; ttlMs?: number } },
  ): Promise<{ ok: true; method: 'totp' | 'backup-code'; backupCodesRemaining: number; trustedDevice?: MintedDevice } | Failure>;
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
  /** Removes 2FA and every trusted device; needs a current TOTP code (not a backup code). Failures as for `verify`. */
  disable(userId: string, code: string): Promise<{ ok: true } | Failure>;
  /** Replaces all backup codes and returns the new ones, once; needs a current TOTP code. Failures as for `verify`. */
  regenerateBackupCodes(userId: string, code: string): Promise<{ ok: true; backupCodes: string[] } | Failure>;
  /** The user's state and unused backup codes; reads only. */
  status(userId: string): Promise<TwoFactorStatus>;
  /** Support-driven recovery after identity proof: removes 2FA and every trusted device without a code (emits `reset`). */
  reset(userId: string): Promise<void>;
}

/**
 * Creates the 2FA service over a store: enrolment → confirmation → sign-in → backup codes → disable, with
 * replay rejection (RFC 6238 §5.2), per-user throttling before any hashing (RFC 4226 §7.3,
 * {@link DEFAULT_THROTTLE}), atomic single use through the store's compare-and-set, and secrets sealed
 * with AES-256-GCM when `encryption` is given. The policy behind each choice (replays count as failures,
 * backup codes sign in but cannot disable, how to gate re-enrolment) is in docs/security.md.
 *
 * @throws TwoFactorError `INVALID_OPTION` naming the field for any bad option (keys of the wrong size included)
 * @example
 * ```ts
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'InworkJobs' });
 * const { qrSvg } = await twoFactor.beginEnrollment('user-1', { accountName: 'alice@example.com' });
 * const confirmed = await twoFactor.confirmEnrollment('user-1', '123456'); // { ok: true, backupCodes } once the app shows it
 * const login = await twoFactor.verify('user-1', '654321');                // { ok: true, method: 'totp', … }
 * ```
 */
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  const ctx = createContext(serviceSettings(options));
  return Object.freeze({
    beginEnrollment: (userId: string, opts: { accountName: string }) => beginEnrollment(ctx, userId, opts),
    confirmEnrollment: (userId: string, code: string) => confirmEnrollment(ctx, userId, code),
    verify: (userId: string, code: string, opts?: { trustDevice?: { label?: string; ttlMs?: number } }) => verify(ctx, userId, code, opts),
    verifyTrustedDevice: (userId: string, token: string) => verifyTrustedDevice(ctx, userId, token),
    listTrustedDevices: (userId: string) => listTrustedDevices(ctx, userId),
    revokeTrustedDevice: (userId: string, deviceId: string) => revokeTrustedDevice(ctx, userId, deviceId),
    revokeTrustedDevices: (userId: string) => revokeTrustedDevices(ctx, userId),
    disable: (userId: string, code: string) => disable(ctx, userId, code),
    regenerateBackupCodes: (userId: string, code: string) => regenerateBackupCodes(ctx, userId, code),
    status: (userId: string) => status(ctx, userId),
    reset: (userId: string) => reset(ctx, userId),
  });
}
