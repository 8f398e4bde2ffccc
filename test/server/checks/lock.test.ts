// The hard cap on guessing (src/server/checks/lock.ts, NIST SP 800-63B-4 §3.2.2), through the public entry:
// 100 consecutive failures across every factor and the backup codes lock every code, with one `locked`
// event, until unlock or reset; waits of the back-off are not counted; a success resets the count.
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateHotp, generateSecret } from '../../../src/index.js';
import { codeAt, enrol, setup, STEP_MS, wrongCodeAt } from '../../support/fixtures.js';
import { challengeOf, withoutWrites } from '../../support/sign-in.js';

type Context = ReturnType<typeof setup>;

/**
 * Fails `count` times for 'alice' with the default back-off, waiting out each wait it asks for (a
 * throttled refusal is not counted, so it is retried after the wait). `backupEvery` > 0 makes every n-th
 * guess a wrong backup code, so the factors and the backup codes share the count. Returns the throttled refusals seen.
 */
async function fail(ctx: Context, secret: string, count: number, backupEvery = 0, token?: string): Promise<number> {
  let throttled = 0;
  // Never one of the token's next codes either (its look-ahead would accept it).
  const tokenCodes = new Set(token ? Array.from({ length: 64 }, (_, i) => generateHotp(token, i)) : []);
  for (let n = 0; n < count; ) {
    const valid = new Set([-1, 0, 1].map((k) => codeAt(secret, ctx.clock.now() + k * STEP_MS)));
    let wrong = wrongCodeAt(secret, ctx.clock.now());
    for (let k = 0; tokenCodes.has(wrong) || valid.has(wrong); k++) wrong = String(k).padStart(6, '0');
    const guess = backupEvery > 0 && n % backupEvery === 0 ? 'aaaaa-aaaaa' : wrong;
    const result = await ctx.twoFactor.verify('alice', guess);
    if (result.ok) throw new Error('a wrong code was accepted');
    if (result.reason === 'throttled') {
      throttled++;
      ctx.clock.advance(result.retryAfterMs!);
      continue;
    }
    expect(result.reason).toBe('invalid');
    n++;
  }
  return throttled;
}

async function lockedUser(options: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(options);
  const { secret, backupCodes } = await enrol(ctx);
  const token = encodeBase32(generateSecret());
  ctx.clock.advance(STEP_MS);
  await ctx.twoFactor.addHotpToken('alice', { secret: token, codes: [generateHotp(token, 0), generateHotp(token, 1)], proof: codeAt(secret, ctx.clock.now()) });
  ctx.clock.advance(STEP_MS);
  const throttled = await fail(ctx, secret, 100, 7, token);
  const code = () => codeAt(secret, ctx.clock.now());
  return { ...ctx, secret, backupCodes, token, throttled, code };
}

describe('100 consecutive failures lock every code', () => {
  it('the 100th failure locks: every code is then locked, nothing is written, one locked event, status().locked', async () => {
    const ctx = await lockedUser();
    expect(ctx.throttled).toBeGreaterThan(0); // the back-off did ask for waits, and they were not counted
    expect(ctx.events.filter((e) => e.type === 'locked')).toEqual([expect.objectContaining({ type: 'locked', userId: 'alice' })]);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ state: 'enabled', locked: true });
    ctx.clock.advance(24 * 60 * 60 * 1000); // no wait unlocks it
    const locked = { ok: false, reason: 'locked' };
    const second = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice', label: 'New' });
    const factorId = (await ctx.twoFactor.listFactors('alice'))[1]!.id;
    const calls: [string, () => Promise<unknown>][] = [
      ['verify, TOTP', () => ctx.twoFactor.verify('alice', ctx.code())],
      ['verify, HOTP', () => ctx.twoFactor.verify('alice', generateHotp(ctx.token, 2))],
      ['verify, backup code', () => ctx.twoFactor.verify('alice', ctx.backupCodes[0]!)],
      ['disable', () => ctx.twoFactor.disable('alice', ctx.code())],
      ['regenerateBackupCodes', () => ctx.twoFactor.regenerateBackupCodes('alice', ctx.code())],
      ['removeFactor', () => ctx.twoFactor.removeFactor('alice', factorId, ctx.code())],
      ['confirmEnrollment with proof', () => ctx.twoFactor.confirmEnrollment('alice', codeAt(second.secret, ctx.clock.now()), { proof: ctx.code() })],
      ['resyncHotp', () => ctx.twoFactor.resyncHotp('alice', factorId, [generateHotp(ctx.token, 40), generateHotp(ctx.token, 41)])],
    ];
    for (const [name, call] of calls) expect(await withoutWrites(ctx, call as () => Promise<unknown>, ['alice']), name).toEqual(locked);
    const challenge = await challengeOf(ctx, 'alice');
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(challenge, ctx.code()), ['alice'])).toEqual(locked);
    expect(ctx.events.filter((e) => e.type === 'locked')).toHaveLength(1);
  });

  it('unlock(userId) ends it (true), the codes work again; unlock of a user who is not locked is false and writes nothing', async () => {
    const ctx = await lockedUser();
    expect(await ctx.twoFactor.unlock('alice')).toBe(true);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ locked: false });
    expect(await ctx.twoFactor.verify('alice', ctx.code())).toMatchObject({ ok: true });
    expect(await withoutWrites(ctx, () => ctx.twoFactor.unlock('alice'), ['alice'])).toBe(false);
    expect(await ctx.twoFactor.unlock('nobody')).toBe(false);
    // The count starts again from 0: 99 failures do not lock.
    await fail(ctx, ctx.secret, 99);
    ctx.clock.advance(60 * 60 * 1000);
    expect(await ctx.twoFactor.verify('alice', ctx.code())).toMatchObject({ ok: true });
  });

  it('a trusted device keeps signing the owner in while the codes are locked (its token is not a guessable code)', async () => {
    const ctx = setup({ throttle: { freeFailures: 100 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const trusted = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()), { trustDevice: {} });
    if (!trusted.ok || !trusted.trustedDevice) throw new Error('expected a trusted device');
    await fail(ctx, secret, 100);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ locked: true });
    const { deviceId, token } = trusted.trustedDevice;
    expect(await ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: token })).toEqual({ required: false, reason: 'trusted-device', deviceId });
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', token)).toEqual({ ok: true, deviceId });
  });

  it('reset ends it as well (2FA is removed)', async () => {
    const ctx = await lockedUser();
    await ctx.twoFactor.reset('alice');
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ state: 'disabled', locked: false });
  });

  it('a success before the 100th failure resets the count: 99 + success + 99 never locks', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    await fail(ctx, secret, 99);
    ctx.clock.advance(60 * 60 * 1000);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
    await fail(ctx, secret, 99);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ locked: false });
    expect(ctx.events.some((e) => e.type === 'locked')).toBe(false);
  });

  it('throttle.lockAfter sets the cap; bad values are INVALID_OPTION naming the field', async () => {
    const ctx = setup({ throttle: { freeFailures: 10, lockAfter: 5 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    await fail(ctx, secret, 5);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'locked' });
    for (const lockAfter of [0, -1, 1.5, '100', 10_001]) expect(() => setup({ throttle: { lockAfter: lockAfter as number } })).toThrow(/"throttle.lockAfter"/);
  });

  it('the locked event carries no code', async () => {
    const ctx = await lockedUser({ throttle: { freeFailures: 100 } });
    const text = JSON.stringify(ctx.events);
    for (const code of ctx.backupCodes) expect(text).not.toContain(code);
    expect(text).not.toContain(ctx.secret);
  });
});
