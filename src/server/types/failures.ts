// Why a code was refused and what it was checked as: the words every layer of the service shares.

/** An authenticator app (`'totp'`, RFC 6238) or a hardware token (`'hotp'`, RFC 4226). */
export type FactorType = 'totp' | 'hotp';

/** Why a code was not accepted. */
export type FailureReason =
  | 'invalid'
  | 'replayed'
  | 'throttled'
  | 'not-enabled'
  | 'no-pending-enrollment'
  | 'expired'
  | 'proof-required'
  | 'unknown-factor';

/**
 * A refused attempt. `retryAfterMs` (milliseconds) is set with `'throttled'`, and with `'invalid'` /
 * `'replayed'` when this failure makes the next attempt wait.
 */
export type Failure = { ok: false; reason: FailureReason; retryAfterMs?: number };

/** What a code was checked as. */
export type Method = 'totp' | 'hotp' | 'backup-code';
