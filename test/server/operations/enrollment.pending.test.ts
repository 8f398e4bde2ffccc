// pendingEnrollment(userId) re-renders the set-up page after a wrong code or a reload: the same setupKey,
// uri, qrSvg, label and expiresAt that beginEnrollment returned (never the raw secret), null when there is
// nothing to show; reads only. A pending enrolment begun by 0.2 (no account name stored) cannot be shown again.
import { describe, expect, it } from 'vitest';
import { codeAt, enrol, setup, STEP_MS, wrongCodeAt } from '../../support/fixtures.js';
import { storeCalls } from '../../support/sign-in.js';

describe('pendingEnrollment', () => {
  it('returns what beginEnrollment returned, after a wrong code too, with one read and no write', async () => {
    const ctx = setup();
    const begun = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com', label: 'Work phone' });
    const { secret: _secret, ...shown } = begun;
    const expected = { ...shown, label: 'Work phone' };
    expect(await ctx.twoFactor.pendingEnrollment('alice')).toEqual(expected);
    expect(await ctx.twoFactor.confirmEnrollment('alice', wrongCodeAt(begun.secret, ctx.clock.now()))).toMatchObject({ ok: false, reason: 'invalid' });
    ctx.clock.advance(STEP_MS);
    const calls = await storeCalls(ctx, () => ctx.twoFactor.pendingEnrollment('alice'));
    expect(calls).toEqual({ result: expected, gets: 1, writes: 0 });
    expect(JSON.stringify(calls.result)).not.toContain(`"${begun.secret}"`);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(begun.secret, ctx.clock.now()))).toMatchObject({ ok: true });
    expect(await ctx.twoFactor.pendingEnrollment('alice')).toBeNull();
  });

  it('the same values with encrypted secrets, and for an addition beside an enabled factor', async () => {
    const ctx = setup({ encryption: { keys: { k1: new Uint8Array(32).fill(9) }, current: 'k1' } });
    await enrol(ctx);
    const begun = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com', label: 'Second' });
    const { secret: _secret, ...shown } = begun;
    expect(await ctx.twoFactor.pendingEnrollment('alice')).toEqual({ ...shown, label: 'Second' });
  });

  it('null for a user without one, and once it has expired', async () => {
    const ctx = setup();
    expect(await ctx.twoFactor.pendingEnrollment('nobody')).toBeNull();
    const begun = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice' });
    ctx.clock.set(begun.expiresAt);
    expect(await ctx.twoFactor.pendingEnrollment('alice')).toBeNull();
  });

  it('null for a pending enrolment stored by 0.2, which kept no account name (begin again)', async () => {
    const ctx = setup();
    await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice' });
    const current = (await ctx.store.inner.get('alice'))!;
    const { accountName: _name, ...pending02 } = current.record.pending as NonNullable<typeof current.record.pending> & { accountName?: string };
    await ctx.store.inner.compareAndSet('alice', current.version, { ...current.record, pending: pending02 });
    expect(await ctx.twoFactor.pendingEnrollment('alice')).toBeNull();
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ state: 'pending' });
  });

  it('throws INVALID_OPTION for a bad user id', async () => {
    const ctx = setup();
    await expect(ctx.twoFactor.pendingEnrollment('')).rejects.toThrow(/"userId"/);
  });
});
