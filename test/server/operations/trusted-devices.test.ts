// Trusted devices (src/server/trusted-devices.ts and trusted-device-operations.ts) on a CountingStore:
// minting only by a successful verify, the token and its hash (node:crypto as the oracle), lifetimes and
// bad options, the 20-device cap, throttled lastUsedAt writes, garbage tokens that never reach the store,
// revocation (one, all, disable, reset) and events that never carry a token. The same guarantees under
// 50 concurrent verifies on every store are in trusted-devices.concurrency.test.ts.
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TwoFactorError } from '../../../src/errors.js';
import {
  createTwoFactor,
  DEFAULT_TRUSTED_DEVICE_TTL_MS,
  MAX_TRUSTED_DEVICE_TTL_MS,
  MAX_TRUSTED_DEVICES,
  parseRecord,
  type TrustedDevice,
  type TwoFactorRecord,
} from '../../../src/server/index.js';
import { revokeAllDevices } from '../../../src/server/record/devices.js';
import { codeAt, CountingStore, enrol, ManualClock, overwrite, setup, STEP_MS, stored, wrongCodeAt } from '../../support/fixtures.js';

const HOUR_MS = 60 * 60 * 1000;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A user enrolled and signed in once with `trustDevice`; returns the context, the secret, the backup codes and the minted device. */
async function trusted(trustDevice: { label?: string; ttlMs?: number } = { label: 'Firefox on Linux' }) {
  const ctx = setup();
  const { secret, backupCodes } = await enrol(ctx);
  ctx.clock.advance(STEP_MS);
  const signIn = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()), { trustDevice });
  if (!signIn.ok || !signIn.trustedDevice) throw new Error('expected a trusted device');
  return { ...ctx, secret, backupCodes, device: signIn.trustedDevice, signIn };
}

/** The expected stored hash, computed with node:crypto from the documented encoding. */
function oracleHash(userId: string, token: string): string {
  const bytes = Buffer.from(token.slice('tdv1_'.length), 'base64url');
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from('two-factor trusted device v1'), Buffer.from([0]), Buffer.from(userId, 'utf8'), Buffer.from([0]), bytes]))
    .digest('base64url');
}

async function thrown(promise: Promise<unknown>): Promise<TwoFactorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TwoFactorError);
  return error as TwoFactorError;
}

describe('minting: only a successful verify, in the write that consumes the code', () => {
  it('a TOTP sign-in with trustDevice returns a 256-bit token once and stores only its hash, in the same single write', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const writes = ctx.store.writes;
    const result = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()), { trustDevice: { label: 'Chrome' } });
    expect(ctx.store.writes - writes).toBe(1);
    expect(result).toMatchObject({ ok: true, method: 'totp', backupCodesRemaining: 10, verifiedAt: expect.any(Number) });
    if (!result.ok || !result.trustedDevice) throw new Error('no device');
    const { token, deviceId, expiresAt } = result.trustedDevice;
    expect(token).toMatch(/^tdv1_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(5), 'base64url')).toHaveLength(32);
    expect(deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(expiresAt).toBe(ctx.clock.now() + DEFAULT_TRUSTED_DEVICE_TTL_MS);
    const record = (await stored(ctx.store))!.record;
    expect(record.devices).toEqual([{ id: deviceId, hash: oracleHash('alice', token), label: 'Chrome', createdAt: ctx.clock.now(), expiresAt }]);
    expect(JSON.stringify(record)).not.toContain(token.slice(5));
  });

  it('a backup-code sign-in mints too', async () => {
    const ctx = setup();
    const { backupCodes } = await enrol(ctx);
    const result = await ctx.twoFactor.verify('alice', backupCodes[0]!, { trustDevice: {} });
    expect(result).toMatchObject({ ok: true, method: 'backup-code', trustedDevice: { token: expect.stringMatching(/^tdv1_/) } });
    if (!result.ok || !result.trustedDevice) throw new Error('no device');
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', result.trustedDevice.token)).toEqual({ ok: true, deviceId: result.trustedDevice.deviceId });
    expect(await ctx.twoFactor.listTrustedDevices('alice')).toMatchObject([{ label: '' }]);
  });

  it('no device on a wrong, replayed or throttled code, a wrong backup code, or for a user without 2FA', async () => {
    const ctx = setup({ throttle: { freeFailures: 2, baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    const { secret } = await enrol(ctx);
    const trust = { trustDevice: { label: 'x' } };
    const replay = codeAt(secret, ctx.clock.now()); // the confirming code
    const outcomes = [
      await ctx.twoFactor.verify('alice', replay, trust),
      await ctx.twoFactor.verify('alice', wrongCodeAt(secret, ctx.clock.now()), trust),
      await ctx.twoFactor.verify('alice', 'aaaaa-bbbbb', trust),
      await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now() + STEP_MS), trust), // right code, but throttled now
      await ctx.twoFactor.verify('bob', '123456', trust),
    ];
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['replayed', 'invalid', 'invalid', 'throttled', 'not-enabled']);
    expect(outcomes.some((o) => 'trustedDevice' in o)).toBe(false);
    expect((await stored(ctx.store))!.record.devices).toBeUndefined();
    expect(ctx.events.some((e) => e.type === 'device-trusted')).toBe(false);
  });

  it('without trustDevice nothing is minted and the record has no devices field', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: true, method: 'totp', factorId: expect.any(String), backupCodesRemaining: 10, verifiedAt: expect.any(Number) });
    expect('devices' in (await stored(ctx.store))!.record).toBe(false);
  });
});

