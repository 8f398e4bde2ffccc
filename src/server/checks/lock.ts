// The hard cap on guessing (NIST SP 800-63B-4 §3.2.2): after `throttle.lockAfter` consecutive failed
// codes a user's codes are all refused with 'locked' until `unlock` or `reset`. The count is the one the
// back-off reads (`failures`), so the cap needs no field of its own; a refusal while throttled or locked
// is not counted, so only real guesses move it.

/** Default `throttle.lockAfter`: the SP 800-63B-4 §3.2.2 ceiling of 100 consecutive failures. */
export const DEFAULT_LOCK_AFTER = 100;
/** Largest `throttle.lockAfter` accepted (above the NIST ceiling, for deployments that document why). */
export const MAX_LOCK_AFTER = 10_000;

/** True when `failures` consecutive failures have reached the cap. @internal */
export function isLocked(failures: number, lockAfter: number): boolean {
  return failures >= lockAfter;
}

/** True when one more counted failure, from `before` to `after`, is the one that reaches the cap: the moment to emit `locked`, once. @internal */
export function locksNow(before: number, after: number, lockAfter: number): boolean {
  return before < lockAfter && after >= lockAfter;
}
