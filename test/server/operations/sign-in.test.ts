// Sign-in (src/server/operations/sign-in.ts) through the public entry, on a CountingStore: codes as people type
// them; the sign-in challenge's flow with each kind of code, store round trips on the happy path, its life,
// attempt cap and the shared throttle budget, the five-challenge cap, cancel, the operations that delete
// challenges, trusted devices reported through beginSignIn, and events that never carry a challenge or a
// code. The whole verify flow, every failure reason and its events are in test/server/service.test.ts;
// browser strings of every shape in sign-in.browser-input.test.ts; races in sign-in.concurrency.test.ts.
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateHotp, generateSecret } from '../../../src/index.js';
import { codeAt, enrol, setup, START_MS, STEP_MS, wrongCodeAt } from '../../support/fixtures.js';
import { expectRejection } from '../../support/expect-error.js';
import { challengeOf, storeCalls, twoUsers, withoutWrites } from '../../support/sign-in.js';

const MINUTE_MS = 60_000;

describe('codes as typed', () => {
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
});

describe('beginSignIn', () => {
  it('a user without 2FA needs no code: one read, no write', async () => {
    const ctx = setup();
    const calls = await storeCalls(ctx, () => ctx.twoFactor.beginSignIn('nobody'));
    expect(calls).toEqual({ result: { required: false, reason: 'not-enabled' }, gets: 1, writes: 0 });
    // A pending (unconfirmed) enrolment is not 2FA either.
    await ctx.twoFactor.beginEnrollment('carol', { accountName: 'carol@example.com' });
    expect(await withoutWrites(ctx, () => ctx.twoFactor.beginSignIn('carol'), ['carol'])).toEqual({ required: false, reason: 'not-enabled' });
  });

  it('a user with 2FA gets a challenge: one read and one compare-and-set; only a hash of it is stored', async () => {
    const ctx = await twoUsers();
    const calls = await storeCalls(ctx, () => ctx.twoFactor.beginSignIn('alice'));
    expect(calls.gets).toBe(1);
    expect(calls.writes).toBe(1);
    expect(calls.result).toEqual({ required: true, challenge: expect.any(String), expiresAt: ctx.clock.now() + 5 * MINUTE_MS, methods: ['totp', 'backup-code'] });
    if (!calls.result.required) return;
    const { challenge } = calls.result;
    const text = JSON.stringify((await ctx.store.inner.get('alice'))!.record);
    // No 16-character piece of the challenge is in the record (the user-id part is not stored at all).
    for (let i = 0; i + 16 <= challenge.length; i++) expect(text).not.toContain(challenge.slice(i, i + 16));
  });

  it('challenges are ≥ 128 bits from the CSPRNG: 200 are distinct and their secret parts carry ≥ 22 base64url characters', async () => {
    const ctx = await twoUsers({ throttle: { freeFailures: 10 } });
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(await challengeOf(ctx, 'alice'));
    expect(seen.size).toBe(200);
    const secretPart = [...seen][0]!.split('.').at(-1)!;
    expect(secretPart.length).toBeGreaterThanOrEqual(22);
  });

  it('methods name what the user can answer with', async () => {
    const ctx = setup();
    const token = encodeBase32(generateSecret());
    const added = await ctx.twoFactor.addHotpToken('tok', { secret: token, codes: [generateHotp(token, 0), generateHotp(token, 1)] });
    expect(added).toMatchObject({ ok: true });
    expect(await ctx.twoFactor.beginSignIn('tok')).toMatchObject({ required: true, methods: ['hotp', 'backup-code'] });
    await ctx.twoFactor.importFactor('imported', { type: 'totp', secret: encodeBase32(generateSecret()) });
    expect(await ctx.twoFactor.beginSignIn('imported')).toMatchObject({ required: true, methods: ['totp'] });
  });

  it('throws INVALID_OPTION for a bad user id or options, before any store access', async () => {
    const ctx = setup();
    await expectRejection(ctx.twoFactor.beginSignIn(''), 'INVALID_OPTION', 'userId');
    await expectRejection(ctx.twoFactor.beginSignIn('alice', 'x' as never), 'INVALID_OPTION', 'opts');
    expect(ctx.store.gets + ctx.store.writes).toBe(0);
  });
});

