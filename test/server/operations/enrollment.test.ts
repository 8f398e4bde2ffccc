// Enrolment (src/server/operations/enrollment.ts): an app added beside enabled ones only with proof, and the
// TOTP parameters a secret is enrolled with. First enrolments are in test/server/service.test.ts.
import { describe, expect, it } from 'vitest';
import { createTwoFactor } from '../../../src/server/index.js';
import { codeAt } from '../../../src/testing/index.js';
import { parseOtpauthUri } from '../../../src/uri/parse.js';
import { CountingStore, enrol, setup, START_MS, STEP_MS } from '../../support/fixtures.js';

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
