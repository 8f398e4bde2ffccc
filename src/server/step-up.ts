// Step-up: "a second factor within the last N minutes" before a sensitive action, from the `verifiedAt`
// of the last verification (NIST SP 800-63B-4 §2.2.3's reauthentication, Clerk's and Kratos' max age).
import { fail } from '../internal/assert.js';

/**
 * Whether a verification at `verifiedAt` is recent enough for a sensitive action: at most `maxAgeMs`
 * old at `now`. False for a missing time (a sign-in on a trusted device, or without 2FA, has no fresh
 * second factor) and for a time ahead of `now` (another server's clock: ask again rather than trust it).
 *
 * @param verifiedAt - epoch ms of the last `ok` from `verify`, `completeSignIn` or `confirmEnrollment`, or null/undefined
 * @param maxAgeMs - the longest age accepted, milliseconds (a positive integer), e.g. 10 minutes
 * @param now - the current time, epoch ms or a Date (default `Date.now()`)
 * @throws TwoFactorError `INVALID_OPTION` when `maxAgeMs` is not a positive integer
 *
 * @example
 * ```ts
 * isRecent(1_000_000, 600_000, 1_300_000); // true
 * isRecent(1_000_000, 600_000, 1_600_001); // false
 * isRecent(null, 600_000);                 // false
 * ```
 */
export function isRecent(verifiedAt: number | null | undefined, maxAgeMs: number, now: number | Date = Date.now()): boolean {
  if (!Number.isSafeInteger(maxAgeMs) || maxAgeMs <= 0) fail('INVALID_OPTION', 'maxAgeMs', 'a positive integer', maxAgeMs);
  const at = now instanceof Date ? now.getTime() : now;
  if (typeof verifiedAt !== 'number' || !Number.isFinite(verifiedAt)) return false;
  const age = at - verifiedAt;
  return age >= 0 && age <= maxAgeMs;
}
