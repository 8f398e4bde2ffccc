// Clock drift (src/server/drift.ts, RFC 6238 §6): the window follows a device clock that walks away,
// within ±maxDriftSteps, while replay protection stays absolute.
import { describe, expect, it } from 'vitest';
import { codeAt, enrol, overwrite, setup, STEP_MS, stored, wrongCodeAt } from '../../support/fixtures.js';

const driftOf = async (ctx: ReturnType<typeof setup>) => (await ctx.twoFactor.listFactors('alice'))[0]!.driftSteps;

describe('clock drift', () => {
  it('a phone 1 step behind is accepted and learned; later 2 steps behind is still accepted with window 1; 3 steps then too', async () => {
    const ctx = setup({ totp: { window: 1 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() - STEP_MS))).toEqual({ ok: false, reason: 'replayed' });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() - STEP_MS))).toMatchObject({ ok: true });
    expect(await driftOf(ctx)).toBe(-1);
    for (const behind of [2, 3]) {
      ctx.clock.advance(5 * STEP_MS);
      expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() - behind * STEP_MS))).toMatchObject({ ok: true });
      expect(await driftOf(ctx)).toBe(-behind);
    }
  });

  it('without learning (a fresh factor) 2 steps behind is refused with window 1', async () => {
    const ctx = setup({ totp: { window: 1 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(5 * STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() - 2 * STEP_MS))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('the learned offset is capped at ±maxDriftSteps', async () => {
    const ctx = setup({ totp: { window: 1, maxDriftSteps: 2 } });
    const { secret } = await enrol(ctx);
    for (let ahead = 1; ahead <= 4; ahead++) {
      ctx.clock.advance(STEP_MS);
      const result = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() + ahead * STEP_MS));
      // Drift 2 and window 1 reach 3 steps ahead, never 4.
      expect(result.ok, `ahead ${ahead}`).toBe(ahead <= 3);
    }
    expect(await driftOf(ctx)).toBe(2);
  });

  it('by default (window 1, maxDriftSteps 10) the offset is learned up to ±10 steps, so a clock 11 ahead works and 12 ahead does not', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    for (let ahead = 1; ahead <= 12; ahead++) {
      ctx.clock.advance(STEP_MS);
      const result = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() + ahead * STEP_MS));
      expect(result.ok, `ahead ${ahead}`).toBe(ahead <= 11);
    }
    expect(await driftOf(ctx)).toBe(10);
  });

  it('maxDriftSteps 0 learns nothing', async () => {
    const ctx = setup({ totp: { maxDriftSteps: 0 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() + STEP_MS))).toMatchObject({ ok: true });
    expect(await driftOf(ctx)).toBe(0);
  });

  it('replay stays absolute: with the window moved back, a step at or below the last accepted one never matches', async () => {
    const ctx = setup({ totp: { window: 1 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(3 * STEP_MS);
    const ahead = codeAt(secret, ctx.clock.now() + STEP_MS);
    expect(await ctx.twoFactor.verify('alice', ahead)).toMatchObject({ ok: true });
    const lastStep = ((await stored(ctx.store))!.record.factors[0] as { lastStep: number }).lastStep;
    // A step later the window (centred one step ahead) still covers the step already used: refused as a replay.
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', ahead)).toEqual({ ok: false, reason: 'replayed' });
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'replayed' });
    expect(((await stored(ctx.store))!.record.factors[0] as { lastStep: number }).lastStep).toBe(lastStep);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });

  it('at the largest drift and window (100 and 10) a wrong code is still just invalid', async () => {
    const ctx = setup({ totp: { window: 10, maxDriftSteps: 100 } });
    const { secret } = await enrol(ctx);
    await overwrite(ctx.store, 'alice', (record) => ({ ...record, factors: [{ ...record.factors[0]!, driftSteps: 100 } as never] }));
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', wrongCodeAt(secret, ctx.clock.now(), 200))).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() + 100 * STEP_MS))).toMatchObject({ ok: true });
  });

  it('a stored drift beyond totp.maxDriftSteps (planted, or learned before the option was lowered) counts only up to it', async () => {
    const ctx = setup({ totp: { window: 1 } });
    const { secret } = await enrol(ctx);
    // 100 steps behind (50 minutes): a code shown, or phished, that long ago would still sign in.
    await overwrite(ctx.store, 'alice', (record) => ({ ...record, factors: [{ ...record.factors[0]!, driftSteps: -100 } as never] }));
    ctx.clock.advance(200 * STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() - 100 * STEP_MS))).toEqual({ ok: false, reason: 'invalid' });
    // The default cap of 10 steps still holds.
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() - 10 * STEP_MS))).toMatchObject({ ok: true });
    expect(await driftOf(ctx)).toBe(-10);
  });

  it('totp.maxDriftSteps is bounded 0–100', () => {
    for (const maxDriftSteps of [-1, 101, 2.5, '3']) {
      expect(() => setup({ totp: { maxDriftSteps: maxDriftSteps as number } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('"totp.maxDriftSteps"') }));
    }
  });
});
