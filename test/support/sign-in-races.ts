// The sign-in races every store must win (vitest only): of 50 concurrent completeSignIn calls with one
// challenge and one code exactly one is ok; of 50 challenges of one user each sent with the same code,
// exactly one is ok; of 50 wrong codes on one challenge at most maxAttempts (5) are counted. Each call goes
// to one of several connections (stores) to one database, as instances of an app would.
import { expect } from 'vitest';
import { createTwoFactor, type TwoFactor, type TwoFactorRecord, type TwoFactorStore } from '../../src/server/index.js';
import { CHEAP_SCRYPT, ManualClock, T0_MS, codeAt, enableUser, wrongCodeAt } from './fixtures.js';

const CALLS = 50;
let users = 0;

/** Services over `stores` sharing one clock; the throttle never refuses (the races are about the challenge, not the back-off). */
async function race(stores: TwoFactorStore[]) {
  const clock = new ManualClock(T0_MS);
  const services = stores.map((store) =>
    createTwoFactor({ store, issuer: 'Sign-in races', now: clock.now, throttle: { freeFailures: 100, baseDelayMs: 1, maxDelayMs: 1 }, backupCodes: { cost: CHEAP_SCRYPT } }),
  );
  const userId = `signin-${process.pid}-${++users}-${Math.random().toString(36).slice(2, 8)}`;
  const { secret, backupCodes } = await enableUser(services[0]!, clock, userId);
  const at = (i: number): TwoFactor => services[i % services.length]!;
  const record = async (): Promise<TwoFactorRecord> => (await stores[0]!.get(userId))!.record;
  return { clock, services, at, userId, secret, backupCodes, record };
}

async function begin(twoFactor: TwoFactor, userId: string): Promise<string> {
  const begun = await twoFactor.beginSignIn(userId);
  if (!begun.required) throw new Error('expected a challenge');
  return begun.challenge;
}

/** 50 concurrent completeSignIn with one challenge and one valid TOTP code: exactly one ok, the others challenge-invalid. */
export async function oneChallengeOneCode(stores: TwoFactorStore[]): Promise<void> {
  const r = await race(stores);
  const challenge = await begin(r.at(0), r.userId);
  const code = codeAt(r.secret, r.clock.now());
  const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => r.at(i).completeSignIn(challenge, code)));
  expect(results.filter((x) => x.ok), 'one challenge, one TOTP code: winners').toHaveLength(1);
  for (const x of results) if (!x.ok) expect(x.reason).toBe('challenge-invalid');
  expect((await r.record()).challenges ?? []).toHaveLength(0);
}

/** The same with one backup code (two compare-and-sets per success: the charge, then the use). */
export async function oneChallengeOneBackupCode(stores: TwoFactorStore[]): Promise<void> {
  const r = await race(stores);
  const challenge = await begin(r.at(0), r.userId);
  const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => r.at(i).completeSignIn(challenge, r.backupCodes[0]!)));
  expect(results.filter((x) => x.ok), 'one challenge, one backup code: winners').toHaveLength(1);
  expect(await r.at(0).status(r.userId)).toMatchObject({ backupCodesRemaining: 9 });
}

/** 50 challenges of one user begun one after another (5 stay open), then each sent at once with the same code: exactly one ok. */
export async function manyChallengesOneCode(stores: TwoFactorStore[]): Promise<void> {
  const r = await race(stores);
  const challenges: string[] = [];
  for (let i = 0; i < CALLS; i++) challenges.push(await begin(r.at(i), r.userId));
  expect((await r.record()).challenges).toHaveLength(5);
  const code = codeAt(r.secret, r.clock.now());
  const results = await Promise.all(challenges.map((challenge, i) => r.at(i).completeSignIn(challenge, code)));
  expect(results.filter((x) => x.ok), '50 challenges, one code: winners').toHaveLength(1);
  const reasons = results.flatMap((x) => (x.ok ? [] : [x.reason]));
  expect(reasons.filter((reason) => reason === 'challenge-invalid')).toHaveLength(CALLS - 5);
  expect(reasons.filter((reason) => reason !== 'challenge-invalid')).toEqual(['replayed', 'replayed', 'replayed', 'replayed']);
}

/** 50 concurrent wrong codes on one challenge: exactly 5 counted (on the challenge and in the user's budget), 45 challenge-invalid. */
export async function wrongCodesOneChallenge(stores: TwoFactorStore[]): Promise<void> {
  const r = await race(stores);
  const challenge = await begin(r.at(0), r.userId);
  const wrong = wrongCodeAt(r.secret, r.clock.now());
  const results = await Promise.all(Array.from({ length: CALLS }, (_, i) => r.at(i).completeSignIn(challenge, wrong)));
  const counted = results.filter((x) => !x.ok && x.reason === 'invalid');
  expect(counted.length, '50 wrong codes on one challenge: counted').toBeLessThanOrEqual(5);
  expect(counted).toHaveLength(5);
  expect(results.filter((x) => !x.ok && x.reason === 'challenge-invalid')).toHaveLength(CALLS - 5);
  const record = await r.record();
  expect(record.failures).toBe(5);
  expect(record.challenges ?? []).toHaveLength(0);
}

/** Every race above, in turn. */
export async function expectSignInRaces(stores: TwoFactorStore[]): Promise<void> {
  await oneChallengeOneCode(stores);
  await oneChallengeOneBackupCode(stores);
  await manyChallengesOneCode(stores);
  await wrongCodesOneChallenge(stores);
}
