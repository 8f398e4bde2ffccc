// The back-off policy (RFC 4226 §7.3, the delay scheme), as pure functions of the stored counters.
import { fail, integerOption, optionsObject } from '../../internal/assert.js';

/** Throttling settings; see {@link DEFAULT_THROTTLE} for the defaults and why. */
export interface ThrottleOptions {
  /** Consecutive failures allowed without any wait (typos happen). Integer 0–100. */
  freeFailures?: number;
  /** Wait after the first failure beyond the free ones, in **milliseconds**; doubles with each further failure. */
  baseDelayMs?: number;
  /** Longest wait, in **milliseconds**: the back-off stops growing here (back-off, never a hard lock-out). */
  maxDelayMs?: number;
}

/** Validated throttle settings. */
export type ThrottlePolicy = Readonly<Required<ThrottleOptions>>;

/**
 * Default throttling: 3 free failures, then waits of 1 s, 2 s, 4 s … doubling up to 1 hour. The odds
 * these give an attacker who has the password are worked out in docs/security.md.
 *
 * @example
 * ```ts
 * createTwoFactor({ store, issuer: 'InworkJobs', throttle: { ...DEFAULT_THROTTLE, maxDelayMs: 15 * 60_000 } });
 * ```
 */
export const DEFAULT_THROTTLE: ThrottlePolicy = Object.freeze({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 60 * 60 * 1000 });

const MAX_DELAY_LIMIT_MS = 7 * 24 * 60 * 60 * 1000;

/** Validates `throttle` options against the defaults. @internal */
export function throttlePolicy(options: ThrottleOptions | undefined): ThrottlePolicy {
  const o = optionsObject(options, 'throttle');
  const freeFailures = integerOption(o.freeFailures, 'throttle.freeFailures', 0, 100, DEFAULT_THROTTLE.freeFailures);
  const baseDelayMs = integerOption(o.baseDelayMs, 'throttle.baseDelayMs', 1, MAX_DELAY_LIMIT_MS, DEFAULT_THROTTLE.baseDelayMs);
  const maxDelayMs = integerOption(o.maxDelayMs, 'throttle.maxDelayMs', 1, MAX_DELAY_LIMIT_MS, Math.max(DEFAULT_THROTTLE.maxDelayMs, baseDelayMs));
  if (maxDelayMs < baseDelayMs) fail('INVALID_OPTION', 'throttle.maxDelayMs', `at least throttle.baseDelayMs (${baseDelayMs})`, maxDelayMs);
  return Object.freeze({ freeFailures, baseDelayMs, maxDelayMs });
}

/**
 * The wait, in milliseconds, required after `failures` consecutive failures before the next attempt:
 * 0 up to `freeFailures`, then `baseDelayMs·2^(n−1)` for the n-th failure beyond them, capped at `maxDelayMs`.
 *
 * @param failures - consecutive failures so far (integer ≥ 0)
 * @param policy - the throttle settings
 *
 * @example
 * ```ts
 * throttleDelayMs(4, DEFAULT_THROTTLE);  // 1000
 * throttleDelayMs(6, DEFAULT_THROTTLE);  // 4000
 * throttleDelayMs(99, DEFAULT_THROTTLE); // 3600000
 * ```
 */
export function throttleDelayMs(failures: number, policy: ThrottlePolicy): number {
  const n = failures - policy.freeFailures;
  if (n <= 0) return 0;
  // 2^(n-1) overflows to Infinity for large n, which Math.min turns into the cap.
  return Math.min(policy.baseDelayMs * 2 ** (n - 1), policy.maxDelayMs);
}

/**
 * How long, in milliseconds, an attempt at `nowMs` must still wait; 0 when it may proceed.
 * A refused attempt changes nothing, so hammering a throttled account neither extends the wait nor costs a write.
 * The result never exceeds `throttleDelayMs(failures, policy)`: a `lastFailureAt` ahead of `nowMs` (another
 * server's clock running ahead) neither throttles an attempt within the free failures nor lengthens a wait.
 *
 * @param failures - the record's consecutive failures
 * @param lastFailureAt - the last failure's time (epoch ms), or null
 * @param nowMs - the current time, epoch ms
 * @param policy - the throttle settings
 *
 * @example
 * ```ts
 * retryAfterMs(4, 10_000, 10_400, DEFAULT_THROTTLE); // 600
 * ```
 */
export function retryAfterMs(failures: number, lastFailureAt: number | null, nowMs: number, policy: ThrottlePolicy): number {
  const delay = throttleDelayMs(failures, policy);
  if (lastFailureAt === null || delay === 0) return 0;
  return Math.min(delay, Math.max(0, lastFailureAt + delay - nowMs));
}
