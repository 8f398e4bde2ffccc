// HOTP hardware tokens (src/server/hotp-tokens.ts, hotp-token.ts): registration with two consecutive
// codes, sign-in within a small look-ahead, single use, resynchronisation. Codes come from oathtool.
import { describe, expect, it } from 'vitest';
import { encodeBase32, generateHotp, generateSecret, TwoFactorError } from '../../../src/index.js';
import { codeAt, enrol, setup, STEP_MS, stored } from '../../support/fixtures.js';
import { oathHotp } from '../../support/oathtool.js';

const TOKEN = encodeBase32(generateSecret());

describe('registering a token', () => {
  it('two consecutive codes found 500 counters ahead register it as the first factor; its next code signs in once', async () => {
    const ctx = setup();
    const [c500, c501, c502, c503] = oathHotp(TOKEN, 500, 4);
    const added = await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [c500!, c501!], label: 'YubiKey 5' });
    expect(added).toEqual({ ok: true, factorId: expect.stringMatching(/^f_/), backupCodes: expect.any(Array) });
    expect((added as { backupCodes: string[] }).backupCodes).toHaveLength(10);
    expect((await stored(ctx.store))!.record.factors[0]).toMatchObject({ type: 'hotp', counter: 502, label: 'YubiKey 5' });
    // The registration codes are spent.
    expect(await ctx.twoFactor.verify('alice', c501!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', c503!)).toMatchObject({ ok: true, method: 'hotp', factorId: (added as { factorId: string }).factorId });
    // c502 lies behind the counter now (skipped by pressing twice): never accepted again, nor c503.
    expect(await ctx.twoFactor.verify('alice', c502!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', c503!)).toEqual({ ok: false, reason: 'invalid' });
    expect((await stored(ctx.store))!.record.factors[0]).toMatchObject({ counter: 504 });
    expect(ctx.events.filter((e) => e.type === 'enabled' || e.type === 'factor-added').map((e) => e.type)).toEqual(['enabled', 'factor-added']);
  });

  it('beyond the look-ahead, in the wrong order, or not consecutive: invalid and counted; nothing registered', async () => {
    const ctx = setup({ hotp: { syncLookAhead: 1000 } });
    const far = oathHotp(TOKEN, 1001, 2);
    const [a, b, , d] = oathHotp(TOKEN, 10, 4);
    for (const codes of [far, [b!, a!], [a!, d!]]) {
      expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: codes as [string, string] })).toEqual({ ok: false, reason: 'invalid' });
    }
    expect((await stored(ctx.store))!.record).toMatchObject({ factors: [], failures: 3 });
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: oathHotp(TOKEN, 999, 2) as [string, string] })).toMatchObject({ ok: true });
  });

  it('wrong registration codes are throttled like sign-in: once over the budget, even the right codes wait; nothing registered meanwhile', async () => {
    const ctx = setup({ throttle: { freeFailures: 1, baseDelayMs: 10_000 } });
    const [a, b] = oathHotp(TOKEN, 40, 2);
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [b!, a!] })).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [b!, a!] })).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 10_000 });
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [a!, b!] })).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 10_000 });
    expect((await stored(ctx.store))!.record).toMatchObject({ factors: [], failures: 2 });
    ctx.clock.advance(10_000);
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [a!, b!] })).toMatchObject({ ok: true });
  });

  it('8-digit SHA-256 tokens and a starting counter beyond 2^32 work (cross-checked with generateHotp)', async () => {
    const ctx = setup();
    const start = 2 ** 32 + 7;
    const codes = [0, 1, 2].map((k) => generateHotp(TOKEN, start + 3 + k, { digits: 8, algorithm: 'SHA256' }));
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, counter: BigInt(start), digits: 8, algorithm: 'SHA256', codes: [codes[0]!, codes[1]!] })).toMatchObject({ ok: true });
    expect(await ctx.twoFactor.verify('alice', codes[2]!)).toMatchObject({ ok: true, method: 'hotp' });
  });

  it('with a factor enabled it needs proof, like any addition; the proof is spent with it', async () => {
    const ctx = setup();
    const app = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const codes = oathHotp(TOKEN, 0, 3);
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [codes[0]!, codes[1]!] })).toEqual({ ok: false, reason: 'proof-required' });
    const proof = codeAt(app.secret, ctx.clock.now());
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: [codes[0]!, codes[1]!], proof })).toEqual({ ok: true, factorId: expect.any(String), backupCodes: [] });
    expect(await ctx.twoFactor.verify('alice', proof)).toEqual({ ok: false, reason: 'replayed' });
    expect(await ctx.twoFactor.verify('alice', codes[2]!)).toMatchObject({ ok: true, method: 'hotp' });
    expect(await ctx.twoFactor.verify('alice', app.backupCodes[0]!)).toMatchObject({ ok: true, backupCodesRemaining: 9 });
  });

  it('malformed arguments are TwoFactorError naming the field, and nothing is written', async () => {
    const ctx = setup();
    const codes = oathHotp(TOKEN, 0, 2) as [string, string];
    const cases: [Record<string, unknown>, string, string][] = [
      [{ secret: 'not base32!', codes }, 'INVALID_SECRET', '"secret"'],
      [{ secret: encodeBase32(generateSecret({ bytes: 16 })).slice(0, 16), codes }, 'INVALID_SECRET', '"secret"'],
      [{ secret: TOKEN, codes: ['123456'] }, 'INVALID_OPTION', '"codes"'],
      [{ secret: TOKEN, codes: [123456, 654321] }, 'INVALID_OPTION', '"codes"'],
      [{ secret: TOKEN }, 'INVALID_OPTION', '"codes"'],
      [{ secret: TOKEN, codes, counter: -1 }, 'INVALID_OPTION', '"counter"'],
      [{ secret: TOKEN, codes, counter: 2n ** 53n }, 'INVALID_OPTION', '"counter"'],
      [{ secret: TOKEN, codes, digits: 5 }, 'INVALID_OPTION', '"digits"'],
      [{ secret: TOKEN, codes, algorithm: 'MD5' }, 'INVALID_OPTION', '"algorithm"'],
      [{ secret: TOKEN, codes, label: '' }, 'INVALID_OPTION', '"label"'],
    ];
    for (const [opts, code, field] of cases) {
      const error = await ctx.twoFactor.addHotpToken('alice', opts as never).catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(TwoFactorError);
      expect(error, field).toMatchObject({ code, message: expect.stringContaining(field) });
      expect((error as Error).message).not.toContain(TOKEN);
    }
    await expect(ctx.twoFactor.addHotpToken('alice', null as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(await stored(ctx.store)).toBeNull();
  });

  it('a counter beyond 2^53−1 gets one rule whether it is a number or a bigint', async () => {
    const ctx = setup();
    const codes = oathHotp(TOKEN, 0, 2) as [string, string];
    const rules = await Promise.all(
      [2 ** 53, 2n ** 53n, 1.5, -1n].map((counter) => ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes, counter }).catch((e: Error) => e.message.replace(/, got .*$/, ''))),
    );
    expect(new Set(rules)).toEqual(new Set(['"counter" must be an integer 0–2^53−1 (a number or a bigint)']));
  });
});

