// A clock the test moves by hand, for the service's `now` option.
import { fail } from '../internal/assert.js';

const MAX_TIME_MS = 8.64e15; // the largest time a Date can hold

/**
 * A clock for tests: it stands still until told to move. Pass `clock.now` as the service's `now`.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(Date.UTC(2026, 0, 1));
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Test', now: clock.now });
 * clock.advance(30_000);
 * clock.now(); // 1767225630000 (the next TOTP step)
 * ```
 */
export class ManualClock {
  #ms: number;

  /**
   * @param startMs - the initial time, epoch **milliseconds**; default 2026-01-01T00:00:00Z
   * @throws TwoFactorError `INVALID_OPTION` for a time that is not a safe integer in 0–8.64e15
   */
  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.#ms = checkTime(startMs, 'startMs');
  }

  /** The current time, epoch milliseconds. A bound function, so `clock.now` can be handed around. */
  readonly now = (): number => this.#ms;

  /**
   * Moves the clock forward (or back, with a negative value) by `ms` **milliseconds**.
   * @throws TwoFactorError `INVALID_OPTION` when the result leaves 0–8.64e15
   */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) fail('INVALID_OPTION', 'ms', 'a safe integer', ms);
    this.#ms = checkTime(this.#ms + ms, 'ms');
  }

  /**
   * Sets the clock to `ms`, epoch **milliseconds**.
   * @throws TwoFactorError `INVALID_OPTION` for a time that is not a safe integer in 0–8.64e15
   */
  set(ms: number): void {
    this.#ms = checkTime(ms, 'ms');
  }
}

function checkTime(ms: unknown, field: string): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || ms > MAX_TIME_MS) {
    fail('INVALID_OPTION', field, 'epoch milliseconds 0–8.64e15', ms);
  }
  return ms;
}