describe('completeSignIn', () => {
  it('with a TOTP code: ok with the user, one read and one compare-and-set; the challenge is spent', async () => {
    const ctx = await twoUsers();
    const challenge = await challengeOf(ctx, 'alice');
    const calls = await storeCalls(ctx, () => ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.alice)));
    expect(calls).toEqual({
      result: { ok: true, userId: 'alice', method: 'totp', factorId: expect.stringMatching(/^f_/), backupCodesRemaining: 10, verifiedAt: ctx.clock.now() },
      gets: 1,
      writes: 1,
    });
    ctx.clock.advance(STEP_MS);
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-invalid' });
  });

  it('with a backup code: ok, the code and the challenge both spent', async () => {
    const ctx = await twoUsers();
    const challenge = await challengeOf(ctx, 'bob');
    // Two compare-and-sets, as verify with a backup code: the charge before scrypt, then the use.
    expect(await storeCalls(ctx, () => ctx.twoFactor.completeSignIn(challenge, ctx.bob.backupCodes[0]!))).toEqual({
      result: { ok: true, userId: 'bob', method: 'backup-code', backupCodesRemaining: 9, verifiedAt: ctx.clock.now() },
      gets: 2,
      writes: 2,
    });
    expect(await storeCalls(ctx, () => ctx.twoFactor.completeSignIn(challenge, ctx.bob.backupCodes[1]!))).toEqual({ result: { ok: false, reason: 'challenge-invalid' }, gets: 1, writes: 0 });
    const again = await challengeOf(ctx, 'bob');
    expect(await ctx.twoFactor.completeSignIn(again, ctx.bob.backupCodes[0]!)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('with an HOTP code of a hardware token', async () => {
    const ctx = setup();
    const token = encodeBase32(generateSecret());
    await ctx.twoFactor.addHotpToken('tok', { secret: token, codes: [generateHotp(token, 0), generateHotp(token, 1)] });
    const challenge = await challengeOf(ctx, 'tok');
    expect(await ctx.twoFactor.completeSignIn(challenge, generateHotp(token, 2))).toMatchObject({ ok: true, userId: 'tok', method: 'hotp' });
  });

  it('a code of another user does not pass on this user\'s challenge (counted as a wrong code)', async () => {
    const ctx = await twoUsers();
    const challenge = await challengeOf(ctx, 'alice');
    expect(await ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.bob))).toMatchObject({ ok: false, reason: 'invalid', attemptsLeft: 4 });
  });

  it('a replayed code is refused and counted', async () => {
    const ctx = await twoUsers();
    const code = ctx.code(ctx.alice);
    expect(await ctx.twoFactor.verify('alice', code)).toMatchObject({ ok: true });
    const challenge = await challengeOf(ctx, 'alice');
    expect(await ctx.twoFactor.completeSignIn(challenge, code)).toMatchObject({ ok: false, reason: 'replayed', attemptsLeft: 4 });
  });

  it('throws INVALID_OPTION for bad trustDevice options before any store access', async () => {
    const ctx = await twoUsers();
    const challenge = await challengeOf(ctx, 'alice');
    const { gets, writes } = ctx.store;
    await expectRejection(ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.alice), { trustDevice: { ttlMs: 0 } }), 'INVALID_OPTION', 'trustDevice.ttlMs');
    expect([ctx.store.gets, ctx.store.writes]).toEqual([gets, writes]);
  });
});

