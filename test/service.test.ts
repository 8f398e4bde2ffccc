import { describe, expect, it } from 'vitest';
import { createTwoFactor, DEFAULT_THROTTLE, MemoryStore, parseRecord, throttleDelayMs, retryAfterMs, type TwoFactorEvent, type TwoFactorRecord } from '../src/server/index.js';
import { encodeBase32, generateBackupCodes, hashBackupCodes } from '../src/index.js';
import { codeAt } from '../src/testing/index.js';
import { decodeBase32, TwoFactorError, verifyTotp } from '../src/index.js';
import { parseOtpauthUri } from '../src/uri.js';
import { CountingStore, enrol, overwrite, setup, START_MS, STEP_MS, stored, wrongCodeAt } from './service-fixtures.js';

const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('the whole flow with a manual clock', () => {
  it('enrol → confirm → sign in with TOTP and a backup code → regenerate → disable', async () => {
    const ctx = setup();
    const { twoFactor, clock, events } = ctx;
    expect(await twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0 });

    const enrollment = await twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com' });
    expect(enrollment.expiresAt).toBe(START_MS + 10 * 60 * 1000);
    expect(decodeBase32(enrollment.secret)).toHaveLength(20);
    expect(enrollment.setupKey.replace(/ /g, '')).toBe(enrollment.secret);
    expect(parseOtpauthUri(enrollment.uri)).toMatchObject({ type: 'totp', accountName: 'alice@example.com', issuer: 'InworkJobs', secret: decodeBase32(enrollment.secret) });
    expect(enrollment.qrSvg.startsWith('<svg')).toBe(true);
    expect(await twoFactor.status('alice')).toEqual({ state: 'pending', backupCodesRemaining: 0 });

    clock.advance(20_000); // the user installs the app; the code is for the next step now
    const confirmed = await twoFactor.confirmEnrollment('alice', codeAt(enrollment.secret, clock.now()));
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    expect(confirmed.backupCodes).toHaveLength(10);
    expect(await twoFactor.status('alice')).toEqual({ state: 'enabled', backupCodesRemaining: 10, enabledAt: START_MS + 20_000 });

    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(enrollment.secret, clock.now()))).toEqual({ ok: true, method: 'totp', backupCodesRemaining: 10 });
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
    expect(await twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0 });
    expect(await stored(ctx.store)).toBeNull();
    expect(await twoFactor.verify('alice', codeAt(enrollment.secret, clock.now()))).toEqual({ ok: false, reason: 'not-enabled' });

    expect(events.map((e) => e.type)).toEqual([
      'enrollment-started',
      'enabled',
      'backup-code-used',
      'verification-failed',
      'backup-codes-regenerated',
      'verification-failed',
      'backup-code-used',
      'disabled',
      'verification-failed',
    ]);
    expect(events.every((e) => e.userId === 'alice' && typeof e.at === 'number')).toBe(true);
    expect(events[2]).toMatchObject({ type: 'backup-code-used', remaining: 9 });
    expect(events[3]).toMatchObject({ type: 'verification-failed', operation: 'verify', reason: 'invalid', method: 'backup-code', failures: 1 });
    // No event carries a secret or a code.
    const text = JSON.stringify(events);
    for (const code of [...confirmed.backupCodes, ...regenerated.backupCodes]) expect(text).not.toContain(code);
    expect(text).not.toContain(enrollment.secret);
  });

  it('accepts a backup code typed in upper case with spaces instead of the hyphen', async () => {
    const ctx = setup();
    const { backupCodes } = await enrol(ctx);
    const typed = backupCodes[0]!.toUpperCase().replace('-', '  ');
    expect(await ctx.twoFactor.verify('alice', ` ${typed} `)).toMatchObject({ ok: true, method: 'backup-code' });
  });

  it('accepts a TOTP code typed with a space in the middle', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', `${code.slice(0, 3)} ${code.slice(3)}`)).toMatchObject({ ok: true, method: 'totp' });
  });

  it('reset removes 2FA without a code and reports it; resetting nobody is a no-op', async () => {
    const ctx = setup();
    await enrol(ctx);
    await ctx.twoFactor.reset('alice');
    expect(await ctx.twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0 });
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
    expect(await ctx.twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0 });
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

  it("'throttled' with retryAfterMs (covered in detail below)", async () => {
    const ctx = setup({ throttle: { freeFailures: 0, baseDelayMs: 5000 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const good = codeAt(secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', wrongCode(good))).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 5000 });
    expect(await ctx.twoFactor.verify('alice', good)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 5000 });
  });
});

describe('re-enrolment while enabled', () => {
  it('keeps the working secret and backup codes until the new secret is confirmed, then replaces both', async () => {
    const ctx = setup();
    const { twoFactor, clock } = ctx;
    const old = await enrol(ctx);
    const fresh = await twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com' });
    expect(await twoFactor.status('alice')).toMatchObject({ state: 'enabled', backupCodesRemaining: 10 });

    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(fresh.secret, clock.now()))).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.verify('alice', codeAt(old.secret, clock.now()))).toMatchObject({ ok: true, method: 'totp' });
    expect(await twoFactor.verify('alice', old.backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code' });

    clock.advance(STEP_MS);
    const confirmed = await twoFactor.confirmEnrollment('alice', codeAt(fresh.secret, clock.now()));
    expect(confirmed.ok).toBe(true);
    expect(ctx.events.filter((e) => e.type === 'enabled')).toEqual([
      expect.objectContaining({ replaced: false }),
      expect.objectContaining({ replaced: true }),
    ]);
    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(old.secret, clock.now()))).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.verify('alice', old.backupCodes[1]!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.verify('alice', codeAt(fresh.secret, clock.now()))).toMatchObject({ ok: true });
    expect(await twoFactor.status('alice')).toMatchObject({ state: 'enabled', backupCodesRemaining: 10, enabledAt: START_MS + 2 * STEP_MS });
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
    expect(await ctx.twoFactor.verify('alice', good)).toEqual({ ok: true, method: 'totp', backupCodesRemaining: 10 });
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
      factor: { ...record.factor!, secret: { alg: 'A256GCM', kid: 'gone', iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, backupCodes: planted },
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

describe('records read from the store are validated', () => {
  it.each([
    ['schema', (r: Record<string, unknown>) => ({ ...r, schema: 2 })],
    ['state', (r: Record<string, unknown>) => ({ ...r, state: 'on' })],
    ['failures', (r: Record<string, unknown>) => ({ ...r, failures: -1 })],
    ['factor.lastStep', (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), lastStep: 'x' } })],
    ['factor.secret.secret', (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), secret: { alg: 'none', secret: 'lower case' } } })],
    ['factor', (r: Record<string, unknown>) => ({ ...r, factor: null })],
  ])('a malformed "%s" is STORE_ERROR naming it, without the secret in the message', async (field, change) => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    await overwrite(ctx.store, 'alice', (record) => change(record as never) as never);
    const error = await ctx.twoFactor.verify('alice', '123456').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorError);
    expect(error).toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining(`"record.${field}"`) });
    expect((error as Error).message).not.toContain(secret);
    await expect(ctx.twoFactor.status('alice')).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });

  const factorWith = (change: Record<string, unknown>) => (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), ...change } });
  const sealedWith = (secret: Record<string, unknown>) => factorWith({ secret });
  it.each([
    ['101 used backup-code indexes', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: Array.from({ length: 101 }, (_, i) => i) })],
    ['100,000 used backup-code indexes', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: Array(100_000).fill(0) })],
    ['a used index twice (which would miscount the codes left)', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: [3, 3] })],
    ['a used index beyond any set', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: [100] })],
    ['a used index of 1e300', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: [1e300] })],
    ['a used index that is a string', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: ['0'] })],
    ['a key id of 65 characters', 'factor.secret.kid', sealedWith({ alg: 'A256GCM', kid: 'k'.repeat(65), iv: 'AAAAAAAAAAAAAAAA', ct: 'A'.repeat(48) })],
    ['a clear secret of a length no bytes encode to', 'factor.secret.secret', sealedWith({ alg: 'none', secret: 'JBSWY3' })],
    ['digits as a string', 'factor.digits', factorWith({ digits: '6' })],
    ['failures as a string', 'failures', (r: Record<string, unknown>) => ({ ...r, failures: '0' })],
    ['an array as the record', '', () => []],
  ])('a hostile record with %s is STORE_ERROR naming "%s"', async (_, field, change) => {
    const ctx = setup();
    await enrol(ctx);
    await overwrite(ctx.store, 'alice', (record) => change(record as never) as never);
    const name = field === '' ? 'record' : `record.${field}`;
    await expect(ctx.twoFactor.status('alice')).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining(`"${name}" must be`) });
  });

  it('__proto__ keys in a stored record are dropped: nothing is polluted, the record reads back with only known fields', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    const current = (await stored(ctx.store))!;
    const text = JSON.stringify(current.record)
      .replace('{', '{"__proto__":{"polluted":true,"state":"pending"},')
      .replace('"factor":{', '"factor":{"__proto__":{"lastStep":-1},"constructor":{"prototype":{"polluted":true}},');
    const hostile = JSON.parse(text) as TwoFactorRecord;
    expect(Object.keys(hostile)).toContain('__proto__');
    expect(await ctx.store.inner.compareAndSet('alice', current.version, hostile)).toBe(true);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true, method: 'totp' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const { record } = (await stored(ctx.store))!;
    expect(Object.keys(record)).toEqual(['schema', 'state', 'factor', 'pending', 'failures', 'lastFailureAt']);
    expect(Object.keys(record.factor!)).not.toContain('__proto__');
    expect(Object.keys(record.factor!)).not.toContain('constructor');
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

describe('parseRecord bounds every field to what the service could have written', () => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const bytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
  const b64 = (n: number): string => Buffer.from(bytes(n)).toString('base64url');
  // The largest of everything: a 1024-byte secret (the core's limit) sealed (+16-byte tag) or in the clear,
  // a 64-character key id, 10 digits, SHA-512, a one-hour period, 100 backup codes of 32 symbols all used,
  // a one-day enrolment, counters at the largest safe integers.
  let maximal: Record<string, unknown>;
  const withField = (path: string, value: unknown): Record<string, unknown> => {
    const copy = structuredClone(maximal);
    const keys = path.split('.');
    let at = copy as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[keys[keys.length - 1]!] = value;
    return copy;
  };

  it('a maximal legitimate record parses, sealed and in the clear', async () => {
    const backupCodes = await hashBackupCodes(generateBackupCodes({ count: 100, length: 32 }), { cost: { N: 1024, r: 8, p: 1 } });
    const createdAt = Number.MAX_SAFE_INTEGER - DAY_MS - 1;
    maximal = {
      schema: 1,
      state: 'enabled',
      factor: {
        secret: { alg: 'A256GCM', kid: 'k'.repeat(64), iv: b64(12), ct: b64(1024 + 16) },
        algorithm: 'SHA512',
        digits: 10,
        period: 3600,
        lastStep: Number.MAX_SAFE_INTEGER,
        backupCodes,
        backupCodesUsed: Array.from({ length: 100 }, (_, i) => 99 - i),
        enabledAt: Number.MAX_SAFE_INTEGER,
      },
      pending: { secret: { alg: 'none', secret: encodeBase32(bytes(1024)) }, algorithm: 'SHA1', digits: 10, period: 3600, createdAt, expiresAt: createdAt + DAY_MS },
      failures: Number.MAX_SAFE_INTEGER,
      lastFailureAt: Number.MAX_SAFE_INTEGER,
    };
    expect(parseRecord(maximal)).toEqual(maximal);
    const clear = withField('factor.secret', { alg: 'none', secret: encodeBase32(bytes(1024)) });
    expect(parseRecord(clear)).toEqual(clear);
    const oneSecond = withField('pending.expiresAt', createdAt + 1000);
    expect(parseRecord(oneSecond)).toEqual(oneSecond);
  });

  it.each([
    ['factor.secret.ct', 'a 20 MB ciphertext', () => 'A'.repeat(20_000_000)],
    ['factor.secret.ct', 'a ciphertext of a 1025-byte secret', () => b64(1025 + 16)],
    ['factor.secret.secret', 'a clear secret of 1025 bytes', () => ({ alg: 'none', secret: encodeBase32(bytes(1025)) }), 'factor.secret'],
    ['factor.secret.iv', 'a 13-byte iv', () => b64(13)],
    ['factor.secret.kid', 'a 65-character key id', () => 'k'.repeat(65)],
    ['factor.period', 'a period of 1e15 s', () => 1e15],
    ['factor.period', 'a period of 3601 s', () => 3601],
    ['pending.period', 'a pending period of 1e15 s', () => 1e15],
    ['factor.digits', '11 digits', () => 11],
    ['factor.algorithm', 'an unknown algorithm', () => 'MD5'],
    ['factor.lastStep', 'a step of 1e300', () => 1e300],
    ['factor.enabledAt', 'a time of 1e300', () => 1e300],
    ['factor.enabledAt', 'a fractional time', () => 1.5],
    ['factor.backupCodes', 'a 20 MB backup-code string', () => '$'.repeat(20_000_000)],
    ['factor.backupCodes', 'a string that is no backup-code hash', () => 'not a hash'],
    ['factor.backupCodesUsed', '101 used indexes', () => Array.from({ length: 101 }, (_, i) => i)],
    ['pending.expiresAt', 'an enrolment of a day and a millisecond', () => (maximal.pending as { createdAt: number }).createdAt + DAY_MS + 1],
    ['pending.expiresAt', 'an enrolment that expires before it starts', () => 0],
    ['pending.createdAt', 'a negative time', () => -1],
    ['failures', 'failures of 2^53', () => 2 ** 53],
    ['lastFailureAt', 'a time of Infinity', () => Infinity],
  ] as [string, string, () => unknown, string?][])('%s: %s is STORE_ERROR naming it', (path, _what, value, where = path) => {
    const hostile = withField(where, value());
    const error = (() => {
      try {
        parseRecord(hostile);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TwoFactorError);
    expect(error).toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining(`"record.${path}" must be`) });
    expect((error as Error).message.length).toBeLessThan(300);
  });
});
