// The checks every store over an app's own database connection must pass beyond the contract (issue 24):
// hostile user ids stored exactly, a NUL refused, a malformed row a STORE_ERROR that leaves the row as it
// was, the whole service flow on top (a sign-in challenge too), and the app's connection still open after the suite.
import { afterAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import type { TwoFactorStore } from '../../src/server/index.js';
import { runStoreContract } from '../../src/testing/index.js';
import { ManualClock, T0_MS, codeAt, enableUser, serviceOn } from './fixtures.js';
import { expectConcurrentFactorUse } from './store-service.js';
import { pendingRecord } from './store-fixtures.js';

/** What the checks need of one engine under one store. */
export interface StoreUnderTest {
  /** A ready store on a fresh table (migrated), and the table's name. */
  fresh: () => Promise<{ store: TwoFactorStore; table: string }>;
  /** Writes a row straight into `table` through the app's connection, bypassing the store. */
  insertRaw: (table: string, userId: string, recordJson: string, version: string) => Promise<void>;
  /** The row's record text and version as the database holds them (for "left as it was"). */
  readRaw: (table: string, userId: string) => Promise<unknown>;
  /** A query through the app's connection; resolves when it answers. */
  ping: () => Promise<unknown>;
}

/** User ids a store must keep apart and return exactly: each would collide under some collation or trim. */
const HOSTILE_IDS = [
  'a',
  'A',
  'a ',
  'a  ',
  ' a',
  'é', // NFC
  'e\u0301', // NFD: the same letter to a person, another id to the service
  'straße',
  'STRASSE',
  `it's "quoted" \\ back\`tick\`; DROP TABLE two_factor; --`,
  '用户 🔐 👩‍💻',
  '%_*?',
  'x'.repeat(255) + 'y',
  '😀'.repeat(128), // 256 UTF-16 units, 512 UTF-8 bytes
  '\u00a0a\u3000',
  'tab\there\nline',
];

/** Registers the contract and the checks of this file for one store on one engine. */
export function sqlStoreSuite(name: string, under: StoreUnderTest): void {
  let contractStore: Promise<TwoFactorStore> | undefined;
  runStoreContract(name, () => (contractStore ??= under.fresh().then((s) => s.store)), { describe, it: test, expect });

  describe(`${name}: beyond the contract`, () => {
    afterAll(async () => {
      // The store never closes the app's connection: after every test above, it still answers.
      await expect(under.ping()).resolves.toBeDefined();
    });

    test('hostile user ids are stored exactly and kept apart (case, accents, trailing spaces, quotes, 256 characters)', async () => {
      const { store } = await under.fresh();
      expect(HOSTILE_IDS.every((id) => id.length <= 256)).toBe(true);
      for (const [i, id] of HOSTILE_IDS.entries()) expect(await store.compareAndSet(id, null, pendingRecord(i))).toBe(true);
      for (const [i, id] of HOSTILE_IDS.entries()) expect((await store.get(id))?.record, JSON.stringify(id)).toEqual(pendingRecord(i));
      expect(await store.get('a   ')).toBeNull();
      expect(await store.get('b')).toBeNull();
    });

    test('a NUL or a lone surrogate in a user id is INVALID_OPTION, before any query', async () => {
      const { store } = await under.fresh();
      for (const id of ['a\0b', '\0', 'a\uD800']) {
        for (const call of [() => store.get(id), () => store.compareAndSet(id, null, pendingRecord())]) {
          const error = await call().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(TwoFactorError);
          expect((error as TwoFactorError).code).toBe('INVALID_OPTION');
          expect((error as TwoFactorError).message).toMatch(/^"userId" must be text without NUL or unpaired surrogates/);
        }
      }
      await expect(store.compareAndSet('x'.repeat(257), null, pendingRecord())).rejects.toThrow(/"userId" must be a string of 1–256 characters/);
      expect(await store.get('a')).toBeNull();
    });

    test('a record of 1 MB round-trips', async () => {
      const { store } = await under.fresh();
      const record = { ...pendingRecord(), padding: 'ü'.repeat(512 * 1024) };
      expect(await store.compareAndSet('big', null, record as never)).toBe(true);
      expect((await store.get('big'))?.record).toEqual(record);
    });

    test.each([
      ['a JSON array', '[1,2]', '1', /"record" must be a JSON object, got an array/],
      ['JSON null', 'null', '1', /"record" must be a JSON object, got null/],
      ['a JSON number', '42', '1', /"record" must be a JSON object, got 42/],
      ['a version beyond 2^53', '{}', '1152921504606846976', /"version" must be a safe integer/],
    ])('a row holding %s is a STORE_ERROR, through the service too, and is left as it was', async (_, recordJson, version, message) => {
      const { store, table } = await under.fresh();
      await under.insertRaw(table, 'bad', recordJson, version);
      const before = await under.readRaw(table, 'bad');
      const error = await store.get('bad').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwoFactorError);
      expect((error as TwoFactorError).code).toBe('STORE_ERROR');
      expect((error as TwoFactorError).message).toMatch(message);
      const twoFactor = serviceOn(store, new ManualClock(T0_MS));
      for (const call of [() => twoFactor.verify('bad', '123456'), () => twoFactor.beginEnrollment('bad', { accountName: 'bad' }), () => twoFactor.reset('bad')]) {
        const viaService = await call().catch((e: unknown) => e);
        expect((viaService as TwoFactorError).code).toBe('STORE_ERROR');
      }
      expect(await under.readRaw(table, 'bad')).toEqual(before);
    });

    test('the service on top: enrol, confirm, verify, replay refused, a backup code once, a trusted device', async () => {
      const { store } = await under.fresh();
      const clock = new ManualClock(T0_MS);
      const twoFactor = serviceOn(store, clock);
      const { secret, backupCodes } = await enableUser(twoFactor, clock, 'alice 😀');
      const code = codeAt(secret, clock.now());
      const first = await twoFactor.verify('alice 😀', code, { trustDevice: { label: 'Zoë’s “laptop”' } });
      expect(first).toMatchObject({ ok: true, method: 'totp' });
      expect(await twoFactor.verify('alice 😀', code)).toMatchObject({ ok: false, reason: 'replayed' });
      expect(await twoFactor.verify('alice 😀', backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code', backupCodesRemaining: 9 });
      expect(await twoFactor.verify('alice 😀', backupCodes[0]!)).toMatchObject({ ok: false, reason: 'invalid' });
      const { deviceId, token } = (first as { trustedDevice: { deviceId: string; token: string } }).trustedDevice;
      expect(await twoFactor.verifyTrustedDevice('alice 😀', token)).toEqual({ ok: true, deviceId });
      expect((await twoFactor.listTrustedDevices('alice 😀')).map((d) => d.label)).toEqual(['Zoë’s “laptop”']);
      expect(await twoFactor.revokeTrustedDevices('alice 😀')).toBe(1);
      expect(await twoFactor.verifyTrustedDevice('alice 😀', token)).toMatchObject({ ok: false });
      expect(await twoFactor.status('alice 😀')).toMatchObject({ state: 'enabled', backupCodesRemaining: 9 });
      // Another user whose id differs only by case is someone else.
      expect(await twoFactor.status('ALICE 😀')).toMatchObject({ state: 'disabled' });
    });

    test('a sign-in challenge round trip: beginSignIn, completeSignIn once, then the challenge is spent', async () => {
      const { store } = await under.fresh();
      const clock = new ManualClock(T0_MS);
      const twoFactor = serviceOn(store, clock);
      const { secret } = await enableUser(twoFactor, clock, 'carol ü 😀');
      expect(await twoFactor.beginSignIn('someone else')).toMatchObject({ required: false, reason: 'not-enabled' });
      const start = await twoFactor.beginSignIn('carol ü 😀');
      expect(start).toMatchObject({ required: true, methods: expect.arrayContaining(['totp', 'backup-code']) });
      const { challenge } = start as { challenge: string };
      const code = codeAt(secret, clock.now());
      const done = await twoFactor.completeSignIn(challenge, code, { trustDevice: { label: 'Firefox' } });
      expect(done).toMatchObject({ ok: true, userId: 'carol ü 😀', method: 'totp' });
      expect(await twoFactor.completeSignIn(challenge, code)).toMatchObject({ ok: false, reason: 'challenge-invalid' });
      // The browser trusted on the way skips the code at the next sign-in.
      const { token, deviceId } = (done as { trustedDevice: { token: string; deviceId: string } }).trustedDevice;
      expect(await twoFactor.beginSignIn('carol ü 😀', { trustedDeviceToken: token })).toEqual({ required: false, reason: 'trusted-device', deviceId });
    });

    test('through the service, of 20 concurrent requests with one code exactly one succeeds', async () => {
      const { store } = await under.fresh();
      await expectConcurrentFactorUse(store, 20);
    });
  });
}