describe('the challenge\'s life and attempt cap', () => {
  it('lives 5 minutes by default: at the last millisecond it works, from 5:00 on it is challenge-expired and nothing is written', async () => {
    const ctx = await twoUsers();
    const early = await challengeOf(ctx, 'alice');
    const late = await challengeOf(ctx, 'alice');
    ctx.clock.advance(5 * MINUTE_MS - 1);
    expect(await ctx.twoFactor.completeSignIn(early, ctx.code(ctx.alice))).toMatchObject({ ok: true });
    ctx.clock.advance(1);
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(late, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-expired' });
  });

  it('signIn.challengeTtlMs sets the life, 1 s – 30 min; other values are INVALID_OPTION naming the field', async () => {
    const ctx = await twoUsers({ signIn: { challengeTtlMs: 60_000 } });
    expect(await ctx.twoFactor.beginSignIn('alice')).toMatchObject({ expiresAt: ctx.clock.now() + 60_000 });
    for (const challengeTtlMs of [0, 999, 30 * MINUTE_MS + 1, 1.5, '60000', Number.NaN]) {
      expect(() => setup({ signIn: { challengeTtlMs: challengeTtlMs as number } })).toThrow(/"signIn.challengeTtlMs"/);
    }
    for (const maxAttempts of [0, 21, 2.5, '5']) expect(() => setup({ signIn: { maxAttempts: maxAttempts as number } })).toThrow(/"signIn.maxAttempts"/);
    expect(() => setup({ signIn: 'x' as never })).toThrow(/"signIn"/);
  });

  it('five wrong codes spend it (attemptsLeft 4 … 0); the right code then needs a new challenge', async () => {
    const ctx = await twoUsers({ throttle: { freeFailures: 10 } });
    const challenge = await challengeOf(ctx, 'alice');
    const wrong = wrongCodeAt(ctx.alice.secret, ctx.clock.now());
    const left = [];
    for (let i = 0; i < 5; i++) left.push(await ctx.twoFactor.completeSignIn(challenge, wrong));
    expect(left).toEqual([4, 3, 2, 1, 0].map((attemptsLeft) => ({ ok: false, reason: 'invalid', attemptsLeft })));
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-invalid' });
    expect(await ctx.twoFactor.completeSignIn(await challengeOf(ctx, 'alice'), ctx.code(ctx.alice))).toMatchObject({ ok: true });
  });

  it('wrong backup codes count on the challenge as well', async () => {
    const ctx = await twoUsers({ throttle: { freeFailures: 10 }, signIn: { maxAttempts: 2 } });
    const challenge = await challengeOf(ctx, 'alice');
    expect(await ctx.twoFactor.completeSignIn(challenge, 'aaaaa-aaaaa')).toMatchObject({ ok: false, reason: 'invalid', attemptsLeft: 1 });
    expect(await ctx.twoFactor.completeSignIn(challenge, 'bbbbb-bbbbb')).toMatchObject({ ok: false, reason: 'invalid', attemptsLeft: 0 });
    expect(await ctx.twoFactor.completeSignIn(challenge, ctx.alice.backupCodes[0]!)).toEqual({ ok: false, reason: 'challenge-invalid' });
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ backupCodesRemaining: 10 });
  });

  it('a backup code used before counts on the challenge like a wrong one, and says how many attempts are left', async () => {
    const ctx = await twoUsers({ throttle: { freeFailures: 10 } });
    expect(await ctx.twoFactor.verify('alice', ctx.alice.backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code' });
    const challenge = await challengeOf(ctx, 'alice');
    expect(await ctx.twoFactor.completeSignIn(challenge, ctx.alice.backupCodes[0]!)).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 4 });
    expect(await ctx.twoFactor.completeSignIn(challenge, ctx.alice.backupCodes[0]!)).toEqual({ ok: false, reason: 'invalid', attemptsLeft: 3 });
  });

  it('wrong codes charge the one per-user budget: a new challenge does not bring new guesses', async () => {
    const ctx = await twoUsers(); // default: 3 free failures, then 1 s, 2 s, …
    const wrong = wrongCodeAt(ctx.alice.secret, ctx.clock.now());
    const first = await challengeOf(ctx, 'alice');
    for (let i = 0; i < 3; i++) expect(await ctx.twoFactor.completeSignIn(first, wrong)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.completeSignIn(first, wrong)).toMatchObject({ ok: false, reason: 'invalid', retryAfterMs: 1000 });
    const second = await challengeOf(ctx, 'alice');
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(second, ctx.code(ctx.alice)))).toMatchObject({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    expect(await ctx.twoFactor.verify('alice', ctx.code(ctx.alice))).toMatchObject({ ok: false, reason: 'throttled' });
    ctx.clock.advance(1000);
    expect(await ctx.twoFactor.completeSignIn(second, ctx.code(ctx.alice))).toMatchObject({ ok: true });
  });

  it('a user holds at most 5 open challenges: the sixth drops the oldest', async () => {
    const ctx = await twoUsers();
    const challenges: string[] = [];
    for (let i = 0; i < 6; i++) {
      challenges.push(await challengeOf(ctx, 'alice'));
      ctx.clock.advance(1);
    }
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(challenges[0]!, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-invalid' });
    expect(((await ctx.store.inner.get('alice'))!.record as { challenges?: unknown[] }).challenges).toHaveLength(5);
    expect(await ctx.twoFactor.completeSignIn(challenges[1]!, ctx.code(ctx.alice))).toMatchObject({ ok: true });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.completeSignIn(challenges[5]!, ctx.code(ctx.alice))).toMatchObject({ ok: true });
  });
});

