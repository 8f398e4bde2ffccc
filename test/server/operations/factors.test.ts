// Several factors per user (src/server/factors.ts, proof.ts, factor-management.ts): adding never replaces,
// proof of possession, verify across every factor with one throttle budget, rename and remove.
import { describe, expect, it } from 'vitest';
import { MAX_FACTORS, type TwoFactorRecord } from '../../../src/server/index.js';
import { encodeBase32, generateSecret, TwoFactorError } from '../../../src/index.js';
import { codeAt, enrol, setup, STEP_MS, stored, wrongCodeAt } from '../../support/fixtures.js';
import { oathHotp } from '../../support/oathtool.js';

type Ctx = ReturnType<typeof setup>;

/** Begins a second app; returns its secret. */
async function beginApp(ctx: Ctx, label = 'Backup phone') {
  return (await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com', label })).secret;
}

async function record(ctx: Ctx): Promise<TwoFactorRecord> {
  return (await stored(ctx.store))!.record;
}

describe('adding a factor never replaces one', () => {
  it("without proof: 'proof-required', nothing written; a wrong proof is counted; the first app keeps working", async () => {
    const ctx = setup();
    const first = await enrol(ctx);
    const second = await beginApp(ctx);
    ctx.clock.advance(STEP_MS);
    const before = await stored(ctx.store);
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second, ctx.clock.now()))).toEqual({ ok: false, reason: 'proof-required' });
    // An empty or blank proof field is a missing proof, not a wrong one: nothing counted.
    for (const proof of ['', '   ']) {
      expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second, ctx.clock.now()), { proof })).toEqual({ ok: false, reason: 'proof-required' });
    }
    expect(await stored(ctx.store)).toEqual(before);
    const wrong = wrongCodeAt(first.secret, ctx.clock.now());
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second, ctx.clock.now()), { proof: wrong })).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second, ctx.clock.now()), { proof: 'zzzzz-zzzzz' })).toEqual({ ok: false, reason: 'invalid' });
    expect((await record(ctx)).failures).toBe(2);
    expect((await record(ctx)).factors).toHaveLength(1);
    expect(await ctx.twoFactor.verify('alice', codeAt(first.secret, ctx.clock.now()))).toMatchObject({ ok: true, method: 'totp' });
  });

  it('with a current code of the first app as proof: both apps sign in, the backup codes stay, the proof code is spent', async () => {
    const ctx = setup();
    const first = await enrol(ctx);
    const second = await beginApp(ctx);
    ctx.clock.advance(STEP_MS);
    const proof = codeAt(first.secret, ctx.clock.now());
    const added = await ctx.twoFactor.confirmEnrollment('alice', codeAt(second, ctx.clock.now()), { proof });
    expect(added).toEqual({ ok: true, factorId: expect.stringMatching(/^f_[a-z2-7]{10}$/), backupCodes: [] });
    expect(await ctx.twoFactor.verify('alice', proof)).toEqual({ ok: false, reason: 'replayed' });
    ctx.clock.advance(STEP_MS);
    const factors = await ctx.twoFactor.listFactors('alice');
    expect(factors.map((f) => [f.type, f.label])).toEqual([['totp', 'Authenticator app'], ['totp', 'Backup phone']]);
    expect(factors[1]!.id).toBe((added as { factorId: string }).factorId);
    expect(await ctx.twoFactor.verify('alice', codeAt(second, ctx.clock.now()))).toMatchObject({ ok: true, factorId: factors[1]!.id });
    expect(await ctx.twoFactor.verify('alice', codeAt(first.secret, ctx.clock.now()))).toMatchObject({ ok: true, factorId: factors[0]!.id });
    expect(await ctx.twoFactor.verify('alice', first.backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code', backupCodesRemaining: 9 });
    expect(ctx.events.filter((e) => e.type === 'factor-added').map((e) => (e as { proof?: string }).proof)).toEqual([undefined, 'totp']);
  });

  it('the lost-phone path: backup code to sign in, another as proof to add the new app, a code of the new app removes the old', async () => {
    const ctx = setup();
    const { twoFactor, clock } = ctx;
    const lost = await enrol(ctx);
    const [oldFactor] = await twoFactor.listFactors('alice');
    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', lost.backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code' });
    const fresh = await beginApp(ctx, 'New phone');
    const added = await twoFactor.confirmEnrollment('alice', codeAt(fresh, clock.now()), { proof: lost.backupCodes[1]! });
    expect(added).toMatchObject({ ok: true, backupCodes: [] });
    // The proof code is spent with the addition.
    expect(await twoFactor.verify('alice', lost.backupCodes[1]!)).toEqual({ ok: false, reason: 'invalid' });
    clock.advance(STEP_MS);
    // A backup code is not "a current code": it cannot remove a factor.
    expect(await twoFactor.removeFactor('alice', oldFactor!.id, lost.backupCodes[2]!)).toMatchObject({ ok: false, reason: 'invalid' });
    clock.advance(STEP_MS);
    expect(await twoFactor.removeFactor('alice', oldFactor!.id, codeAt(fresh, clock.now()))).toEqual({ ok: true });
    expect((await twoFactor.listFactors('alice')).map((f) => f.label)).toEqual(['New phone']);
    clock.advance(STEP_MS);
    expect(await twoFactor.verify('alice', codeAt(lost.secret, clock.now()))).toEqual({ ok: false, reason: 'invalid' });
    expect(await twoFactor.status('alice')).toMatchObject({ state: 'enabled', backupCodesRemaining: 8 });
    expect(ctx.events.map((e) => e.type)).toContain('factor-removed');
  });

  it(`a user holds at most ${MAX_FACTORS} factors: beginning an eleventh is INVALID_OPTION and writes nothing`, async () => {
    expect(MAX_FACTORS).toBe(10); // the contract's figure; the rest of the test follows the constant
    const ctx = setup();
    const first = await enrol(ctx);
    for (let i = 1; i < MAX_FACTORS; i++) {
      const secret = await beginApp(ctx, `Phone ${i}`);
      ctx.clock.advance(STEP_MS);
      const added = await ctx.twoFactor.confirmEnrollment('alice', codeAt(secret, ctx.clock.now()), { proof: codeAt(first.secret, ctx.clock.now()) });
      expect(added.ok).toBe(true);
    }
    const before = await stored(ctx.store);
    await expect(beginApp(ctx, 'One too many')).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"userId"') });
    expect(await stored(ctx.store)).toEqual(before);
  });
});