describe('lifetime and options', () => {
  it('the limits are the contract\'s: a 30-day default lifetime, at most one year, at most 20 devices per user', () => {
    // The other tests use these constants, so they would not notice a changed value.
    expect([DEFAULT_TRUSTED_DEVICE_TTL_MS, MAX_TRUSTED_DEVICE_TTL_MS, MAX_TRUSTED_DEVICES]).toEqual([30 * 24 * HOUR_MS, 365 * 24 * HOUR_MS, 20]);
  });

  it('ttlMs up to one year is kept; the device is accepted until expiresAt and expired from then on', async () => {
    const { twoFactor, clock, device } = await trusted({ ttlMs: MAX_TRUSTED_DEVICE_TTL_MS });
    expect(device.expiresAt).toBe(clock.now() + MAX_TRUSTED_DEVICE_TTL_MS);
    clock.set(device.expiresAt - 1);
    expect(await twoFactor.verifyTrustedDevice('alice', device.token)).toEqual({ ok: true, deviceId: device.deviceId });
    clock.set(device.expiresAt);
    expect(await twoFactor.verifyTrustedDevice('alice', device.token)).toEqual({ ok: false, reason: 'expired' });
    expect(await twoFactor.listTrustedDevices('alice')).toEqual([]);
  });

  it('bad trustDevice options throw INVALID_OPTION naming the field, before any store call, and leave the code unused', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    const cases: [unknown, string][] = [
      [null, '"options" must be an object'],
      ['trust', '"options" must be an object'],
      [{ trustDevice: true }, '"trustDevice" must be an object'],
      [{ trustDevice: null }, '"trustDevice" must be an object'],
      [{ trustDevice: { ttlMs: MAX_TRUSTED_DEVICE_TTL_MS + 1 } }, '"trustDevice.ttlMs" must be an integer 1000–31536000000'],
      [{ trustDevice: { ttlMs: 0 } }, '"trustDevice.ttlMs"'],
      [{ trustDevice: { ttlMs: -1 } }, '"trustDevice.ttlMs"'],
      [{ trustDevice: { ttlMs: 1.5e6 + 0.5 } }, '"trustDevice.ttlMs"'],
      [{ trustDevice: { ttlMs: Number.NaN } }, '"trustDevice.ttlMs"'],
      [{ trustDevice: { ttlMs: Infinity } }, '"trustDevice.ttlMs"'],
      [{ trustDevice: { ttlMs: '86400000' } }, '"trustDevice.ttlMs"'],
      [{ trustDevice: { label: 42 } }, '"trustDevice.label" must be a string'],
      [{ trustDevice: { label: 'a\u0000b' } }, '"trustDevice.label"'],
      [{ trustDevice: { label: 'a\uD800' } }, '"trustDevice.label"'],
    ];
    const before = { gets: ctx.store.gets, writes: ctx.store.writes };
    for (const [options, message] of cases) {
      const error = await thrown(ctx.twoFactor.verify('alice', code, options as never));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toContain(message);
    }
    expect({ gets: ctx.store.gets, writes: ctx.store.writes }).toEqual(before);
    expect(await ctx.twoFactor.verify('alice', code, { trustDevice: { label: 'x'.repeat(128), ttlMs: 1000 } })).toMatchObject({ ok: true });
  });
});

