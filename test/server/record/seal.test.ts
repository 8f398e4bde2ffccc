import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTwoFactor, type TwoFactorRecord } from '../../../src/server/index.js';
import { codeAt, ManualClock } from '../../../src/testing/index.js';
import { generateHotp, TwoFactorError } from '../../../src/index.js';
import { CHEAP_SCRYPT, CountingStore, enrol, overwrite, setup, STEP_MS, stored, withFactorSecret, wrongCodeAt } from '../../support/fixtures.js';

const key = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

describe('secrets at rest', () => {
  it('without encryption the secret is stored in the clear as base32 (alg "none")', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    expect((await stored(ctx.store))!.record.factors[0]!.secret).toEqual({ alg: 'none', secret });
  });

  it('with encryption the stored record holds only AES-256-GCM ciphertext under the current key', async () => {
    const ctx = setup({ encryption: { keys: { k1: key(1) }, current: 'k1' } });
    const { secret } = await enrol(ctx);
    const { record } = (await stored(ctx.store))!;
    expect(record.factors[0]!.secret).toMatchObject({ alg: 'A256GCM', kid: 'k1' });
    const sealed = record.factors[0]!.secret as { iv: string; ct: string };
    expect(sealed.iv).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(sealed.ct).toMatch(/^[A-Za-z0-9_-]{48}$/); // 20 bytes of secret + 16 bytes of tag
    expect(JSON.stringify(record)).not.toContain(secret);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });

  it('two seals of one secret differ (a fresh random IV each time)', async () => {
    const ctx = setup({ encryption: { keys: { k1: key(1) }, current: 'k1' } });
    await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    const first = (await stored(ctx.store))!.record.pending!.secret;
    await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    const second = (await stored(ctx.store))!.record.pending!.secret;
    expect(first).not.toEqual(second);
  });

  it('rotation: records under an old key stay readable and move to the current key on their next write', async () => {
    const store = new CountingStore();
    const ctx = setup({ store, encryption: { keys: { old: key(1) }, current: 'old' } });
    const { secret } = await enrol(ctx);
    await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' }); // a pending re-enrolment is sealed too
    expect((await stored(store))!.record.factors[0]!.secret).toMatchObject({ kid: 'old' });

    const rotated = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, backupCodes: { cost: CHEAP_SCRYPT }, encryption: { keys: { old: key(1), new: key(2) }, current: 'new' } });
    expect(await rotated.status('alice')).toMatchObject({ state: 'enabled' }); // reading alone writes nothing
    expect((await stored(store))!.record.factors[0]!.secret).toMatchObject({ kid: 'old' });
    ctx.clock.advance(STEP_MS);
    expect(await rotated.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
    const { record } = (await stored(store))!;
    expect(record.factors[0]!.secret).toMatchObject({ kid: 'new' });
    expect(record.pending!.secret).toMatchObject({ kid: 'new' });

    // The old key can go now.
    const newOnly = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { new: key(2) }, current: 'new' } });
    ctx.clock.advance(STEP_MS);
    expect(await newOnly.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });

  it('a failed attempt is a write too, so it also re-seals under the current key', async () => {
    const store = new CountingStore();
    const ctx = setup({ store, encryption: { keys: { old: key(1) }, current: 'old' } });
    const { secret } = await enrol(ctx);
    const rotated = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { old: key(1), new: key(2) }, current: 'new' } });
    expect(await rotated.verify('alice', wrongCodeAt(secret, ctx.clock.now()))).toEqual({ ok: false, reason: 'invalid' });
    expect((await stored(store))!.record.factors[0]!.secret).toMatchObject({ kid: 'new' });
  });

  it('records stored in the clear are sealed on their next write once encryption is configured with allowPlaintext', async () => {
    const store = new CountingStore();
    const ctx = setup({ store });
    const { secret } = await enrol(ctx);
    const encrypted = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { k1: key(1) }, current: 'k1', allowPlaintext: true } });
    ctx.clock.advance(STEP_MS);
    expect(await encrypted.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
    expect((await stored(store))!.record.factors[0]!.secret).toMatchObject({ alg: 'A256GCM', kid: 'k1' });
    expect(JSON.stringify((await stored(store))!.record)).not.toContain(secret);
  });

  it('a legacy one-byte secret stored in the clear is sealed on its next write and still reads back', async () => {
    const store = new CountingStore();
    const ctx = setup({ store });
    await enrol(ctx);
    await overwrite(store, 'alice', (record) => withFactorSecret(record, { alg: 'none', secret: 'AE' }));
    const encrypted = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { k1: key(1) }, current: 'k1', allowPlaintext: true } });
    ctx.clock.advance(STEP_MS);
    expect(await encrypted.verify('alice', codeAt('AE', ctx.clock.now()))).toMatchObject({ ok: true });
    const sealed = (await stored(store))!.record.factors[0]!.secret as { alg: string; ct: string };
    expect(sealed).toMatchObject({ alg: 'A256GCM' });
    expect(sealed.ct).toHaveLength(23); // 1 byte of secret + 16 bytes of tag
    expect(await encrypted.status('alice')).toMatchObject({ state: 'enabled' });
  });

  it.each(['factor', 'pending'] as const)(
    'with encryption, a %s secret planted in the clear by a database writer is refused (DECRYPTION_FAILED), never accepted or re-sealed',
    async (where) => {
      const ctx = setup({ encryption: { keys: { k1: key(1) }, current: 'k1' } });
      await enrol(ctx);
      if (where === 'pending') await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
      const planted = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // the writer's own secret, so they know every code
      await overwrite(ctx.store, 'alice', (record) =>
        where === 'factor' ? withFactorSecret(record, { alg: 'none', secret: planted }) : { ...record, pending: { ...record.pending!, secret: { alg: 'none', secret: planted } } });
      const before = await stored(ctx.store);
      ctx.clock.advance(STEP_MS);
      const code = codeAt(planted, ctx.clock.now());
      const attempts = {
        verify: () => ctx.twoFactor.verify('alice', code),
        'a wrong code': () => ctx.twoFactor.verify('alice', wrongCodeAt(planted, ctx.clock.now())),
        'a backup code': () => ctx.twoFactor.verify('alice', 'aaaaa-aaaaa'),
        confirmEnrollment: () => ctx.twoFactor.confirmEnrollment('alice', code),
        disable: () => ctx.twoFactor.disable('alice', code),
        regenerateBackupCodes: () => ctx.twoFactor.regenerateBackupCodes('alice', code),
        // A new enrolment discards a planted pending secret, so it is only tried against a planted factor.
        ...(where === 'factor' ? { beginEnrollment: () => ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' }) } : {}),
      };
      for (const [name, attempt] of Object.entries(attempts)) {
        const outcome = await attempt().then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        // Either refused with DECRYPTION_FAILED or, for calls that never touch that secret, a plain refusal:
        // never a success with the planted secret.
        if ('error' in outcome) {
          expect(outcome.error, name).toBeInstanceOf(TwoFactorError);
          expect(outcome.error, name).toMatchObject({ code: 'DECRYPTION_FAILED', message: expect.stringContaining(where === 'factor' ? '"record.factors.0.secret"' : '"record.pending.secret"') });
          expect((outcome.error as Error).message).not.toContain(planted);
        } else {
          expect(outcome.result, name).toMatchObject({ ok: false });
        }
        expect(await stored(ctx.store), `${name} leaves the record as it was`).toEqual(before);
      }
      if (where === 'pending') {
        await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
        expect((await stored(ctx.store))!.record.pending!.secret).toMatchObject({ alg: 'A256GCM', kid: 'k1' });
      }
    },
  );

  it('encryption.allowPlaintext (a migration aid) reads records stored in the clear and seals them on their next write', async () => {
    const store = new CountingStore();
    const ctx = setup({ store });
    const { secret } = await enrol(ctx);
    const strict = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { k1: key(1) }, current: 'k1' } });
    ctx.clock.advance(STEP_MS);
    await expect(strict.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
    const migrating = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { k1: key(1) }, current: 'k1', allowPlaintext: true } });
    expect(await migrating.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
    expect((await stored(store))!.record.factors[0]!.secret).toMatchObject({ alg: 'A256GCM', kid: 'k1' });
    // Sealed now, so the strict service reads it.
    ctx.clock.advance(STEP_MS);
    expect(await strict.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });

  it.each([1, 'yes', null])('encryption.allowPlaintext must be a boolean: %j is INVALID_OPTION', (value) => {
    expect(() => setup({ encryption: { keys: { k1: key(1) }, current: 'k1', allowPlaintext: value as never } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('"encryption.allowPlaintext"') }),
    );
  });

  it("a ciphertext copied into another user's record fails with DECRYPTION_FAILED (user id bound as additional data)", async () => {
    const ctx = setup({ encryption: { keys: { k1: key(1) }, current: 'k1' } });
    const { secret } = await enrol(ctx, 'alice');
    await enrol(ctx, 'mallory');
    const alices = (await stored(ctx.store, 'alice'))!.record.factors[0]!.secret;
    await overwrite(ctx.store, 'mallory', (record) => withFactorSecret(record, alices));
    ctx.clock.advance(STEP_MS);
    const error = await ctx.twoFactor.verify('mallory', codeAt(secret, ctx.clock.now())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorError);
    expect(error).toMatchObject({ code: 'DECRYPTION_FAILED', message: expect.stringContaining('"record.factors.0.secret"') });
    expect((error as Error).message).not.toContain(secret);
  });

  it('a tampered ciphertext fails with DECRYPTION_FAILED', async () => {
    const ctx = setup({ encryption: { keys: { k1: key(1) }, current: 'k1' } });
    const { secret } = await enrol(ctx);
    await overwrite(ctx.store, 'alice', (record) => {
      const sealed = record.factors[0]!.secret as { alg: 'A256GCM'; kid: string; iv: string; ct: string };
      const flipped = (sealed.ct[0] === 'A' ? 'B' : 'A') + sealed.ct.slice(1);
      return withFactorSecret(record, { ...sealed, ct: flipped });
    });
    ctx.clock.advance(STEP_MS);
    await expect(ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });

  it('an unknown key id fails with DECRYPTION_FAILED naming the key id', async () => {
    const store = new CountingStore();
    const ctx = setup({ store, encryption: { keys: { 'key-2025': key(1) }, current: 'key-2025' } });
    const { secret } = await enrol(ctx);
    const forgot = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { 'key-2026': key(2) }, current: 'key-2026' } });
    ctx.clock.advance(STEP_MS);
    await expect(forgot.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: expect.stringContaining('"key-2025"'),
    });
    const none = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now });
    await expect(none.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED', message: expect.stringContaining('"encryption"') });
  });

  it("the key bytes are copied: changing the caller's array afterwards changes nothing", async () => {
    const store = new CountingStore();
    const k = key(7);
    const ctx = setup({ store, encryption: { keys: { k1: k }, current: 'k1' } });
    k.fill(0); // before the key is first used
    const { secret } = await enrol(ctx);
    const other = createTwoFactor({ store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { k1: key(7) }, current: 'k1' } });
    ctx.clock.advance(STEP_MS);
    expect(await other.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true });
  });
});