describe('cancelSignIn and the operations that end challenges', () => {
  it('a cancelled challenge is challenge-invalid; unknown or malformed challenges are ignored, malformed ones without a store call', async () => {
    const ctx = await twoUsers();
    const challenge = await challengeOf(ctx, 'alice');
    expect(await ctx.twoFactor.cancelSignIn(challenge)).toBeUndefined();
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-invalid' });
    expect(await withoutWrites(ctx, () => ctx.twoFactor.cancelSignIn(challenge))).toBeUndefined();
    const calls = await storeCalls(ctx, () => ctx.twoFactor.cancelSignIn('not a challenge'));
    expect(calls).toEqual({ result: undefined, gets: 0, writes: 0 });
  });

  it('disable, reset and removeFactor delete every open challenge of the user', async () => {
    const ctx = await twoUsers();
    const beforeDisable = await challengeOf(ctx, 'alice');
    expect(await ctx.twoFactor.disable('alice', ctx.code(ctx.alice))).toEqual({ ok: true });
    const again = await enrol(ctx, 'alice');
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.completeSignIn(beforeDisable, codeAt(again.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'challenge-invalid' });

    const beforeReset = await challengeOf(ctx, 'bob');
    await ctx.twoFactor.reset('bob');
    await enrol(ctx, 'bob');
    expect(await ctx.twoFactor.completeSignIn(beforeReset, ctx.bob.backupCodes[0]!)).toEqual({ ok: false, reason: 'challenge-invalid' });

    const second = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice', label: 'Second' });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second.secret, ctx.clock.now()), { proof: codeAt(again.secret, ctx.clock.now()) })).toMatchObject({ ok: true });
    const beforeRemoval = await challengeOf(ctx, 'alice');
    const [, added] = await ctx.twoFactor.listFactors('alice');
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.removeFactor('alice', added!.id, codeAt(again.secret, ctx.clock.now()))).toEqual({ ok: true });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.completeSignIn(beforeRemoval, codeAt(again.secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'challenge-invalid' });
  });
});

