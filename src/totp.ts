// TOTP, RFC 6238: HOTP over the time step T = floor((unixSeconds − T0) / period).
import { fail, integerOption, optionsObject } from './internal/assert.js';
import { periodOption } from './internal/parameters.js';
import { secretBytes } from './base32.js';
import { codeString, matchStep, otpOptions, otpValues, parseCode } from './internal/otp.js';
import type { OtpOptions } from './hotp.js';
import type { Secret } from './secret.js';

/** Time options of a TOTP. */
export interface TimeOptions {
  /** The moment, as epoch **milliseconds** or a `Date`; default `Date.now()`. */
  now?: number | Date;
  /** Step length in **seconds**, a whole number ≥ 1; default 30. */
  period?: number;
  /** T0, the Unix time in **seconds** at which step 0 starts; default 0. */
  epoch?: number;
}

/** Options of {@link generateTotp}. */
export interface TotpOptions extends OtpOptions, TimeOptions {}

/** Options of {@link verifyTotp}. */
export interface TotpVerifyOptions extends TotpOptions {
  /**
   * Tolerated clock drift in **steps**: a number n means n steps back and n ahead; default 1
   * (RFC 6238 §5.2 recommends at most one step of network delay). Each side 0–100.
   */
  window?: number | { past: number; future: number };
  /** Replay guard: steps at or below this one never match. Store the `step` of each accepted code here. */
  afterStep?: number;
}

/** Result of {@link verifyTotp}: the matched step and its offset from the current one (−1 = previous step). */
export type TotpVerifyResult = { valid: true; step: number; delta: number } | { valid: false };

/** Largest window accepted on either side, in steps. */
export const MAX_WINDOW_STEPS = 100;

interface Clock { seconds: number; period: number; epoch: number }

function clockOptions(options: TimeOptions): Clock {
  const period = periodOption(options.period);
  const epoch = integerOption(options.epoch, 'epoch', 0, Number.MAX_SAFE_INTEGER, 0);
  const now = options.now;
  const ms = now === undefined ? Date.now() : now instanceof Date ? now.getTime() : now;
  // One rule for every bad value (wrong type, NaN, invalid Date, before 1970, beyond the Date range).
  if (typeof ms !== 'number' || !(ms >= 0 && ms <= 8.64e15)) fail('INVALID_OPTION', 'now', 'epoch ms (0–8.64e15) or a valid Date', now);
  const seconds = Math.floor(ms / 1000);
  if (seconds < epoch) fail('INVALID_OPTION', 'now', `at or after the epoch (${epoch} s)`, ms);
  return { seconds, period, epoch };
}

const stepOf = (clock: Clock): number => Math.floor((clock.seconds - clock.epoch) / clock.period);

/**
 * The RFC 6238 time step at a moment: `floor((unixSeconds − epoch) / period)`.
 *
 * @param options - `now` (ms or Date, default now), `period` (s, default 30), `epoch` (T0 in s, default 0)
 * @throws TwoFactorError `INVALID_OPTION` for a bad time, period or epoch
 *
 * @example
 * ```ts
 * timeStep({ now: 59_000 }); // 1
 * ```
 */
export function timeStep(options?: TimeOptions): number {
  return stepOf(clockOptions(optionsObject(options)));
}

/**
 * Whole seconds until the current code expires (1 – period), for a countdown next to the code.
 *
 * @param options - `now` (ms or Date, default now), `period` (s, default 30), `epoch` (T0 in s, default 0)
 * @throws TwoFactorError `INVALID_OPTION` for a bad time, period or epoch
 *
 * @example
 * ```ts
 * secondsRemaining({ now: 59_000 }); // 1
 * ```
 */
export function secondsRemaining(options?: TimeOptions): number {
  const clock = clockOptions(optionsObject(options));
  return clock.period - ((clock.seconds - clock.epoch) % clock.period);
}

/**
 * Generates the TOTP code for a moment (RFC 6238 §4).
 *
 * @param secret - the shared secret, bytes or base32
 * @param options - `algorithm`, `digits` (6–10), `now` (ms or Date), `period` (s), `epoch` (T0, s)
 * @returns the code as a zero-padded digit string
 * @throws TwoFactorError `INVALID_SECRET` for a bad secret, `INVALID_OPTION` for a bad option
 *
 * @example
 * ```ts
 * generateTotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { now: 59_000, digits: 8 }); // '94287082' (RFC 6238 Appendix B)
 * ```
 */
export function generateTotp(secret: Secret, options?: TotpOptions): string {
  const opts = optionsObject(options);
  const { algorithm, digits } = otpOptions(opts);
  const step = stepOf(clockOptions(opts));
  const key = secretBytes(secret);
  return codeString(otpValues(key, algorithm, Math.floor(step / 2 ** 32), step >>> 0, 1)[0]!, digits);
}

function windowOption(value: unknown): { past: number; future: number } {
  if (value === undefined) return { past: 1, future: 1 };
  if (typeof value === 'number') {
    const n = integerOption(value, 'window', 0, MAX_WINDOW_STEPS, 1);
    return { past: n, future: n };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('INVALID_OPTION', 'window', 'a number of steps or { past, future }', value);
  const { past, future } = value as { past?: unknown; future?: unknown };
  return {
    past: integerOption(past, 'window.past', 0, MAX_WINDOW_STEPS, 0),
    future: integerOption(future, 'window.future', 0, MAX_WINDOW_STEPS, 0),
  };
}

/**
 * Verifies a TOTP code within a window of steps around `now` (RFC 6238 §5.2), optionally refusing
 * every step at or below `afterStep` so an accepted code can never be replayed.
 *
 * A code of the wrong length or with characters other than digits and spaces is `{ valid: false }`
 * without any HMAC being computed. The key is scheduled once per call and every step of the window is
 * computed and compared in constant time, with no early exit. When several steps match, the one
 * closest to `now` wins (the earlier one on a tie).
 *
 * @param secret - the shared secret, bytes or base32
 * @param code - what the user typed; spaces are ignored
 * @param options - TOTP options plus `window` (steps, default 1 = ±1) and `afterStep`
 * @returns `{ valid: true, step, delta }` — store `step` as the next `afterStep` — or `{ valid: false }`
 * @throws TwoFactorError `INVALID_SECRET` / `INVALID_OPTION` for bad arguments (never for a bad code)
 *
 * @example
 * ```ts
 * const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
 * verifyTotp(secret, '287082', { now: 59_000 });                 // { valid: true, step: 1, delta: 0 }
 * verifyTotp(secret, '287082', { now: 59_000, afterStep: 1 });   // { valid: false }
 * ```
 */
export function verifyTotp(secret: Secret, code: string, options?: TotpVerifyOptions): TotpVerifyResult {
  const opts = optionsObject(options);
  const { algorithm, digits } = otpOptions(opts);
  const clock = clockOptions(opts);
  const { past, future } = windowOption(opts.window);
  const { afterStep } = opts;
  if (afterStep !== undefined && (typeof afterStep !== 'number' || !Number.isSafeInteger(afterStep))) {
    fail('INVALID_OPTION', 'afterStep', 'a safe integer', afterStep);
  }
  const key = secretBytes(secret);
  const expected = parseCode(code, digits);
  if (expected < 0) return { valid: false };

  const current = stepOf(clock);
  const step = matchStep(key, algorithm, digits, expected, current, past, future, afterStep ?? -1);
  return step < 0 ? { valid: false } : { valid: true, step, delta: step - current };
}