describe('one throttle budget across all factors and the backup codes', () => {
  it('failures against any factor or backup code add up; two factors give no extra guesses', async () => {
    const ctx = setup({ throttle: { freeFailures: 2, baseDelayMs: 60_000 } });
    const first = await enrol(ctx);
    const second = await beginApp(ctx);
    ctx.clock.advance(STEP_MS);
    await ctx.twoFactor.confirmEnrollment('alice', codeAt(second, ctx.clock.now()), { proof: codeAt(first.secret, ctx.clock.now()) });
    ctx.clock.advance(STEP_MS);
    const wrong = wrongCodeAt(first.secret, ctx.clock.now(), 3);
    expect(await ctx.twoFactor.verify('alice', wrong)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', 'zzzzz-zzzzz')).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verify('alice', wrong)).toEqual({ ok: false, reason: 'invalid', retryAfterMs: 60_000 });
    for (const code of [codeAt(first.secret, ctx.clock.now()), codeAt(second, ctx.clock.now()), first.backupCodes[0]!]) {
      expect(await ctx.twoFactor.verify('alice', code)).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 60_000 });
    }
    expect(await ctx.twoFactor.confirmEnrollment('alice', '000000', { proof: codeAt(second, ctx.clock.now()) })).toMatchObject({ reason: 'throttled' });
    expect(await ctx.twoFactor.removeFactor('alice', (await ctx.twoFactor.listFactors('alice'))[0]!.id, codeAt(second, ctx.clock.now()))).toMatchObject({ reason: 'throttled' });
    ctx.clock.advance(60_000);
    expect(await ctx.twoFactor.verify('alice', codeAt(second, ctx.clock.now()))).toMatchObject({ ok: true });
  });
});

