// The stored record: one JSON object per user, versioned by `schema` so later releases can migrate it.
// Types and bounds only; parse.ts reads a record back, state.ts answers what it says.
import type { Algorithm } from '../../algorithm.js';

/** The schema version this release writes. Records of a lower version are migrated on read (schema 1: release 0.1). */
export const RECORD_SCHEMA = 2;

/**
 * A secret as stored: in the clear (base32) when no `encryption` is configured, otherwise
 * AES-256-GCM sealed with the key `kid` (`iv` 12 bytes and `ct` = ciphertext‖16-byte tag, both base64url).
 * `v: 2` (since 0.3): the associated data names the user and the secret's place (its factor id, or the
 * pending enrolment); absent (0.2): the user alone, sealed again as `v: 2` on the record's next write.
 */
export type SealedSecret =
  | { alg: 'none'; secret: string }
  | { alg: 'A256GCM'; kid: string; iv: string; ct: string; v?: 2 };

/** The TOTP parameters a secret was enrolled with; kept per secret so changing the service's options never breaks enrolled users. */
export interface TotpParameters {
  algorithm: Algorithm;
  /** Code length, 6–10. */
  digits: number;
  /** Step length in seconds. */
  period: number;
}

/** What every stored factor has. */
interface FactorBase {
  /** Opaque, stable, unique per user: `f_` and 10 base32 characters. */
  id: string;
  /** 1–64 characters, no control characters. */
  label: string;
  secret: SealedSecret;
  algorithm: Algorithm;
  digits: number;
  /** Epoch ms. */
  createdAt: number;
  /** The last sign-in or proof with this factor, epoch ms. */
  lastUsedAt: number | null;
  /** Added beside an older factor: until this moment (epoch ms) it cannot remove an older factor, disable or regenerate. Absent: mature. */
  probationUntil?: number;
}

/** An authenticator app (RFC 6238). */
export interface TotpFactor extends FactorBase {
  type: 'totp';
  /** Step length in seconds. */
  period: number;
  /** Time step of the last accepted code (incl. the confirming one); steps at or below it are refused. -1: none yet. */
  lastStep: number;
  /** The device's clock offset in steps, learned from accepted codes (RFC 6238 §6); the window is centred on it. */
  driftSteps: number;
}

/** A hardware token (RFC 4226). */
export interface HotpFactor extends FactorBase {
  type: 'hotp';
  /** The next counter expected: one past the last accepted code. */
  counter: number;
}

/** One enabled second factor. */
export type StoredFactor = TotpFactor | HotpFactor;

/** An enrolment started by `beginEnrollment` and not yet confirmed. */
export interface PendingEnrollment extends TotpParameters {
  secret: SealedSecret;
  /** The label the factor gets once confirmed. */
  label: string;
  /** The account name of the URI, kept (since 0.3) so the set-up page can be shown again; absent in 0.1 and 0.2 records. */
  accountName?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; confirming at or after this moment fails with `'expired'`. */
  expiresAt: number;
}

/**
 * Everything the service stores for one user. No record means 2FA is disabled.
 *
 * - `factors`: the enabled factors (at most {@link MAX_FACTORS}); 2FA is on exactly when there is one.
 * - `backupCodes` / `backupCodesUsed` / `enabledAt`: the user's backup codes (hash string from
 *   `hashBackupCodes`, indexes already used) and when 2FA was turned on; null / [] / null while off
 *   (`backupCodes` is null too after importing a factor without codes).
 * - `pending`: an enrolment waiting for its first code (with factors enabled: an addition that needs proof).
 * - `failures` / `lastFailureAt`: consecutive failed attempts across every factor and the backup codes.
 * - `devices`: browsers trusted to skip the second step (absent = none); see devices.ts.
 * - `challenges`: open sign-in challenges, hashes only (absent = none); see challenges.ts.
 */
export interface TwoFactorRecord {
  schema: 2;
  factors: StoredFactor[];
  backupCodes: string | null;
  backupCodesUsed: number[];
  enabledAt: number | null;
  pending: PendingEnrollment | null;
  failures: number;
  lastFailureAt: number | null;
  devices?: TrustedDevice[];
  challenges?: SignInChallenge[];
}

/** One open sign-in challenge as stored: never the token, only its hash. */
export interface SignInChallenge {
  /** base64url SHA-256 of the domain-separated (user id, secret) pair. */
  hash: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the challenge is `'challenge-expired'` from this moment on. */
  expiresAt: number;
  /** Wrong codes given on this challenge so far. */
  attempts: number;
}

/** Most open challenges per user; beginning one more drops the oldest. */
export const MAX_OPEN_CHALLENGES = 5;
/** Longest life of a challenge (the `signIn.challengeTtlMs` ceiling): 30 minutes, in milliseconds. */
export const MAX_CHALLENGE_TTL_MS = 30 * 60 * 1000;
/** Largest `signIn.maxAttempts`, and the largest attempt count a stored challenge may hold. */
export const MAX_MAX_ATTEMPTS = 20;
/** Longest `factors.probationMs`, and the longest probation a stored factor may hold: 30 days, in milliseconds. */
export const MAX_PROBATION_MS = 30 * 24 * 60 * 60 * 1000;
/** Longest account name of an enrolment's URI. @internal */
export const MAX_ACCOUNT_NAME_CHARS = 256;

/** Most factors a user may hold. */
export const MAX_FACTORS = 10;
/** Largest learned clock offset a record may hold, in steps either way (the `totp.maxDriftSteps` option's ceiling). @internal */
export const MAX_DRIFT_STEPS = 100;

/** Longest key id in `encryption.keys` and in a stored record. @internal */
export const MAX_KEY_ID_CHARS = 64;
/** Longest TOTP step the service enrols with and reads back, in seconds: longer codes would stay valid for hours. @internal */
export const MAX_TOTP_PERIOD_SECONDS = 3600;
/** Longest `enrollmentTtlMs` the service accepts, and so the longest pending enrolment a record holds. @internal */
export const MAX_ENROLLMENT_TTL_MS = 24 * 60 * 60 * 1000;

/** One trusted browser as stored: never the token, only its hash. */
export interface TrustedDevice {
  /** Random opaque id (16 bytes, base64url): what lists and revocation name. */
  id: string;
  /**
   * base64url hash of the domain-separated (user id, token) pair: HMAC-SHA-256 under the device key
   * derived from encryption key `kid` when `kid` is set, else SHA-256 (0.2, or no encryption).
   */
  hash: string;
  /** The encryption key whose derived key the hash is keyed with (since 0.3, under encryption). */
  kid?: string;
  /** The caller's label, e.g. `'Firefox on Linux'`; `''` when none was given. */
  label: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the token is `'expired'` from this moment on. */
  expiresAt: number;
  /** Epoch ms of the last accepted use, written at most once per `LAST_USED_RESOLUTION_MS` (1 hour). */
  lastUsedAt?: number;
}
