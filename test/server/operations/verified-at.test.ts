// Every ok of verify, completeSignIn and confirmEnrollment carries verifiedAt, the service clock's time of
// the verification (epoch ms), so an app can ask for a code within the last 10 minutes before a sensitive
// action; failures carry none.
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateHotp, generateSecret } from '../../../src/index.js';
import { codeAt, setup, STEP_MS, wrongCodeAt } from '../../support/fixtures.js';
import { challengeOf, twoUsers } from '../../support/sign-in.js';

describe('verifiedAt', () => {
  it('confirmEnrollment: first factor and an added one', async () => {
    const ctx = setup();
    const first = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice' });
    ctx.clock.advance(1234);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(first.secret, ctx.clock.now()))).toMatchObject({ ok: true, verifiedAt: ctx.clock.now() });
    const second = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice', label: 'Second' });
    ctx.clock.advance(STEP_MS);
    const added = await ctx.twoFactor.confirmEnrollment('alice', codeAt(second.secret, ctx.clock.now()), { proof: codeAt(first.secret, ctx.clock.now()) });
    expect(added).toEqual({ ok: true, factorId: expect.any(String), backupCodes: [], verifiedAt: ctx.clock.now() });
  });

  it('verify: TOTP, HOTP and backup codes; completeSignIn', async () => {
    const ctx = await twoUsers();
    ctx.clock.advance(777);
    expect(await ctx.twoFactor.verify('alice', ctx.code(ctx.alice))).toMatchObject({ ok: true, method: 'totp', verifiedAt: ctx.clock.now() });
    ctx.clock.advance(1);
    expect(await ctx.twoFactor.verify('alice', ctx.alice.backupCodes[0]!)).toEqual({ ok: true, method: 'backup-code', backupCodesRemaining: 9, verifiedAt: ctx.clock.now() });
    ctx.clock.advance(1);
    expect(await ctx.twoFactor.completeSignIn(await challengeOf(ctx, 'bob'), ctx.code(ctx.bob))).toMatchObject({ ok: true, verifiedAt: ctx.clock.now() });
    const token = encodeBase32(generateSecret());
    await ctx.twoFactor.addHotpToken('tok', { secret: token, codes: [generateHotp(token, 0), generateHotp(token, 1)] });
    ctx.clock.advance(1);
    expect(await ctx.twoFactor.verify('tok', generateHotp(token, 2))).toMatchObject({ ok: true, method: 'hotp', verifiedAt: ctx.clock.now() });
  });

  it('failures carry none', async () => {
    const ctx = await twoUsers();
    const wrong = wrongCodeAt(ctx.alice.secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', wrong)).not.toHaveProperty('verifiedAt');
    expect(await ctx.twoFactor.completeSignIn(await challengeOf(ctx, 'alice'), wrong)).not.toHaveProperty('verifiedAt');
    expect(await ctx.twoFactor.confirmEnrollment('alice', wrong)).not.toHaveProperty('verifiedAt');
  });
});