describe('rename and remove', () => {
  it('renames; false for an unknown factor; labels outside 1–64 characters or with control characters are INVALID_OPTION', async () => {
    const ctx = setup();
    await enrol(ctx);
    const [factor] = await ctx.twoFactor.listFactors('alice');
    expect(await ctx.twoFactor.renameFactor('alice', factor!.id, 'Pixel 8 — work')).toBe(true);
    expect((await ctx.twoFactor.listFactors('alice'))[0]!.label).toBe('Pixel 8 — work');
    expect(ctx.events.at(-1)).toMatchObject({ type: 'factor-renamed', factorId: factor!.id });
    expect(await ctx.twoFactor.renameFactor('alice', 'f_zzzzzzzzzz', 'x')).toBe(false);
    expect(await ctx.twoFactor.renameFactor('nobody', factor!.id, 'x')).toBe(false);
    const before = await stored(ctx.store);
    for (const label of ['', 'x'.repeat(65), 'a\nb', 'tab\there', 'nul\0', '\u0085', '   ', 'lone \ud800', 42, null]) {
      await expect(ctx.twoFactor.renameFactor('alice', factor!.id, label as string)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"label"') });
      await expect(ctx.twoFactor.beginEnrollment('alice', { accountName: 'a', label: label as string })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    expect(await ctx.twoFactor.renameFactor('alice', factor!.id, 'x'.repeat(64))).toBe(true);
    expect((await stored(ctx.store))!.version).toBe(before!.version + 1);
  });

  it("removeFactor: 'unknown-factor' for an id the user lacks, INVALID_OPTION for a malformed one, and removing the last disables 2FA", async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    const [factor] = await ctx.twoFactor.listFactors('alice');
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    const before = await stored(ctx.store);
    expect(await ctx.twoFactor.removeFactor('alice', 'f_zzzzzzzzzz', code)).toEqual({ ok: false, reason: 'unknown-factor' });
    for (const id of ['', 'F_ABCDEFGHIJ', 'f_abc', 42, null]) {
      const error = await ctx.twoFactor.removeFactor('alice', id as string, code).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwoFactorError);
      expect(error).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"factorId"') });
    }
    expect(await stored(ctx.store)).toEqual(before);
    expect(await ctx.twoFactor.removeFactor('nobody', factor!.id, code)).toEqual({ ok: false, reason: 'not-enabled' });
    expect(await ctx.twoFactor.removeFactor('alice', factor!.id, code)).toEqual({ ok: true });
    expect(await ctx.twoFactor.status('alice')).toEqual({ state: 'disabled', backupCodesRemaining: 0, factors: [] });
    expect(ctx.events.slice(-2).map((e) => e.type)).toEqual(['factor-removed', 'disabled']);
  });

  it('status and listFactors show label, type, times and drift, never a secret', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()));
    const factors = await ctx.twoFactor.listFactors('alice');
    expect(factors).toEqual([{ id: expect.any(String), type: 'totp', label: 'Authenticator app', createdAt: ctx.clock.now() - STEP_MS, lastUsedAt: ctx.clock.now(), driftSteps: 0 }]);
    expect((await ctx.twoFactor.status('alice')).factors).toEqual(factors);
    expect(JSON.stringify(factors)).not.toContain(secret);
    expect(await ctx.twoFactor.listFactors('nobody')).toEqual([]);
  });
});