describe('trustDevice.label longer than 128 characters', () => {
  // Facebook's in-app browser on Android (247 characters); Samsung Internet's is 146.
  const FACEBOOK_UA =
    'Mozilla/5.0 (Linux; Android 14; SM-S918B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/471.0.0.35.79;FBBV/612279468;FBDM/{density=3.0,width=1080,height=2340}]';

  it('a 247-character User-Agent is cut to its first 128 characters, never refused: the sign-in and the device stand', async () => {
    expect(FACEBOOK_UA).toHaveLength(247);
    const ctx = await trusted({ label: FACEBOOK_UA });
    expect(ctx.signIn).toMatchObject({ ok: true, method: 'totp' });
    const [device] = await ctx.twoFactor.listTrustedDevices('alice');
    expect(device!.label).toBe(FACEBOOK_UA.slice(0, 128));
    expect((await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).ok).toBe(true);
    // The stored record reads back (its 128-character bound holds).
    expect(parseRecord((await stored(ctx.store))!.record)).toMatchObject({ devices: [{ label: FACEBOOK_UA.slice(0, 128) }] });
  });

  it('the cut never splits a surrogate pair: an emoji across the boundary is dropped whole; exactly 128 is kept', async () => {
    const across = `${'x'.repeat(127)}😀tail`; // the emoji's two code units are the 128th and 129th
    const ctx = await trusted({ label: across });
    const [device] = await ctx.twoFactor.listTrustedDevices('alice');
    expect(device!.label).toBe('x'.repeat(127));
    const fits = `${'x'.repeat(126)}😀`; // 128 code units, whole
    const again = await trusted({ label: `${fits}${'y'.repeat(50)}` });
    expect((await again.twoFactor.listTrustedDevices('alice'))[0]!.label).toBe(fits);
  });
});

