// The service end to end (src/server/service.ts and the operations it assembles): the flow, every failure
// reason, re-enrolment, TOTP parameters and events.
import { describe, expect, it } from 'vitest';
import type { TwoFactorEvent } from '../../src/server/index.js';
import { codeAt } from '../../src/testing/index.js';
import { decodeBase32, verifyTotp } from '../../src/index.js';
import { parseOtpauthUri } from '../../src/uri/parse.js';
import { enrol, setup, START_MS, STEP_MS, stored, wrongCode, wrongCodeAt } from '../support/fixtures.js';

describe('the whole flow with a manual clock', () => {
  it('enrol → confirm → sign in with TOTP and a backup code → regenerate → disable', async () => {
    const ctx = setup();
    const { twoFactor, clock, events } = ctx;
    expect(await twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0, factors: [] });

    const enrollment = await twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com' });
    expect(enrollment.expiresAt).toBe(START_MS + 10 * 60 * 1000);
    expect(decodeBase32(enrollment.secret)).toHaveLength(20);
    expect(enrollment.setupKey.replace(/ /g, '')).toBe(enrollment.secret);
    expect(parseOtpauthUri(enrollment.uri)).toMatchObject({ type: 'totp', accountName: 'alice@example.com', issuer: 'InworkJobs', secret: decodeBase32(enrollment.secret) });
    expect(enrollment.qrSvg.startsWith('<svg')).toBe(true);
    expect(await twoFactor.status('alice')).toEqual({ state: 'pending', backupCodesRemaining: 0, factors: [] });

    clock.advance(20_000); // the user installs the app; the code is for the next step now
    const confirmed = await twoFactor.confirmEnrollment('alice', codeAt(enrollment.secret, clock.now()));
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    expect(confirmed.backupCodes).toHaveLength(10);
    expect(await twoFactor.status('alice')).toEqual({ state: 'enabled', backupCodesRemaining: 10, enabledAt: START_MS + 20_000, factors: [expect.objectContaining({ type: 'totp', label: 'Authenticator app', createdAt: START_MS + 20_000 })] });

    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(enrollment.secret, clock.now()))).toEqual({ ok: true, method: 'totp', factorId: expect.stringMatching(/^f_[a-z2-7]{10}$/), backupCodesRemaining: 10 });
    expect(await twoFactor.verify('alice', confirmed.backupCodes[3]!)).toEqual({ ok: true, method: 'backup-code', backupCodesRemaining: 9 });
    expect(await twoFactor.verify('alice', confirmed.backupCodes[3]!)).toEqual({ ok: false, reason: 'invalid' });

    clock.advance(STEP_MS);
    const regenerated = await twoFactor.regenerateBackupCodes('alice', codeAt(enrollment.secret, clock.now()));
    expect(regenerated.ok).toBe(true);
    if (!regenerated.ok) return;
    expect(await twoFactor.status('alice')).toMatchObject({ backupCodesRemaining: 10 });
    expect(await twoFactor.verify('alice', confirmed.backupCodes[0]!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.verify('alice', regenerated.backupCodes[0]!)).toEqual({ ok: true, method: 'backup-code', backupCodesRemaining: 9 });

    clock.advance(STEP_MS);
    expect(await twoFactor.disable('alice', codeAt(enrollment.secret, clock.now()))).toEqual({ ok: true });
    expect(await twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0, factors: [] });
    expect(await stored(ctx.store)).toBeNull();
    expect(await twoFactor.verify('alice', codeAt(enrollment.secret, clock.now()))).toEqual({ ok: false, reason: 'not-enabled' });

    expect(events.map((e) => e.type)).toEqual([
      'enrollment-started',
      'enabled',
      'factor-added',
      'backup-code-used',
      'verification-failed',
      'backup-codes-regenerated',
      'verification-failed',
      'backup-code-used',
      'disabled',
      'verification-failed',
    ]);
    expect(events.every((e) => e.userId === 'alice' && typeof e.at === 'number')).toBe(true);
    expect(events[3]).toMatchObject({ type: 'backup-code-used', remaining: 9 });
    expect(events[4]).toMatchObject({ type: 'verification-failed', operation: 'verify', reason: 'invalid', method: 'backup-code', failures: 1 });
    // No event carries a secret or a code.
    const text = JSON.stringify(events);
    for (const code of [...confirmed.backupCodes, ...regenerated.backupCodes]) expect(text).not.toContain(code);
    expect(text).not.toContain(enrollment.secret);
  });

  it('reset removes 2FA without a code and reports it; resetting nobody is a no-op', async () => {
    const ctx = setup();
    await enrol(ctx);
    await ctx.twoFactor.reset('alice');
    expect(await ctx.twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0, factors: [] });
    expect(ctx.events.at(-1)).toMatchObject({ type: 'reset', userId: 'alice' });
    const count = ctx.events.length;
    await ctx.twoFactor.reset('nobody');
    expect(ctx.events).toHaveLength(count);
  });
});

