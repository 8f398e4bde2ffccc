// A check shared by the store test files (vitest only: the cross-process workers bundle fixtures.ts).
import { expect } from 'vitest';
import { createTwoFactor, type TwoFactor, type TwoFactorStore } from '../../src/server/index.js';
import { encodeBase32, generateHotp, generateSecret } from '../../src/index.js';
import { CHEAP_SCRYPT, ManualClock, STEP_MS, T0_MS, codeAt, enableUser, serviceOn } from './fixtures.js';

/**
 * The wiring every store must support, through the service: a TOTP code works once and is then
 * refused as replayed, a backup code works once and is then refused. Returns the service for more checks.
 */
export async function expectSingleUseThroughService(store: TwoFactorStore): Promise<TwoFactor> {
  const clock = new ManualClock(T0_MS);
  const twoFactor = serviceOn(store, clock);
  const { secret, backupCodes } = await enableUser(twoFactor, clock, 'alice');
  const code = codeAt(secret, clock.now());
  expect(await twoFactor.verify('alice', code)).toMatchObject({ ok: true, method: 'totp' });
  expect(await twoFactor.verify('alice', code)).toMatchObject({ ok: false, reason: 'replayed' });
  expect(await twoFactor.verify('alice', backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code', backupCodesRemaining: 9 });
  expect(await twoFactor.verify('alice', backupCodes[0]!)).toMatchObject({ ok: false, reason: 'invalid' });
  return twoFactor;
}

/**
 * Of `n` concurrent requests carrying one code, exactly one succeeds, on `store`: a TOTP sign-in, an HOTP
 * sign-in, a confirmation with one proof code, a token registration with one backup code as proof, and a
 * removal with one code. Waits of 1 ms after 3 free failures let the losers settle (a throttled refusal
 * writes nothing) while the manual clock stands still.
 */
export async function expectConcurrentFactorUse(store: TwoFactorStore, n = 50): Promise<void> {
  const clock = new ManualClock(T0_MS);
  const twoFactor = createTwoFactor({ store, issuer: 'Store tests', now: clock.now, throttle: { freeFailures: 3, baseDelayMs: 1, maxDelayMs: 1 }, backupCodes: { cost: CHEAP_SCRYPT } });
  const race = async <R extends { ok: boolean }>(call: () => Promise<R>): Promise<R[]> => {
    const results = await Promise.all(Array.from({ length: n }, call));
    clock.advance(1); // past the 1 ms wait the losers' failures left
    return results;
  };
  const winners = (results: { ok: boolean }[]) => results.filter((r) => r.ok).length;
  const user = `race-${Math.random().toString(36).slice(2)}`;
  const { secret, backupCodes } = await enableUser(twoFactor, clock, user);

  expect(winners(await race(() => twoFactor.verify(user, codeAt(secret, clock.now())))), 'TOTP sign-in').toBe(1);

  const second = await twoFactor.beginEnrollment(user, { accountName: 'a', label: 'Second phone' });
  clock.advance(STEP_MS);
  const proof = codeAt(secret, clock.now());
  expect(winners(await race(() => twoFactor.confirmEnrollment(user, codeAt(second.secret, clock.now()), { proof }))), 'proof code').toBe(1);
  expect(await twoFactor.listFactors(user)).toHaveLength(2);

  const token = encodeBase32(generateSecret());
  const codes: [string, string] = [generateHotp(token, 0), generateHotp(token, 1)];
  const added = await race(() => twoFactor.addHotpToken(user, { secret: token, codes, proof: backupCodes[0]! }));
  expect(winners(added), 'backup code as proof').toBe(1);
  expect(await twoFactor.status(user)).toMatchObject({ backupCodesRemaining: 9, factors: [{}, {}, { type: 'hotp' }] });

  expect(winners(await race(() => twoFactor.verify(user, generateHotp(token, 2)))), 'HOTP sign-in').toBe(1);

  // Past the second phone's probation (72 h), so that its code may remove the older app.
  clock.advance(72 * 60 * 60 * 1000);
  const [first] = await twoFactor.listFactors(user);
  expect(winners(await race(() => twoFactor.removeFactor(user, first!.id, codeAt(second.secret, clock.now())))), 'removal').toBe(1);
  expect((await twoFactor.listFactors(user)).map((f) => f.label)).toEqual(['Second phone', 'Hardware token']);
}