describe('verifyTrustedDevice', () => {
  it("another user's token never matches, even for the same token bytes", async () => {
    const ctx = await trusted();
    const { secret: carolSecret } = await enrol(ctx, 'carol');
    ctx.clock.advance(STEP_MS);
    const carol = await ctx.twoFactor.verify('carol', codeAt(carolSecret, ctx.clock.now()), { trustDevice: {} });
    if (!carol.ok || !carol.trustedDevice) throw new Error('no device');
    expect(await ctx.twoFactor.verifyTrustedDevice('carol', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', carol.trustedDevice.token)).toEqual({ ok: false, reason: 'invalid' });
    // Alice's stored hash planted as Carol's (same name length): the user id in the hashed input still keeps her token out.
    const aliceHash = (await stored(ctx.store, 'alice'))!.record.devices![0]!.hash;
    await overwrite(ctx.store, 'carol', (r) => ({ ...r, devices: [{ ...r.devices![0]!, hash: aliceHash }] }));
    expect(await ctx.twoFactor.verifyTrustedDevice('carol', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toMatchObject({ ok: true });
  });

  it('garbage is invalid without any store call; a well-formed unknown token costs one get and no write', async () => {
    const { twoFactor, store, device } = await trusted();
    const body = device.token.slice(5);
    const garbage: unknown[] = [
      undefined, null, 42, {}, [], Symbol('t'), '', ' ', 'x'.repeat(100_000), 'tdv1_', `TDV1_${body}`, `tdv2_${body}`,
      `tdv1_${body}=`, `tdv1_${body.slice(1)}`, `tdv1_${body.slice(0, -1)}!`, `tdv1_${body.slice(0, -1)}é`, ` ${device.token}`,
      // The last character with a padding bit set: not canonical base64url of 32 bytes.
      `tdv1_${body.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(body.at(-1)!) + 1]}`,
    ];
    const before = { gets: store.gets, writes: store.writes };
    for (const token of garbage) expect(await twoFactor.verifyTrustedDevice('alice', token as string)).toEqual({ ok: false, reason: 'invalid' });
    expect({ gets: store.gets, writes: store.writes }).toEqual(before);

    const unknown = `tdv1_${Buffer.alloc(32, 7).toString('base64url')}`;
    expect(await twoFactor.verifyTrustedDevice('alice', unknown)).toEqual({ ok: false, reason: 'invalid' });
    expect({ gets: store.gets - before.gets, writes: store.writes - before.writes }).toEqual({ gets: 1, writes: 0 });
  });

  it('writes lastUsedAt on first use and then at most once an hour', async () => {
    const { twoFactor, store, clock, device } = await trusted();
    const writes = () => store.writes;
    const w0 = writes();
    expect(await twoFactor.verifyTrustedDevice('alice', device.token)).toEqual({ ok: true, deviceId: device.deviceId });
    expect(writes() - w0).toBe(1);
    const firstUse = clock.now();
    for (let i = 0; i < 30; i++) {
      clock.advance(60_000); // a request a minute for half an hour
      expect(await twoFactor.verifyTrustedDevice('alice', device.token)).toMatchObject({ ok: true });
    }
    expect(writes() - w0).toBe(1);
    expect(await twoFactor.listTrustedDevices('alice')).toMatchObject([{ deviceId: device.deviceId, lastUsedAt: firstUse }]);
    clock.set(firstUse + HOUR_MS);
    await twoFactor.verifyTrustedDevice('alice', device.token);
    expect(writes() - w0).toBe(2);
    expect(await twoFactor.listTrustedDevices('alice')).toMatchObject([{ lastUsedAt: firstUse + HOUR_MS }]);
  });

  it("a lost lastUsedAt race is not retried and still answers ok", async () => {
    const { twoFactor, store, device } = await trusted();
    // Ten checks at once: all read the same version, one write wins, the others give up after one try.
    const w0 = store.writes;
    const results = await Promise.all(Array.from({ length: 10 }, () => twoFactor.verifyTrustedDevice('alice', device.token)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(store.writes - w0).toBe(10);
    expect((await stored(store))!.record.devices![0]!.lastUsedAt).toBeDefined();
  });

  it('every trusted-device method checks userId like the rest of the service', async () => {
    const { twoFactor, device } = await trusted();
    for (const userId of ['', 'x'.repeat(257), 42, undefined, 'a\uD800', 'a\0b']) {
      for (const call of [
        () => twoFactor.verifyTrustedDevice(userId as string, device.token),
        () => twoFactor.listTrustedDevices(userId as string),
        () => twoFactor.revokeTrustedDevice(userId as string, device.deviceId),
        () => twoFactor.revokeTrustedDevices(userId as string),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('"userId"') });
      }
    }
    expect(await twoFactor.listTrustedDevices('alice')).toHaveLength(1);
  });

  it("is 'not-enabled' for a user without 2FA", async () => {
    const { twoFactor, device } = await trusted();
    expect(await twoFactor.verifyTrustedDevice('nobody', device.token)).toEqual({ ok: false, reason: 'not-enabled' });
  });

  it('a device that would live on for more than a year from now was not minted by the service: invalid (a planted createdAt in the future)', async () => {
    const ctx = await trusted();
    const YEAR_MS = MAX_TRUSTED_DEVICE_TTL_MS;
    // One database write (an injection, a restored dump) moves the device's dates ten years ahead: parseRecord
    // accepts it (a year between createdAt and expiresAt), but it would skip the code for eleven years.
    const createdAt = ctx.clock.now() + 10 * YEAR_MS;
    await overwrite(ctx.store, 'alice', (r) => ({ ...r, devices: [{ ...r.devices![0]!, createdAt, expiresAt: createdAt + YEAR_MS }] }));
    ctx.clock.advance(2 * YEAR_MS);
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('the 20-device cap and pruning', () => {
  it('the 21st device drops the oldest, which is reported revoked and no longer works', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    const tokens: string[] = [];
    for (let i = 0; i <= MAX_TRUSTED_DEVICES; i++) {
      ctx.clock.advance(STEP_MS);
      const r = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()), { trustDevice: { label: `device ${i}` } });
      if (!r.ok || !r.trustedDevice) throw new Error('no device');
      tokens.push(r.trustedDevice.token);
    }
    const list = await ctx.twoFactor.listTrustedDevices('alice');
    expect(list).toHaveLength(MAX_TRUSTED_DEVICES);
    expect(list[0]!.label).toBe(`device ${MAX_TRUSTED_DEVICES}`); // newest first
    expect(list.at(-1)!.label).toBe('device 1');
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', tokens[0]!)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', tokens[1]!)).toMatchObject({ ok: true });
    expect(ctx.events.filter((e) => e.type === 'device-revoked')).toHaveLength(1);
    expect(ctx.events.filter((e) => e.type === 'device-trusted')).toHaveLength(MAX_TRUSTED_DEVICES + 1);
  });

  it('expired devices are dropped by the next write of any kind', async () => {
    const { twoFactor, store, clock, secret, device } = await trusted({ ttlMs: 60_000 });
    clock.advance(2 * STEP_MS + 1_000);
    expect(await twoFactor.verifyTrustedDevice('alice', device.token)).toEqual({ ok: false, reason: 'expired' });
    expect((await stored(store))!.record.devices).toHaveLength(1);
    expect(await twoFactor.verify('alice', codeAt(secret, clock.now()))).toMatchObject({ ok: true });
    expect('devices' in (await stored(store))!.record).toBe(false);
    expect(await twoFactor.verifyTrustedDevice('alice', device.token)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('revocation', () => {
  it('revokeTrustedDevice removes one device; unknown or malformed ids are false, a non-string throws', async () => {
    const ctx = await trusted();
    ctx.clock.advance(STEP_MS);
    const other = await ctx.twoFactor.verify('alice', codeAt(ctx.secret, ctx.clock.now()), { trustDevice: { label: 'other' } });
    if (!other.ok || !other.trustedDevice) throw new Error('no device');
    expect(await ctx.twoFactor.revokeTrustedDevice('alice', ctx.device.deviceId)).toBe(true);
    expect(ctx.events.at(-1)).toEqual({ type: 'device-revoked', userId: 'alice', at: ctx.clock.now(), deviceId: ctx.device.deviceId, count: 1 });
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', other.trustedDevice.token)).toMatchObject({ ok: true });
    const before = { gets: ctx.store.gets, writes: ctx.store.writes };
    expect(await ctx.twoFactor.revokeTrustedDevice('alice', 'not an id')).toBe(false);
    expect({ gets: ctx.store.gets, writes: ctx.store.writes }).toEqual(before);
    expect(await ctx.twoFactor.revokeTrustedDevice('alice', ctx.device.deviceId)).toBe(false);
    expect(await ctx.twoFactor.revokeTrustedDevice('nobody', ctx.device.deviceId)).toBe(false);
    expect(ctx.store.writes).toBe(before.writes);
    expect((await thrown(ctx.twoFactor.revokeTrustedDevice('alice', 42 as never))).message).toContain('"deviceId" must be a string');
  });

  it('revokeTrustedDevices removes all and reports the count once; with none it writes nothing', async () => {
    const ctx = await trusted();
    ctx.clock.advance(STEP_MS);
    await ctx.twoFactor.verify('alice', codeAt(ctx.secret, ctx.clock.now()), { trustDevice: {} });
    expect(await ctx.twoFactor.revokeTrustedDevices('alice')).toBe(2);
    expect(ctx.events.at(-1)).toEqual({ type: 'device-revoked', userId: 'alice', at: ctx.clock.now(), count: 2 });
    expect(await ctx.twoFactor.listTrustedDevices('alice')).toEqual([]);
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
    const writes = ctx.store.writes;
    expect(await ctx.twoFactor.revokeTrustedDevices('alice')).toBe(0);
    expect(await ctx.twoFactor.revokeTrustedDevices('nobody')).toBe(0);
    expect(ctx.store.writes).toBe(writes);
  });

  it.each(['disable', 'reset'] as const)('%s revokes every device, also after 2FA is turned on again', async (how) => {
    const ctx = await trusted();
    ctx.clock.advance(STEP_MS);
    if (how === 'disable') expect(await ctx.twoFactor.disable('alice', codeAt(ctx.secret, ctx.clock.now()))).toEqual({ ok: true });
    else await ctx.twoFactor.reset('alice');
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: false, reason: 'not-enabled' });
    expect(await ctx.twoFactor.listTrustedDevices('alice')).toEqual([]);
    ctx.clock.advance(STEP_MS);
    await enrol(ctx);
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.listTrustedDevices('alice')).toEqual([]);
  });

  it('removeFactor revokes every device while 2FA stays on (the removed factor may be the compromised one)', async () => {
    const ctx = await trusted();
    ctx.clock.advance(STEP_MS);
    const { secret: second } = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com', label: 'New phone' });
    const proof = codeAt(ctx.secret, ctx.clock.now());
    expect(await ctx.twoFactor.confirmEnrollment('alice', codeAt(second, ctx.clock.now()), { proof })).toMatchObject({ ok: true });
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toMatchObject({ ok: true });
    const [, added] = await ctx.twoFactor.listFactors('alice');
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.removeFactor('alice', added!.id, codeAt(ctx.secret, ctx.clock.now()))).toEqual({ ok: true });
    expect(ctx.events.slice(-2)).toEqual([
      expect.objectContaining({ type: 'factor-removed', factorId: added!.id }),
      { type: 'device-revoked', userId: 'alice', at: ctx.clock.now(), count: 1 },
    ]);
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await ctx.twoFactor.listTrustedDevices('alice')).toEqual([]);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ state: 'enabled' });
  });

  it('revokeAllDevices (for operations that end a factor) empties the field and counts', async () => {
    const { store } = await trusted();
    const record = (await stored(store))!.record;
    const { record: next, count } = revokeAllDevices(record);
    expect(count).toBe(1);
    expect('devices' in next).toBe(false);
    const { devices: _devices, ...rest } = record;
    expect(next).toEqual(rest);
    expect(revokeAllDevices(next)).toEqual({ record: next, count: 0 });
  });
});

describe('events', () => {
  it('device-trusted and device-revoked never carry a token or its hash', async () => {
    const ctx = await trusted();
    const hash = (await stored(ctx.store))!.record.devices![0]!.hash;
    await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token);
    await ctx.twoFactor.revokeTrustedDevice('alice', ctx.device.deviceId);
    expect(ctx.events.find((e) => e.type === 'device-trusted')).toEqual({
      type: 'device-trusted',
      userId: 'alice',
      at: ctx.device.expiresAt - DEFAULT_TRUSTED_DEVICE_TTL_MS,
      deviceId: ctx.device.deviceId,
      expiresAt: ctx.device.expiresAt,
    });
    const all = JSON.stringify(ctx.events);
    expect(all).not.toContain(ctx.device.token.slice(5));
    expect(all).not.toContain(hash);
  });
});

describe('the stored field is bounded (parseRecord)', () => {
  async function withDevices(change: (devices: TrustedDevice[]) => unknown): Promise<unknown> {
    const { store } = await trusted();
    const record = (await stored(store))!.record;
    return { ...record, devices: change(record.devices!) } as unknown as TwoFactorRecord;
  }
  const device = (d: TrustedDevice[]) => d[0]!;
  const cases: [string, (d: TrustedDevice[]) => unknown, string][] = [
    ['too many', (d) => Array.from({ length: 21 }, (_, i) => ({ ...device(d), id: Buffer.alloc(16, i).toString('base64url') })), '"record.devices" must be an array of at most 20'],
    ['not an array', () => ({}), '"record.devices" must be an array'],
    ['duplicate ids', (d) => [device(d), device(d)], 'distinct ids'],
    ['entry not an object', () => ['x'], '"record.devices[0]" must be an object'],
    ['bad id', (d) => [{ ...device(d), id: 'short' }], '"record.devices[0].id"'],
    ['bad hash', (d) => [{ ...device(d), hash: 'x'.repeat(44) }], '"record.devices[0].hash"'],
    ['long label', (d) => [{ ...device(d), label: 'x'.repeat(129) }], '"record.devices[0].label"'],
    ['label with NUL', (d) => [{ ...device(d), label: '\u0000' }], '"record.devices[0].label"'],
    ['negative time', (d) => [{ ...device(d), createdAt: -1 }], '"record.devices[0].createdAt"'],
    ['lifetime over a year', (d) => [{ ...device(d), expiresAt: device(d).createdAt + MAX_TRUSTED_DEVICE_TTL_MS + 1 }], '"record.devices[0].expiresAt" must be after createdAt by at most'],
    ['expiry before creation', (d) => [{ ...device(d), expiresAt: device(d).createdAt }], '"record.devices[0].expiresAt"'],
    ['bad lastUsedAt', (d) => [{ ...device(d), lastUsedAt: 1.5 }], '"record.devices[0].lastUsedAt"'],
  ];
  it.each(cases)('%s is STORE_ERROR naming the field', async (_name, change, message) => {
    const record = await withDevices(change);
    let error: unknown;
    try {
      parseRecord(record);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TwoFactorError);
    expect((error as TwoFactorError).code).toBe('STORE_ERROR');
    expect((error as TwoFactorError).message).toContain(message);
  });

  it('absent, null and [] all read as no devices; a good list round-trips', async () => {
    const record = (await withDevices((d) => d)) as TwoFactorRecord;
    expect(parseRecord(record)).toEqual(record);
    for (const none of [undefined, null, []]) expect('devices' in parseRecord({ ...record, devices: none })).toBe(false);
  });
});

describe('under encryption, device hashes are keyed with a server key', () => {
  const k1 = new Uint8Array(32).fill(1);
  const k2 = new Uint8Array(32).fill(2);
  const encryption = { keys: { k1 }, current: 'k1' };

  /** The documented keyed hash, with node:crypto as the oracle: HKDF-SHA-256 of the key, then HMAC-SHA-256. */
  function oracleKeyedHash(key: Uint8Array, userId: string, token: string): string {
    const deviceKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'two-factor trusted device key v1', 32));
    const bytes = Buffer.from(token.slice('tdv1_'.length), 'base64url');
    return createHmac('sha256', deviceKey)
      .update(Buffer.concat([Buffer.from('two-factor trusted device v2'), Buffer.from([0]), Buffer.from(userId, 'utf8'), Buffer.from([0]), bytes]))
      .digest('base64url');
  }

  async function trustedUnder(options: Parameters<typeof setup>[0]) {
    const ctx = setup(options);
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const signIn = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()), { trustDevice: { label: 'Firefox' } });
    if (!signIn.ok || !signIn.trustedDevice) throw new Error('expected a trusted device');
    return { ...ctx, secret, device: signIn.trustedDevice };
  }

  /** A device a database writer plants: a token of their own, hashed as they can (no server key). */
  function planted(ctx: { clock: { now(): number } }, extra: Partial<TrustedDevice> = {}) {
    const token = `tdv1_${Buffer.alloc(32, 9).toString('base64url')}`;
    const device: TrustedDevice = { id: Buffer.alloc(16, 9).toString('base64url'), hash: oracleHash('alice', token), label: 'planted', createdAt: ctx.clock.now(), expiresAt: ctx.clock.now() + HOUR_MS, ...extra };
    return { token, device };
  }

  it('a new device is stored with kid and the keyed hash (not the unkeyed SHA-256), and verifies', async () => {
    const ctx = await trustedUnder({ encryption });
    const [device] = (await stored(ctx.store))!.record.devices!;
    expect(device).toMatchObject({ kid: 'k1', hash: oracleKeyedHash(k1, 'alice', ctx.device.token) });
    expect(device!.hash).not.toBe(oracleHash('alice', ctx.device.token));
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: true, deviceId: ctx.device.deviceId });
  });

  it("a planted hash of the writer's own token fails: marked keyed (any kid), or unkeyed once allowUnkeyedDevices is false", async () => {
    const ctx = await trustedUnder({ encryption });
    for (const kid of ['k1', 'k-unknown']) {
      const { token, device } = planted(ctx, { kid });
      await overwrite(ctx.store, 'alice', (record) => ({ ...record, devices: [...record.devices!, device] }));
      expect(await ctx.twoFactor.verifyTrustedDevice('alice', token), kid).toEqual({ ok: false, reason: 'invalid' });
      await overwrite(ctx.store, 'alice', (record) => ({ ...record, devices: record.devices!.filter((d) => d.id !== device.id) }));
    }
    const strict = createTwoFactor({ store: ctx.store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { ...encryption, allowUnkeyedDevices: false } });
    const { token, device } = planted(ctx);
    await overwrite(ctx.store, 'alice', (record) => ({ ...record, devices: [...record.devices!, device] }));
    expect(await strict.verifyTrustedDevice('alice', token)).toEqual({ ok: false, reason: 'invalid' });
    // The trade-off while unkeyed hashes are accepted (the default, so 0.2's devices keep working): the
    // unkeyed form can be planted.
    expect(await ctx.twoFactor.verifyTrustedDevice('alice', token)).toMatchObject({ ok: true });
    // The service's own device is keyed: it verifies either way.
    expect(await strict.verifyTrustedDevice('alice', ctx.device.token)).toMatchObject({ ok: true });
  });

  it('keyed under the key that was current: still verifies after a rotation while that key is kept, not once it is removed', async () => {
    const ctx = await trustedUnder({ encryption });
    const rotated = createTwoFactor({ store: ctx.store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { k1, k2 }, current: 'k2' } });
    expect(await rotated.verifyTrustedDevice('alice', ctx.device.token)).toMatchObject({ ok: true });
    const removed = createTwoFactor({ store: ctx.store, issuer: 'InworkJobs', now: ctx.clock.now, encryption: { keys: { k2 }, current: 'k2', allowPlaintext: false } });
    expect(await removed.verifyTrustedDevice('alice', ctx.device.token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('without encryption there is no server key: devices keep the unkeyed hash and no kid', async () => {
    const ctx = await trustedUnder({});
    const [device] = (await stored(ctx.store))!.record.devices!;
    expect(device).toMatchObject({ hash: oracleHash('alice', ctx.device.token) });
    expect(device).not.toHaveProperty('kid');
  });

  it('encryption.allowUnkeyedDevices must be a boolean', () => {
    expect(() => setup({ encryption: { ...encryption, allowUnkeyedDevices: 'no' as never } })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('"encryption.allowUnkeyedDevices"') }),
    );
  });
});

