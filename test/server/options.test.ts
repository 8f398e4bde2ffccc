// createTwoFactor's options and the operations' arguments (src/server/options.ts, src/server/user-id.ts).
import { describe, expect, it } from 'vitest';
import { createTwoFactor, MemoryStore } from '../../src/server/index.js';
import { TwoFactorError } from '../../src/index.js';
import { enrol, setup } from '../support/fixtures.js';

describe('argument and option validation', () => {
  const store = new MemoryStore();
  const base = { store, issuer: 'InworkJobs' };
  const key = new Uint8Array(32);
  const bad: [string, Record<string, unknown>][] = [
    ['store', { store: {} }],
    ['issuer', { issuer: '' }],
    ['issuer', { issuer: 42 }],
    ['now', { now: 5 }],
    ['totp.digits', { totp: { digits: 5 } }],
    ['totp.algorithm', { totp: { algorithm: 'sha1' } }],
    ['totp.window', { totp: { window: 11 } }],
    ['enrollmentTtlMs', { enrollmentTtlMs: 0 }],
    ['throttle.freeFailures', { throttle: { freeFailures: -1 } }],
    ['throttle.maxDelayMs', { throttle: { baseDelayMs: 5000, maxDelayMs: 1000 } }],
    ['backupCodes.count', { backupCodes: { count: 0 } }],
    ['backupCodes.length', { backupCodes: { length: 4 } }],
    // Checked when the service is made, not at the first confirmation.
    ['backupCodes.cost', { backupCodes: { cost: { N: 3, r: 8, p: 1 } } }],
    ['onEvent', { onEvent: 'log' }],
    ['encryption.keys.k1', { encryption: { keys: { k1: new Uint8Array(31) }, current: 'k1' } }],
    ['encryption.current', { encryption: { keys: { k1: key }, current: 'k2' } }],
  ];
  it.each(bad)('createTwoFactor throws INVALID_OPTION naming "%s"', (field, override) => {
    const attempt = () => createTwoFactor({ ...base, ...override } as never);
    expect(attempt).toThrow(TwoFactorError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(`"${field}"`) }));
  });

  it('userId must be a string of 1–256 characters; accountName a non-empty string', async () => {
    const { twoFactor } = setup();
    for (const userId of ['', 'x'.repeat(257), 42, undefined, 'a\uD800', 'a\uDC00b', 'a\0b']) {
      await expect(twoFactor.verify(userId as string, '123456')).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"userId"') });
      await expect(twoFactor.status(userId as string)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    expect(await twoFactor.status('x'.repeat(256))).toMatchObject({ state: 'disabled' });
    expect(await twoFactor.status('user-\u{1F600}')).toMatchObject({ state: 'disabled' }); // a surrogate pair is fine
    await expect(twoFactor.beginEnrollment('alice', { accountName: '' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"accountName"') });
    await expect(twoFactor.beginEnrollment('alice', undefined as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('a clock that returns something other than epoch milliseconds throws INVALID_OPTION "now"', async () => {
    const { twoFactor } = setup({ now: () => Number.NaN });
    await expect(twoFactor.beginEnrollment('alice', { accountName: 'a' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"now"') });
  });

  it('a code of the wrong type is an invalid code, not an exception', async () => {
    const ctx = setup();
    await enrol(ctx);
    expect(await ctx.twoFactor.verify('alice', undefined as never)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.disable('alice', 123456 as never)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});