describe('sign-in look-ahead and resynchronisation (RFC 4226 §7.4)', () => {
  it('a code 10 ahead signs in, 11 ahead does not; resyncHotp with two codes beyond moves the counter', async () => {
    const ctx = setup({ hotp: { lookAhead: 10 } });
    const added = await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: oathHotp(TOKEN, 0, 2) as [string, string] });
    const id = (added as { factorId: string }).factorId;
    // Counter is 2: a code at 12 is within 10, at 24 (after 12 was used, counter 13) is 11 ahead.
    expect(await ctx.twoFactor.verify('alice', oathHotp(TOKEN, 12)[0]!)).toMatchObject({ ok: true, method: 'hotp' });
    expect(await ctx.twoFactor.verify('alice', oathHotp(TOKEN, 24)[0]!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.resyncHotp('alice', id, oathHotp(TOKEN, 24, 2) as [string, string])).toEqual({ ok: true });
    expect(ctx.events.at(-1)).toEqual(expect.objectContaining({ type: 'hotp-resynced', factorId: id, skipped: 11 }));
    expect(await ctx.twoFactor.verify('alice', oathHotp(TOKEN, 25)[0]!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', oathHotp(TOKEN, 26)[0]!)).toMatchObject({ ok: true });
    expect((await stored(ctx.store))!.record).toMatchObject({ failures: 0 });
  });

  it("resync: wrong codes are counted and throttled; 'unknown-factor' for an unknown or TOTP factor; 'not-enabled' without 2FA", async () => {
    const ctx = setup({ throttle: { freeFailures: 1, baseDelayMs: 10_000 } });
    const added = await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: oathHotp(TOKEN, 0, 2) as [string, string] });
    const id = (added as { factorId: string }).factorId;
    const [a, b] = oathHotp(TOKEN, 50, 2);
    expect(await ctx.twoFactor.resyncHotp('alice', id, [b!, a!])).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.resyncHotp('alice', id, [b!, a!])).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 10_000 });
    expect(await ctx.twoFactor.resyncHotp('alice', id, [a!, b!])).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 10_000 });
    expect(await ctx.twoFactor.resyncHotp('alice', 'f_zzzzzzzzzz', [a!, b!])).toEqual({ ok: false, reason: 'unknown-factor' });
    expect(await ctx.twoFactor.resyncHotp('nobody', id, [a!, b!])).toEqual({ ok: false, reason: 'not-enabled' });
    await expect(ctx.twoFactor.resyncHotp('alice', id, [a!] as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"codes"') });
    ctx.clock.advance(10_000);
    expect(await ctx.twoFactor.resyncHotp('alice', id, [a!, b!])).toEqual({ ok: true });

    const app = setup();
    await enrol(app);
    const [totp] = await app.twoFactor.listFactors('alice');
    expect(await app.twoFactor.resyncHotp('alice', totp!.id, [a!, b!])).toEqual({ ok: false, reason: 'unknown-factor' });
  });

  it('at the largest safe counter: a code whose successor could not be stored is refused, and the record stays readable', async () => {
    const ctx = setup();
    const top = Number.MAX_SAFE_INTEGER;
    await ctx.twoFactor.importFactor('alice', { type: 'hotp', secret: TOKEN, counter: top - 1 });
    expect(await ctx.twoFactor.verify('alice', generateHotp(TOKEN, top - 1))).toMatchObject({ ok: true, method: 'hotp' });
    expect(await ctx.twoFactor.verify('alice', generateHotp(TOKEN, top))).toEqual({ ok: false, reason: 'invalid' });
    expect((await ctx.twoFactor.status('alice')).factors).toHaveLength(1);
    expect((await stored(ctx.store))!.record.factors[0]).toMatchObject({ counter: top });
  });

  it('the defaults: registration and resyncHotp find a first code up to 1,000 counters ahead, sign-in accepts 10 ahead', async () => {
    const ctx = setup();
    expect(await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: oathHotp(TOKEN, 1001, 2) as [string, string] })).toEqual({ ok: false, reason: 'invalid' });
    const added = await ctx.twoFactor.addHotpToken('alice', { secret: TOKEN, codes: oathHotp(TOKEN, 1000, 2) as [string, string] });
    const id = (added as { factorId: string }).factorId;
    // Counter 1002: a code at 1012 is 10 ahead; after it, counter 1013, a code at 1024 is 11 ahead.
    expect(await ctx.twoFactor.verify('alice', oathHotp(TOKEN, 1012)[0]!)).toMatchObject({ ok: true, method: 'hotp' });
    expect(await ctx.twoFactor.verify('alice', oathHotp(TOKEN, 1024)[0]!)).toEqual({ ok: false, reason: 'invalid' });
    // Counter 1013: a resync pair starting 1,001 ahead is beyond the search, 1,000 ahead is found.
    expect(await ctx.twoFactor.resyncHotp('alice', id, oathHotp(TOKEN, 2014, 2) as [string, string])).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.resyncHotp('alice', id, oathHotp(TOKEN, 2013, 2) as [string, string])).toEqual({ ok: true });
  });

  it('hotp options are bounded: lookAhead 0–100, syncLookAhead 1,000–100,000', () => {
    for (const hotp of [{ lookAhead: 101 }, { lookAhead: -1 }, { syncLookAhead: 999 }, { syncLookAhead: 100_001 }, { lookAhead: 1.5 }]) {
      expect(() => setup({ hotp })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('"hotp.') }));
    }
  });
});