describe('a device trusted by 0.2.0 (test/fixtures/records-v0.2.0.json): an unkeyed hash', () => {
  const fixture = JSON.parse(readFileSync(new URL('../../fixtures/records-v0.2.0.json', import.meta.url), 'utf8')) as {
    keyHex: string;
    keyId: string;
    scenarios: { now: number; userId: string; deviceToken: string; deviceId: string; record: TwoFactorRecord }[];
  };
  const scenario = fixture.scenarios[0]!;
  const keyOf = Uint8Array.from(fixture.keyHex.match(/../g)!, (h) => parseInt(h, 16));

  async function loaded(extra: { allowUnkeyedDevices?: boolean } = {}) {
    const store = new CountingStore();
    expect(await store.inner.compareAndSet(scenario.userId, null, scenario.record)).toBe(true);
    const clock = new ManualClock(scenario.now + HOUR_MS);
    const twoFactor = createTwoFactor({ store, issuer: 'InworkJobs', now: clock.now, encryption: { keys: { [fixture.keyId]: keyOf }, current: fixture.keyId, ...extra } });
    return { store, twoFactor };
  }

  it('keeps verifying after the upgrade (no one is signed out), and is re-keyed on that first use', async () => {
    expect(scenario.record.devices![0]).not.toHaveProperty('kid');
    const { store, twoFactor } = await loaded();
    expect(await twoFactor.verifyTrustedDevice(scenario.userId, scenario.deviceToken)).toEqual({ ok: true, deviceId: scenario.deviceId });
    const [device] = (await stored(store, scenario.userId))!.record.devices!;
    expect(device).toMatchObject({ id: scenario.deviceId, kid: fixture.keyId });
    expect(device!.hash).not.toBe(scenario.record.devices![0]!.hash);
    // Re-keyed: it verifies even where unkeyed hashes are no longer accepted.
    const strict = createTwoFactor({ store, issuer: 'InworkJobs', encryption: { keys: { [fixture.keyId]: keyOf }, current: fixture.keyId, allowUnkeyedDevices: false }, now: () => scenario.now + 2 * HOUR_MS });
    expect(await strict.verifyTrustedDevice(scenario.userId, scenario.deviceToken)).toMatchObject({ ok: true });
  });

  it('with allowUnkeyedDevices false, a 0.2 device not yet re-keyed is invalid (the user types a code once)', async () => {
    const { twoFactor } = await loaded({ allowUnkeyedDevices: false });
    expect(await twoFactor.verifyTrustedDevice(scenario.userId, scenario.deviceToken)).toEqual({ ok: false, reason: 'invalid' });
  });
});