describe('a sealed secret is bound to its place: the user and the factor (or the pending enrolment)', () => {
  const encryption = { keys: { k1: key(1) }, current: 'k1' };

  it('a pending secret moved into the factors does not sign in: DECRYPTION_FAILED', async () => {
    // The attacker has the password (so can start an enrolment and sees its secret) and can write the
    // table: without the binding, moving the pending ciphertext into a factor skipped the confirmation.
    const ctx = setup({ encryption });
    await enrol(ctx);
    const planted = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com', label: 'Attacker' });
    await overwrite(ctx.store, 'alice', (record) => withFactorSecret(record, record.pending!.secret));
    ctx.clock.advance(STEP_MS);
    await expect(ctx.twoFactor.verify('alice', codeAt(planted.secret, ctx.clock.now()))).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: expect.stringContaining('"record.factors.0.secret"'),
    });
  });

  it("a factor's ciphertext copied into another factor of the same user fails with DECRYPTION_FAILED", async () => {
    const ctx = setup({ encryption });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const second = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com', label: 'Second' });
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second.secret, ctx.clock.now()), { proof: codeAt(secret, ctx.clock.now()) })).toMatchObject({ ok: true });
    await overwrite(ctx.store, 'alice', (record) => ({ ...record, factors: [record.factors[0]!, { ...record.factors[1]!, secret: record.factors[0]!.secret }] }));
    ctx.clock.advance(STEP_MS);
    await expect(ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: expect.stringContaining('"record.factors.1.secret"'),
    });
  });

  it('every seal is marked v 2, and confirming seals the secret again for the new factor (not the pending ciphertext)', async () => {
    const ctx = setup({ encryption });
    const enrollment = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com' });
    const pending = (await stored(ctx.store))!.record.pending!.secret;
    expect(pending).toMatchObject({ alg: 'A256GCM', kid: 'k1', v: 2 });
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(enrollment.secret, ctx.clock.now()))).toMatchObject({ ok: true });
    const factor = (await stored(ctx.store))!.record.factors[0]!.secret;
    expect(factor).toMatchObject({ alg: 'A256GCM', kid: 'k1', v: 2 });
    expect(factor).not.toEqual(pending);
    const imported = await ctx.twoFactor.importFactor('bob', { type: 'hotp', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', counter: 0 });
    expect((await stored(ctx.store, 'bob'))!.record.factors[0]).toMatchObject({ id: imported.factorId, secret: { v: 2 } });
    // A record marked with any other version is refused when read.
    await overwrite(ctx.store, 'alice', (record) => withFactorSecret(record, { ...(record.factors[0]!.secret as object), v: 3 } as never));
    await expect(ctx.twoFactor.status('alice')).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining('"record.factors.0.secret.v"') });
  });
});

