// The back-off policy (src/server/throttle.ts), as pure functions and through the service.
import { describe, expect, it } from 'vitest';
import { createTwoFactor, DEFAULT_THROTTLE, throttleDelayMs, retryAfterMs } from '../../../src/server/index.js';
import { hashBackupCodes } from '../../../src/index.js';
import { codeAt, enrol, overwrite, setup, STEP_MS, stored, wrongCode, wrongCodeAt } from '../../support/fixtures.js';

describe('throttling', () => {
  it('the default schedule: 3 free failures, then 1 s, 2 s, 4 s … with exact retryAfterMs, capped at 1 h', () => {
    expect(DEFAULT_THROTTLE).toEqual({ freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 3_600_000 });
    const delays = Array.from({ length: 18 }, (_, failures) => throttleDelayMs(failures, DEFAULT_THROTTLE));
    expect(delays).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000, 2_048_000, 3_600_000, 3_600_000]);
    expect(throttleDelayMs(10_000, DEFAULT_THROTTLE)).toBe(3_600_000);
    expect(retryAfterMs(5, 10_000, 10_500, DEFAULT_THROTTLE)).toBe(1500);
    expect(retryAfterMs(5, 10_000, 12_000, DEFAULT_THROTTLE)).toBe(0);
    expect(retryAfterMs(0, null, 0, DEFAULT_THROTTLE)).toBe(0);
  });

  it("a last failure stamped ahead of now (another server's clock) never throttles a free attempt nor lengthens a wait", () => {
    expect(retryAfterMs(1, 10_000, 9_500, DEFAULT_THROTTLE)).toBe(0);
    expect(retryAfterMs(3, 10_000, 0, DEFAULT_THROTTLE)).toBe(0);
    expect(retryAfterMs(5, 10_000, 9_500, DEFAULT_THROTTLE)).toBe(2000);
    expect(retryAfterMs(5, Number.MAX_SAFE_INTEGER, 0, DEFAULT_THROTTLE)).toBe(2000);
  });

  it('through two servers whose clocks differ by a second: a mistyped code elsewhere does not throttle the next one', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const ahead = createTwoFactor({ store: ctx.store, issuer: 'InworkJobs', now: () => ctx.clock.now() + 1000 });
    const good = codeAt(secret, ctx.clock.now());
    expect(await ahead.verify('alice', wrongCode(good))).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', good)).toEqual({ ok: true, method: 'totp', factorId: expect.stringMatching(/^f_/), backupCodesRemaining: 10 });
  });

  it('through the service: waits grow, refusals do not extend them, a success resets the count', async () => {
    const ctx = setup();
    const { twoFactor, clock } = ctx;
    const { secret } = await enrol(ctx);
    clock.advance(STEP_MS);
    const bad = wrongCode(codeAt(secret, clock.now()));
    for (let i = 0; i < 3; i++) expect(await twoFactor.verify('alice', bad)).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.verify('alice', bad)).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 1000 });
    expect(await twoFactor.verify('alice', bad)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    clock.advance(400);
    // Hammering while throttled changes nothing: the wait keeps running down.
    for (let i = 0; i < 5; i++) expect(await twoFactor.verify('alice', bad)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 600 });
    clock.advance(600);
    expect(await twoFactor.verify('alice', bad)).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 2000 });
    clock.advance(1999);
    expect(await twoFactor.verify('alice', 'zzzzz-zzzzz')).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1 });
    clock.advance(1);
    expect(await twoFactor.verify('alice', 'zzzzz-zzzzz')).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 4000 });
    expect((await stored(ctx.store))!.record).toMatchObject({ failures: 6, lastFailureAt: clock.now() });
    expect(ctx.events.filter((e) => e.type === 'throttled')).toHaveLength(7);
    expect(ctx.events.find((e) => e.type === 'throttled')).toMatchObject({ operation: 'verify', retryAfterMs: 1000 });

    clock.advance(4000);
    expect(await twoFactor.verify('alice', codeAt(secret, clock.now()))).toMatchObject({ ok: true });
    expect((await stored(ctx.store))!.record).toMatchObject({ failures: 0, lastFailureAt: null });
    for (let i = 0; i < 3; i++) expect(await twoFactor.verify('alice', bad)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('the cap: with base 1 s and max 3 s the waits are 1 s, 2 s, 3 s, 3 s', async () => {
    const ctx = setup({ throttle: { freeFailures: 1, baseDelayMs: 1000, maxDelayMs: 3000 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const bad = wrongCode(codeAt(secret, ctx.clock.now()));
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await ctx.twoFactor.verify('alice', bad);
      waits.push(result.ok ? -1 : result.retryAfterMs);
      ctx.clock.advance(result.ok ? 0 : (result.retryAfterMs ?? 0));
    }
    expect(waits).toEqual([undefined, 1000, 2000, 3000, 3000]);
  });

  it('failed confirmations, disables and regenerations count toward the same throttle', async () => {
    const ctx = setup();
    const first = await ctx.twoFactor.beginEnrollment('bob', { accountName: 'b' });
    expect(await ctx.twoFactor.confirmEnrollment('bob', wrongCode(codeAt(first.secret, ctx.clock.now())))).toEqual({ ok: false, reason: 'invalid' });
    expect((await stored(ctx.store, 'bob'))!.record.failures).toBe(1);

    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const bad = wrongCode(codeAt(secret, ctx.clock.now()));
    expect(await ctx.twoFactor.disable('alice', bad)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.regenerateBackupCodes('alice', bad)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.disable('alice', 'abcde-fghjk')).toEqual({ ok: false, reason: 'invalid' }); // a backup code never disables
    expect(await ctx.twoFactor.regenerateBackupCodes('alice', bad)).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 1000 });
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    expect(await ctx.twoFactor.disable('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    expect(ctx.events.filter((e) => e.type === 'throttled').map((e) => (e as { operation: string }).operation)).toEqual(['verify', 'disable']);
  });

  it('a throttled confirmation is refused before the code is checked', async () => {
    const ctx = setup({ throttle: { freeFailures: 0 } });
    const enrollment = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    expect(await ctx.twoFactor.confirmEnrollment('alice', wrongCodeAt(enrollment.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 1000 });
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(enrollment.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
  });

  it('a throttled attempt does no hashing: it never opens the secret or runs scrypt on the backup-code hashes', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const bad = wrongCode(codeAt(secret, ctx.clock.now()));
    for (let i = 0; i < 4; i++) await ctx.twoFactor.verify('alice', bad);
    // Make the secret unusable (any attempt to open it throws) and plant a set holding one known code.
    const planted = await hashBackupCodes(['abcde-fghjk'], { cost: { N: 1024, r: 8, p: 1 } });
    await overwrite(ctx.store, 'alice', (record) => ({
      ...record,
      factors: [{ ...record.factors[0]!, secret: { alg: 'A256GCM', kid: 'gone', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }],
      backupCodes: planted,
    }));
    const gets = ctx.store.gets;
    const writes = ctx.store.writes;
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    expect(await ctx.twoFactor.verify('alice', 'abcde-fghjk')).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    expect(await ctx.twoFactor.disable('alice', '123456')).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    expect(ctx.store.gets - gets).toBe(3); // one read each
    expect(ctx.store.writes - writes).toBe(0); // and nothing written
    // Once admitted, the same calls do reach the secret and the hashes (so the refusals above were not luck).
    ctx.clock.advance(1000);
    await expect(ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    expect(await ctx.twoFactor.verify('alice', 'abcde-fghjk')).toMatchObject({ ok: true, method: 'backup-code' });
  });
});