describe('trusted devices go through beginSignIn', () => {
  async function withDevice() {
    const ctx = await twoUsers();
    const done = await ctx.twoFactor.completeSignIn(await challengeOf(ctx, 'alice'), ctx.code(ctx.alice), { trustDevice: { label: 'Laptop', ttlMs: 60 * MINUTE_MS } });
    if (!done.ok || !done.trustedDevice) throw new Error('expected a trusted device');
    return { ...ctx, device: done.trustedDevice };
  }

  it('completeSignIn mints a device; beginSignIn with its token skips the code and says so', async () => {
    const ctx = await withDevice();
    expect(ctx.device).toEqual({ token: expect.any(String), deviceId: expect.any(String), expiresAt: ctx.clock.now() + 60 * MINUTE_MS });
    // One read; the device's lastUsedAt is written on its first use, then at most once an hour.
    const first = await storeCalls(ctx, () => ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: ctx.device.token }));
    expect(first).toEqual({ result: { required: false, reason: 'trusted-device', deviceId: ctx.device.deviceId }, gets: 1, writes: 1 });
    ctx.clock.advance(30 * MINUTE_MS);
    expect(await storeCalls(ctx, () => ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: ctx.device.token }))).toMatchObject({ gets: 1, writes: 0 });
  });

  it('an invalid, another user\'s, revoked or expired token asks for the code and says why', async () => {
    const ctx = await withDevice();
    const asked = (trustedDevice: string) => ({ required: true, challenge: expect.any(String), expiresAt: expect.any(Number), methods: ['totp', 'backup-code'], trustedDevice });
    expect(await ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: 'garbage' })).toEqual(asked('invalid'));
    expect(await ctx.twoFactor.beginSignIn('bob', { trustedDeviceToken: ctx.device.token })).toEqual(asked('invalid'));
    ctx.clock.advance(60 * MINUTE_MS);
    expect(await ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: ctx.device.token })).toEqual(asked('expired'));
    const fresh = await ctx.twoFactor.completeSignIn(await challengeOf(ctx, 'alice'), ctx.code(ctx.alice), { trustDevice: {} });
    if (!fresh.ok || !fresh.trustedDevice) throw new Error('expected a trusted device');
    expect(await ctx.twoFactor.revokeTrustedDevice('alice', fresh.trustedDevice.deviceId)).toBe(true);
    expect(await ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: fresh.trustedDevice.token })).toEqual(asked('invalid'));
  });

  it('a trusted device does not make a user without 2FA need a code', async () => {
    const ctx = setup();
    expect(await ctx.twoFactor.beginSignIn('nobody', { trustedDeviceToken: 'tdv1_whatever' })).toEqual({ required: false, reason: 'not-enabled' });
  });
});

describe('events', () => {
  it('carry no challenge, code, backup code or device token', async () => {
    const ctx = await twoUsers({ throttle: { freeFailures: 10 } });
    const challenges = [await challengeOf(ctx, 'alice'), await challengeOf(ctx, 'alice'), await challengeOf(ctx, 'bob')];
    const codes = [wrongCodeAt(ctx.alice.secret, ctx.clock.now()), ctx.code(ctx.alice), ctx.bob.backupCodes[0]!, 'zzzzz-zzzzz'];
    await ctx.twoFactor.completeSignIn(challenges[0]!, codes[0]!);
    const done = await ctx.twoFactor.completeSignIn(challenges[0]!, codes[1]!, { trustDevice: {} });
    await ctx.twoFactor.completeSignIn(challenges[2]!, codes[3]!);
    await ctx.twoFactor.completeSignIn(challenges[2]!, codes[2]!);
    await ctx.twoFactor.cancelSignIn(challenges[1]!);
    expect(ctx.events.length).toBeGreaterThan(3);
    const text = JSON.stringify(ctx.events);
    for (const secret of [...challenges, ...challenges.map((c) => c.split('.').at(-1)!), ...codes, ...ctx.alice.backupCodes, ...ctx.bob.backupCodes]) {
      expect(text).not.toContain(secret);
    }
    if (done.ok && done.trustedDevice) expect(text).not.toContain(done.trustedDevice.token);
    expect(ctx.events.every((e) => e.at >= START_MS)).toBe(true);
  });
});