describe('records written by 0.2.0 (test/fixtures/records-v0.2.0.json): secrets bound to the user alone', () => {
  const fixture = JSON.parse(readFileSync(new URL('../../fixtures/records-v0.2.0.json', import.meta.url), 'utf8')) as {
    keyHex: string;
    keyId: string;
    stepMs: number;
    scenarios: { name: string; now: number; userId: string; totpSecret: string; hotpSecret: string; hotpNextCounter: number; pendingSecret: string; record: TwoFactorRecord }[];
  };
  const scenario = fixture.scenarios[0]!;
  const keyOf = Uint8Array.from(fixture.keyHex.match(/../g)!, (h) => parseInt(h, 16));

  async function loaded() {
    const store = new CountingStore();
    expect(await store.inner.compareAndSet(scenario.userId, null, scenario.record)).toBe(true);
    const clock = new ManualClock(scenario.now);
    const twoFactor = createTwoFactor({ store, issuer: 'InworkJobs', now: clock.now, backupCodes: { cost: CHEAP_SCRYPT }, encryption: { keys: { [fixture.keyId]: keyOf }, current: fixture.keyId } });
    return { store, clock, twoFactor };
  }

  it('as 0.2.0 wrote it: sealed without v, so with the old associated data', () => {
    for (const secret of [...scenario.record.factors.map((f) => f.secret), scenario.record.pending!.secret]) {
      expect(secret).toMatchObject({ alg: 'A256GCM', kid: fixture.keyId });
      expect(secret).not.toHaveProperty('v');
    }
  });

  it('read with the old associated data: status, a TOTP sign-in, an HOTP code and the pending app all work', async () => {
    const { twoFactor, clock, store } = await loaded();
    expect(await twoFactor.status(scenario.userId)).toMatchObject({ state: 'enabled', factors: [{ type: 'totp' }, { type: 'hotp' }] });
    expect((await stored(store, scenario.userId))!.record.factors[0]!.secret).not.toHaveProperty('v'); // reading alone writes nothing
    clock.advance(fixture.stepMs);
    expect(await twoFactor.verify(scenario.userId, codeAt(scenario.totpSecret, clock.now()))).toMatchObject({ ok: true, method: 'totp' });
    expect(await twoFactor.verify(scenario.userId, generateHotp(scenario.hotpSecret, scenario.hotpNextCounter))).toMatchObject({ ok: true, method: 'hotp' });
  });

  it('sealed again with the new associated data on the next write, then still readable; the pending app confirms', async () => {
    const { twoFactor, clock, store } = await loaded();
    clock.advance(fixture.stepMs);
    expect(await twoFactor.verify(scenario.userId, codeAt(scenario.totpSecret, clock.now()))).toMatchObject({ ok: true });
    const { record } = (await stored(store, scenario.userId))!;
    for (const secret of [...record.factors.map((f) => f.secret), record.pending!.secret]) expect(secret).toMatchObject({ kid: fixture.keyId, v: 2 });
    // A ciphertext of the old form moved between factors now would still open (bound to the user alone),
    // but none is left in this record: the moved-secret attack is closed for it.
    clock.advance(fixture.stepMs);
    const confirmed = await twoFactor.confirmEnrollment(scenario.userId, codeAt(scenario.pendingSecret, clock.now()), { proof: codeAt(scenario.totpSecret, clock.now()) });
    expect(confirmed).toMatchObject({ ok: true });
    expect((await twoFactor.listFactors(scenario.userId)).map((f) => f.label)).toEqual(['Authenticator app', 'YubiKey 5', 'New phone']);
  });
});
