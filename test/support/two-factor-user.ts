// A service with a hand-moved clock and a user with 2FA enabled on it, for the store tests and the
// cross-process workers (which bundle this file).
import { createTwoFactor, type TwoFactor, type TwoFactorStore } from '../../src/server/index.js';
import { generateTotp } from '../../src/totp.js';

/** 2026-01-01T00:00:00Z, the start of a 30 s step. */
export const T0_MS = 1_767_225_600_000;
export const STEP_MS = 30_000;

/** A clock the test moves by hand. */
export interface ManualClock {
  nowMs: number;
}

/**
 * The service over `store`, reading `clock`. Throttling is set so that the losers of a race (each a counted
 * failure) never turn the next round into `'throttled'`; scrypt runs at its cheapest allowed cost.
 */
export function serviceOn(store: TwoFactorStore, clock: ManualClock): TwoFactor {
  return createTwoFactor({
    store,
    issuer: 'Store tests',
    now: () => clock.nowMs,
    throttle: { freeFailures: 100, baseDelayMs: 1, maxDelayMs: 1 },
    backupCodes: { cost: { N: 2 ** 10, r: 8, p: 1 } },
  });
}

/** The TOTP code the user's app shows at `nowMs`. */
export const codeAt = (secret: string, nowMs: number): string => generateTotp(secret, { now: nowMs });

/** Enrols and confirms `userId` at `clock.nowMs`, then moves the clock one step on so the next code is fresh. */
export async function enableUser(twoFactor: TwoFactor, clock: ManualClock, userId: string) {
  const { secret } = await twoFactor.beginEnrollment(userId, { accountName: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, codeAt(secret, clock.nowMs));
  if (!confirmed.ok) throw new Error(`enrolment of ${userId} failed: ${confirmed.reason}`);
  clock.nowMs += STEP_MS;
  return { secret, backupCodes: confirmed.backupCodes };
}
