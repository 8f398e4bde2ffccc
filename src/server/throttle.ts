// The back-off policy (RFC 4226 §7.3, the delay scheme), as pure functions of the stored counters.
import { fail, integerOption, optionsObject } from '../internal/assert.js';

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
 * Default throttling: 3 free failures, then waits of 1 s, 2 s, 4 s … doubling up to 1 hour.
 *
 * Why these numbers (an attacker who already has the password, guessing without pause):
 * - reaching the cap takes 3 + 12 failures (waits 1 s … 2048 s, 4095 s ≈ 68 min in all); after that one
 *   guess per hour, so about **37 guesses on the first day and 24 a day after** — 8,800 a year.
 * - with the default window of ±1 step, 3 of the 10^6 six-digit codes are accepted at any moment, so a guess
 *   succeeds with p = 3·10⁻⁶: about **7·10⁻⁵ per day, 0.2 % per month, 2.6 % per year** of continuous
 *   guessing (1 − (1 − 3·10⁻⁶)^8 800), against 2 % *per day* for a limit of 5 guesses a minute (7,200 a day)
 *   and near-certainty within days for no limit at all. A year of guessing also produces thousands of
 *   `throttled` events: alert the user on them (their password is known to someone).
 * - a backup code (10 valid among 2^50 possible codes) is out of reach at this rate: about 10⁻⁸ in a century.
 * - a user who mistypes waits nothing for 3 failures, 1–4 s for the next three, and reaches the one-hour
 *   wait only after 15 consecutive failures; a success resets the count. A refused (throttled) attempt is
 *   not counted and writes nothing, so hammering neither extends the wait nor loads the store. An attacker
 *   who knows the password can keep an account throttled (any limit lets them), never locked: the remedy
 *   is changing the password, which ends their attempts. `maxDelayMs` of 15 min (django-otp-like
 *   responsiveness) raises the yearly odds to 10 %; longer caps lower them further.
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
