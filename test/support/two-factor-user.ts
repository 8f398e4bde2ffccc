// A service with a hand-moved clock and a user with 2FA enabled on it, for the store tests and the
// cross-process workers (which bundle this file).
import { createTwoFactor, type TwoFactor, type TwoFactorStore } from '../../src/server/index.js';
import { ManualClock, codeAt } from '../../src/testing/index.js';

// The library's own test helpers (what users get from `@inworkjobs/two-factor/testing`).
export { ManualClock, codeAt };

/** 2026-01-01T00:00:00Z, the start of a 30 s step. */
export const T0_MS = 1_767_225_600_000;
export const STEP_MS = 30_000;

/**
 * The service over `store`, reading `clock`. Throttling is set so that the losers of a race (each a counted
 * failure) never turn the next round into `'throttled'`; scrypt runs at its cheapest allowed cost.
 */
export function serviceOn(store: TwoFactorStore, clock: ManualClock): TwoFactor {
  return createTwoFactor({
    store,
    issuer: 'Store tests',
    now: clock.now,
    throttle: { freeFailures: 100, baseDelayMs: 1, maxDelayMs: 1 },
    backupCodes: { cost: { N: 2 ** 10, r: 8, p: 1 } },
  });
}

/** Enrols and confirms `userId` at `clock.now()`, then moves the clock one step on so the next code is fresh. */
export async function enableUser(twoFactor: TwoFactor, clock: ManualClock, userId: string) {
  const { secret } = await twoFactor.beginEnrollment(userId, { accountName: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, codeAt(secret, clock.now()));
  if (!confirmed.ok) throw new Error(`enrolment of ${userId} failed: ${confirmed.reason}`);
  clock.advance(STEP_MS);
  return { secret, backupCodes: confirmed.backupCodes };
}