describe('every failure reason', () => {
  it("'not-enabled' for verify, disable and regenerate of a user without an enabled factor", async () => {
    const ctx = setup();
    for (const user of ['nobody', 'pending-only']) {
      if (user === 'pending-only') await ctx.twoFactor.beginEnrollment(user, { accountName: 'p' });
      expect(await ctx.twoFactor.verify(user, '123456')).toEqual({ ok: false, reason: 'not-enabled' });
      expect(await ctx.twoFactor.verify(user, 'abcde-fghjk')).toEqual({ ok: false, reason: 'not-enabled' });
      expect(await ctx.twoFactor.disable(user, '123456')).toEqual({ ok: false, reason: 'not-enabled' });
      expect(await ctx.twoFactor.regenerateBackupCodes(user, '123456')).toEqual({ ok: false, reason: 'not-enabled' });
    }
  });

  it("'no-pending-enrollment' without a begun enrolment, also when enabled", async () => {
    const ctx = setup();
    expect(await ctx.twoFactor.confirmEnrollment('alice', '123456')).toEqual({ ok: false, reason: 'no-pending-enrollment' });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'no-pending-enrollment' });
  });

  it("'expired' at expiresAt, not a millisecond before; status then says disabled; beginning again works", async () => {
    const ctx = setup({ enrollmentTtlMs: 5 * 60 * 1000 });
    const first = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    ctx.clock.set(first.expiresAt);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(first.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'expired' });
    expect(await ctx.twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0, factors: [] });
    expect((await stored(ctx.store))!.record.failures).toBe(0); // no code was checked, nothing counted

    const second = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    expect(second.expiresAt).toBe(ctx.clock.now() + 5 * 60 * 1000);
    ctx.clock.set(second.expiresAt - 1);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second.secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });

  it("'invalid' for a wrong code, a code of the wrong length, letters, and the earlier pending secret", async () => {
    const ctx = setup();
    const earlier = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    const later = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    expect(later.secret).not.toBe(earlier.secret);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(earlier.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(later.secret, ctx.clock.now()))).toMatchObject({ ok: true });
    ctx.clock.advance(STEP_MS);
    const good = codeAt(later.secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', wrongCode(good))).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', good.slice(1))).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', 'not a code')).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it("'replayed' for the confirming code, a used code, and an older step after a newer one", async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    const confirming = codeAt(secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', confirming)).toEqual({ ok: false, reason: 'replayed' });

    ctx.clock.advance(STEP_MS);
    const previous = codeAt(secret, ctx.clock.now() - STEP_MS);
    const next = codeAt(secret, ctx.clock.now() + STEP_MS); // a phone clock running ahead
    expect(await ctx.twoFactor.verify('alice', next)).toMatchObject({ ok: true });
    expect(await ctx.twoFactor.verify('alice', next)).toEqual({ ok: false, reason: 'replayed' });
    // The current step lies at or below the stored one now: a replay, though never used.
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: false, reason: 'replayed' });
    expect(verifyTotp(secret, previous, { now: ctx.clock.now() }).valid).toBe(true);
    expect(await ctx.twoFactor.disable('alice', previous)).toMatchObject({ ok: false, reason: 'replayed' });
    expect(ctx.events.filter((e) => e.type === 'verification-failed').map((e) => (e as { reason: string }).reason)).toEqual([
      'replayed',
      'replayed',
      'replayed',
      'replayed',
    ]);
  });

  it("'throttled' with retryAfterMs (in detail in throttle.test.ts)", async () => {
    const ctx = setup({ throttle: { freeFailures: 0, baseDelayMs: 5000 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const good = codeAt(secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', wrongCode(good))).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 5000 });
    expect(await ctx.twoFactor.verify('alice', good)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 5000 });
  });
});

describe('events', () => {
  it('carry the operation, reason, method and failure count, and a throttled event its wait', async () => {
    const events: TwoFactorEvent[] = [];
    const ctx = setup({ onEvent: (e) => void events.push(e), throttle: { freeFailures: 0 } });
    const { secret } = await enrol(ctx);
    const wrong = wrongCodeAt(secret, ctx.clock.now());
    await ctx.twoFactor.verify('alice', wrong);
    await ctx.twoFactor.verify('alice', wrong);
    expect(events.slice(-2)).toEqual([
      { type: 'verification-failed', userId: 'alice', at: START_MS, operation: 'verify', reason: 'invalid', method: 'totp', failures: 1 },
      { type: 'throttled', userId: 'alice', at: START_MS, operation: 'verify', retryAfterMs: 1000 },
    ]);
  });
});
