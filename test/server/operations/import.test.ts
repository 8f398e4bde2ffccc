// importFactor (src/server/import.ts): secrets and backup codes taken over from other systems, as the
// README's migration recipes do it (otplib/speakeasy, Laravel Fortify, devise-two-factor).
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateHotp, generateSecret, TwoFactorError } from '../../../src/index.js';
import { codeAt, setup, STEP_MS, stored } from '../../support/fixtures.js';

const SECRET = encodeBase32(generateSecret());

describe('importFactor', () => {
  it('otplib / speakeasy: a base32 secret becomes an enabled TOTP factor without any code; events carry no secret', async () => {
    const ctx = setup();
    const { factorId } = await ctx.twoFactor.importFactor('alice', { type: 'totp', secret: SECRET, label: 'Google Authenticator' });
    expect(factorId).toMatch(/^f_[a-z2-7]{10}$/);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ state: 'enabled', backupCodesRemaining: 0, factors: [{ id: factorId, label: 'Google Authenticator' }] });
    expect(await ctx.twoFactor.verify('alice', codeAt(SECRET, ctx.clock.now()))).toMatchObject({ ok: true, factorId });
    // No set was imported: every backup code is wrong (and counted).
    expect(await ctx.twoFactor.verify('alice', 'abcde-fghjk')).toEqual({ ok: false, reason: 'invalid' });
    expect(ctx.events.find((e) => e.type === 'factor-imported')).toEqual(expect.objectContaining({ factorId, factorType: 'totp', backupCodes: 0 }));
    expect(JSON.stringify(ctx.events)).not.toContain(SECRET);
  });

  it("Laravel Fortify: the decrypted secret and the JSON list of recovery codes; codes are hashed, each works once", async () => {
    const ctx = setup();
    // two_factor_recovery_codes, decrypted: a JSON array (Fortify makes Str::random(10).'-'.Str::random(10)).
    const recoveryJson = JSON.stringify(['Kq7WzH2xPd-M9vTbN3cRf', 'Yt6GhJ8kPw-Xb2ZcVn4Qm']);
    await ctx.twoFactor.importFactor('alice', { type: 'totp', secret: SECRET }, { backupCodes: JSON.parse(recoveryJson) as string[] });
    const text = JSON.stringify((await stored(ctx.store))!.record);
    expect(text).not.toContain('Kq7WzH2xPd');
    expect(text.toLowerCase()).not.toContain('kq7wzh2xpd');
    expect(await ctx.twoFactor.verify('alice', 'Kq7WzH2xPd-M9vTbN3cRf')).toEqual({ ok: true, method: 'backup-code', backupCodesRemaining: 1 });
    expect(await ctx.twoFactor.verify('alice', 'Kq7WzH2xPd-M9vTbN3cRf')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('devise-two-factor: consumed_timestep becomes lastUsedStep, so the code of that step is never accepted again', async () => {
    const ctx = setup();
    const consumedTimestep = Math.floor(ctx.clock.now() / STEP_MS);
    await ctx.twoFactor.importFactor('alice', { type: 'totp', secret: SECRET, lastUsedStep: consumedTimestep });
    expect(await ctx.twoFactor.verify('alice', codeAt(SECRET, ctx.clock.now()))).toEqual({ ok: false, reason: 'replayed' });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(SECRET, ctx.clock.now()))).toMatchObject({ ok: true });
  });

  it('an HOTP token at its counter; a second import is added beside the first; codes only for a user without a set', async () => {
    const ctx = setup();
    await ctx.twoFactor.importFactor('alice', { type: 'hotp', secret: SECRET, counter: 41n, digits: 8 }, { backupCodes: ['abcde-fghjk'] });
    await ctx.twoFactor.importFactor('alice', { type: 'totp', secret: encodeBase32(generateSecret()), algorithm: 'SHA256', period: 60 });
    expect((await ctx.twoFactor.listFactors('alice')).map((f) => [f.type, f.label])).toEqual([['hotp', 'Hardware token'], ['totp', 'Authenticator app']]);
    expect(await ctx.twoFactor.verify('alice', generateHotp(SECRET, 41, { digits: 8 }))).toMatchObject({ ok: true, method: 'hotp' });
    const before = await stored(ctx.store);
    await expect(ctx.twoFactor.importFactor('alice', { type: 'totp', secret: SECRET }, { backupCodes: ['zzzzz-zzzzz'] })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining('"opts.backupCodes"'),
    });
    expect(await stored(ctx.store)).toEqual(before);
  });

  it('malformed input is TwoFactorError naming the field; nothing is written', async () => {
    const ctx = setup();
    const cases: [unknown, unknown, string, string][] = [
      [{ type: 'sms', secret: SECRET }, undefined, 'INVALID_OPTION', '"factor.type"'],
      [{ type: 'totp', secret: 'not base32!' }, undefined, 'INVALID_SECRET', '"factor.secret"'],
      [{ type: 'totp', secret: SECRET, period: 3601 }, undefined, 'INVALID_OPTION', '"factor.period"'],
      [{ type: 'totp', secret: SECRET, digits: 11 }, undefined, 'INVALID_OPTION', '"factor.digits"'],
      [{ type: 'totp', secret: SECRET, algorithm: 'sha1' }, undefined, 'INVALID_OPTION', '"factor.algorithm"'],
      [{ type: 'totp', secret: SECRET, lastUsedStep: 1.5 }, undefined, 'INVALID_OPTION', '"factor.lastUsedStep"'],
      [{ type: 'totp', secret: SECRET, label: 'a\u0007b' }, undefined, 'INVALID_OPTION', '"factor.label"'],
      [{ type: 'hotp', secret: SECRET }, undefined, 'INVALID_OPTION', '"factor.counter"'],
      [{ type: 'hotp', secret: SECRET, counter: 2n ** 60n }, undefined, 'INVALID_OPTION', '"factor.counter"'],
      [{ type: 'totp', secret: SECRET }, { backupCodes: [] }, 'INVALID_OPTION', '"opts.backupCodes"'],
      [{ type: 'totp', secret: SECRET }, { backupCodes: 'abcde-fghjk' }, 'INVALID_OPTION', '"opts.backupCodes"'],
      // 'u' is outside the backup-code alphabet: such a code cannot be stored (see the README's Fortify recipe).
      [{ type: 'totp', secret: SECRET }, { backupCodes: ['abcde-fghjk', 'uuuuu-uuuuu'] }, 'INVALID_OPTION', '"opts.backupCodes[1]"'],
      [{ type: 'totp', secret: SECRET }, { backupCodes: ['abcde-fghjk', 'abcde-fghjk'] }, 'INVALID_OPTION', '"opts.backupCodes[1]"'],
      [null, undefined, 'INVALID_OPTION', '"factor"'],
    ];
    for (const [factor, opts, code, field] of cases) {
      const error = await ctx.twoFactor.importFactor('alice', factor as never, opts as never).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(TwoFactorError);
      expect(error, field).toMatchObject({ code, message: expect.stringContaining(field) });
      expect((error as Error).message).not.toContain(SECRET);
    }
    expect(await stored(ctx.store)).toBeNull();
  });
});
