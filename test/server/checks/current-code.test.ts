// One code against every enabled factor (src/server/factor-codes.ts): a code is single use per user, even
// when two factors share a secret (the same hardware token registered twice, or a secret imported twice).
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateSecret } from '../../../src/index.js';
import { codeAt, enrol, setup, STEP_MS, stored } from '../../support/fixtures.js';
import { oathHotp } from '../../support/oathtool.js';

const TOKEN = encodeBase32(generateSecret());

describe('a code matched by two factors with one secret', () => {
  it('HOTP: the same token registered twice; a code signs in once, not once per copy', async () => {
    const ctx = setup();
    const app = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const codes = oathHotp(TOKEN, 0, 6);
    const proofA = codeAt(app.secret, ctx.clock.now());
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [codes[0]!, codes[1]!], proof: proofA })).toMatchObject({ ok: true });
    ctx.clock.advance(STEP_MS);
    const proofB = codeAt(app.secret, ctx.clock.now());
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [codes[2]!, codes[3]!], proof: proofB, label: 'YubiKey again' })).toMatchObject({ ok: true });
    const hotp = (await stored(ctx.store))!.record.factors.filter((f) => f.type === 'hotp');
    expect(hotp.map((f) => (f as { counter: number }).counter)).toEqual([2, 4]);
    expect(await ctx.twoFactor.verify('alice', codes[4]!)).toMatchObject({ ok: true, method: 'hotp' });
    // A phished or shoulder-surfed code must not work a second time through the other copy.
    expect(await ctx.twoFactor.verify('alice', codes[4]!)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('TOTP: a secret imported twice; a code signs in once', async () => {
    const ctx = setup();
    const secret = encodeBase32(generateSecret());
    await ctx.twoFactor.importFactor('alice', { type: 'totp', secret, label: 'Old app' });
    await ctx.twoFactor.importFactor('alice', { type: 'totp', secret, label: 'Old app again' });
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', code)).toMatchObject({ ok: true, method: 'totp' });
    expect(await ctx.twoFactor.verify('alice', code)).toEqual({ ok: false, reason: 'replayed' });
    const steps = (await stored(ctx.store))!.record.factors.map((f) => (f as { lastStep: number }).lastStep);
    expect(steps[0]).toBe(steps[1]);
  });
});
