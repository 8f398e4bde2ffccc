// Enrolment (src/server/operations/enrollment.ts): an app added beside enabled ones only with proof, the
// TOTP parameters a secret is enrolled with, and pendingEnrollment, which re-renders the set-up page after a
// wrong code or a reload (the values beginEnrollment returned, never the raw secret; null when there is nothing
// to show, or for an enrolment begun by 0.2, which kept no account name). First enrolments are in
// test/server/service.test.ts.
import { describe, expect, it } from 'vitest';
import { createTwoFactor } from '../../../src/server/index.js';
import { codeAt } from '../../../src/testing/index.js';
import { parseOtpauthUri } from '../../../src/uri/parse.js';
import { CountingStore, enrol, setup, START_MS, STEP_MS, wrongCodeAt } from '../../support/fixtures.js';
import { storeCalls } from '../../support/sign-in.js';

describe('re-enrolment while enabled', () => {
  it('a second enrolment is added beside the first, only with proof, and replaces nothing (contract change of 0.2)', async () => {
    const ctx = setup();
    const { twoFactor, clock } = ctx;
    const old = await enrol(ctx);
    const fresh = await twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com' });
    expect(await twoFactor.status('alice')).toMatchObject({ state: 'enabled', backupCodesRemaining: 10 });

    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(fresh.secret, clock.now()))).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.confirmEnrollment('alice', codeAt(fresh.secret, clock.now()))).toEqual({ ok: false, reason: 'proof-required' });
    expect(await twoFactor.verify('alice', codeAt(old.secret, clock.now()))).toMatchObject({ ok: true, method: 'totp' });

    clock.advance(STEP_MS);
    const confirmed = await twoFactor.confirmEnrollment('alice', codeAt(fresh.secret, clock.now()), { proof: codeAt(old.secret, clock.now()) });
    expect(confirmed).toMatchObject({ ok: true, backupCodes: [] });
    expect(ctx.events.filter((e) => e.type === 'enabled')).toEqual([expect.objectContaining({ replaced: false })]);
    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(old.secret, clock.now()))).toMatchObject({ ok: true });
    expect(await twoFactor.verify('alice', old.backupCodes[1]!)).toMatchObject({ ok: true, method: 'backup-code' });
    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(fresh.secret, clock.now()))).toMatchObject({ ok: true, factorId: (confirmed as { factorId: string }).factorId });
    expect(await twoFactor.status('alice')).toMatchObject({ state: 'enabled', backupCodesRemaining: 9, enabledAt: START_MS });
  });

  it('an expired re-enrolment leaves the enabled factor working', async () => {
    const ctx = setup();
    const old = await enrol(ctx);
    const fresh = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    ctx.clock.set(fresh.expiresAt);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(fresh.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'expired' });
    expect(await ctx.twoFactor.verify('alice', codeAt(old.secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });
});

describe('TOTP parameters', () => {
  it('enrols with the configured algorithm, digits and period; old enrolments keep theirs when options change', async () => {
    const store = new CountingStore();
    const ctx = setup({ store, totp: { algorithm: 'SHA256', digits: 8, period: 60 } });
    const options = { algorithm: 'SHA256', digits: 8, period: 60 } as const;
    const { secret, enrollment } = await enrol(ctx, 'alice', options);
    expect(parseOtpauthUri(enrollment.uri)).toMatchObject(options);
    ctx.clock.advance(60_000);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now(), options))).toMatchObject({ ok: true });

    const later = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now });
    ctx.clock.advance(60_000);
    expect(await later.verify('alice', codeAt(secret, ctx.clock.now(), options))).toMatchObject({ ok: true, method: 'totp' });
  });

  it('window 0 accepts only the current step', async () => {
    const ctx = setup({ totp: { window: 0 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(2 * STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() - STEP_MS))).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });
});

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