describe('bad input to the factor methods', () => {
  it('a bad userId or options object is INVALID_OPTION naming it, and nothing is written', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    const [factor] = await ctx.twoFactor.listFactors('alice');
    const before = await stored(ctx.store);
    const codes: [string, string] = ['123456', '654321'];
    const calls: [string, () => Promise<unknown>][] = [];
    for (const userId of ['', 'x'.repeat(257), 42, null]) {
      const u = userId as string;
      calls.push(
        ['userId', () => ctx.twoFactor.listFactors(u)],
        ['userId', () => ctx.twoFactor.renameFactor(u, factor!.id, 'x')],
        ['userId', () => ctx.twoFactor.removeFactor(u, factor!.id, '123456')],
        ['userId', () => ctx.twoFactor.resyncHotp(u, factor!.id, codes)],
        ['userId', () => ctx.twoFactor.addHotpToken(u, { secret, codes })],
        ['userId', () => ctx.twoFactor.importFactor(u, { type: 'totp', secret })],
        ['userId', () => ctx.twoFactor.confirmEnrollment(u, '123456', { proof: '123456' })],
      );
    }
    calls.push(
      ['opts', () => ctx.twoFactor.confirmEnrollment('alice', '123456', 'proof' as never)],
      ['opts', () => ctx.twoFactor.importFactor('alice', { type: 'totp', secret }, [] as never)],
      ['factorId', () => ctx.twoFactor.resyncHotp('alice', 'nope', codes)],
      ['factorId', () => ctx.twoFactor.renameFactor('alice', 'nope', 'x')],
    );
    for (const [field, call] of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(error, field).toBeInstanceOf(TwoFactorError);
      expect(error, field).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining(`"${field}"`) });
    }
    expect(await stored(ctx.store)).toEqual(before);
  });
});

describe('events of factor changes', () => {
  /** Every string inside `value`, however deep. */
  const strings = (value: unknown): string[] =>
    typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];

  it('added, removed, renamed, imported and re-synchronised each emit their event; none carries a secret or a code', async () => {
    const ctx = setup();
    const first = await enrol(ctx);
    const secrets = [first.secret];
    const codes: string[] = [];
    const use = (code: string) => (codes.push(code), code);

    ctx.clock.advance(STEP_MS);
    const second = await beginApp(ctx);
    secrets.push(second);
    expect(await ctx.twoFactor.confirmEnrollment('alice', use(codeAt(second, ctx.clock.now())), { proof: use(codeAt(first.secret, ctx.clock.now())) })).toMatchObject({ ok: true });

    const token = encodeBase32(generateSecret());
    secrets.push(token);
    const registration = oathHotp(token, 0, 2).map(use) as [string, string];
    const added = await ctx.twoFactor.addHotpToken('alice', { secret: token, codes: registration, proof: use(first.backupCodes[0]!) });
    const tokenId = (added as { factorId: string }).factorId;
    expect(await ctx.twoFactor.resyncHotp('alice', tokenId, oathHotp(token, 40, 2).map(use) as [string, string])).toEqual({ ok: true });
    expect(await ctx.twoFactor.renameFactor('alice', tokenId, 'YubiKey')).toBe(true);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.removeFactor('alice', tokenId, use(codeAt(second, ctx.clock.now())))).toEqual({ ok: true });

    const imported = encodeBase32(generateSecret());
    secrets.push(imported);
    await ctx.twoFactor.importFactor('bob', { type: 'totp', secret: imported }, { backupCodes: [use('abcde-fghjk'), use('mnpqr-stvwx')] });

    const types = ctx.events.map((e) => e.type);
    for (const type of ['factor-added', 'hotp-resynced', 'factor-renamed', 'factor-removed', 'factor-imported'] as const) expect(types).toContain(type);
    for (const event of ctx.events) {
      for (const text of strings(event)) {
        for (const secret of [...secrets, ...codes]) expect(text, `${event.type}: ${JSON.stringify(event)}`).not.toContain(secret);
      }
      expect(Object.keys(event).filter((key) => /secret|code/i.test(key) && key !== 'backupCodes')).toEqual([]);
    }
  });
});
