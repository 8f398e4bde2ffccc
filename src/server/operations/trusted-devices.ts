// The trusted-device operations of the service: check a device token at sign-in, list, revoke one, revoke
// all. Minting is not here: only `verify` mints, in the write that consumes its code (sign-in.ts).
import { fail } from '../../internal/assert.js';
import type { Decision } from '../checks/outcomes.js';
import type { ServiceContext } from './context.js';
import type { StoredRecord } from '../record/store.js';
import { keyedDeviceHash, matchDevice, tokenBytes } from '../checks/device-token.js';
import { isDeviceId, LAST_USED_RESOLUTION_MS, liveDevices, MAX_TRUSTED_DEVICE_TTL_MS, withDevices } from '../record/devices.js';
import { assertUserId } from '../record/user-id.js';
import { isEnabled } from '../record/state.js';

/** What {@link TwoFactor.verifyTrustedDevice} returns. */
export type TrustedDeviceCheck = { ok: true; deviceId: string } | { ok: false; reason: 'invalid' | 'expired' | 'not-enabled' };

/** One entry of {@link TwoFactor.listTrustedDevices}; times are epoch ms. */
export interface TrustedDeviceInfo {
  deviceId: string;
  label: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt?: number;
}

/**
 * {@link TwoFactor.verifyTrustedDevice}. A token of the wrong shape is refused before the store is asked;
 * a well-formed one costs one `get`, and a write only when `lastUsedAt` is an hour old: one
 * compare-and-set, not retried (a lost race means someone else just wrote, and the next use within the
 * hour tries again). @internal
 */
export async function verifyTrustedDevice(ctx: ServiceContext, userIdInput: string, token: unknown): Promise<TrustedDeviceCheck> {
  const userId = assertUserId(userIdInput);
  if (!tokenBytes(token)) return { ok: false, reason: 'invalid' };
  return checkDevice(ctx, userId, token, await ctx.read(userId));
}

/** A device token checked against the record just read (`first`), touching `lastUsedAt` as above: verifyTrustedDevice and beginSignIn. @internal */
export async function checkDevice(ctx: ServiceContext, userId: string, token: unknown, first: StoredRecord | null): Promise<TrustedDeviceCheck> {
  const secret = tokenBytes(token);
  if (!secret) return { ok: false, reason: 'invalid' };
  if (!first || !isEnabled(first.record)) return { ok: false, reason: 'not-enabled' };
  const keys = ctx.sealer.devices;
  const device = matchDevice(first.record.devices, userId, secret, keys);
  const nowMs = ctx.now();
  // More than the longest lifetime still to run: not minted by the service (dates planted in the future).
  if (!device || device.expiresAt - nowMs > MAX_TRUSTED_DEVICE_TTL_MS) return { ok: false, reason: 'invalid' };
  if (nowMs >= device.expiresAt) return { ok: false, reason: 'expired' };
  // A device with an unkeyed hash (trusted by 0.2) is re-keyed on its first use under encryption: the
  // token is at hand only now.
  const rekey = device.kid === undefined && keys.current ? { hash: keyedDeviceHash(keys.current.key, userId, secret), kid: keys.current.kid } : {};
  if (device.lastUsedAt === undefined || nowMs - device.lastUsedAt >= LAST_USED_RESOLUTION_MS || 'kid' in rekey) {
    let attempts = 0;
    await ctx.transact(userId, (stored, at): Decision<void> => {
      if (attempts++ > 0 || !stored) return { result: undefined, events: [] };
      const devices = stored.record.devices ?? [];
      return { result: undefined, next: withDevices(stored.record, devices.map((d) => (d.id === device.id ? { ...d, ...rekey, lastUsedAt: at } : d))), events: [] };
    }, first);
  }
  return { ok: true, deviceId: device.id };
}

/** {@link TwoFactor.listTrustedDevices}: the unexpired devices, newest first. Reads only. @internal */
export async function listTrustedDevices(ctx: ServiceContext, userIdInput: string): Promise<TrustedDeviceInfo[]> {
  const userId = assertUserId(userIdInput);
  const record = (await ctx.read(userId))?.record;
  if (!record || !isEnabled(record)) return [];
  return liveDevices(record.devices, ctx.now())
    .reverse()
    .map(({ id, label, createdAt, expiresAt, lastUsedAt }) => ({
      deviceId: id,
      label,
      createdAt,
      expiresAt,
      ...(lastUsedAt === undefined ? {} : { lastUsedAt }),
    }));
}

/** {@link TwoFactor.revokeTrustedDevice}: true when the device existed and is gone now. @internal */
export async function revokeTrustedDevice(ctx: ServiceContext, userIdInput: string, deviceId: unknown): Promise<boolean> {
  const userId = assertUserId(userIdInput);
  if (typeof deviceId !== 'string') fail('INVALID_OPTION', 'deviceId', 'a string', deviceId);
  // No id this library made has another shape: nothing to look up.
  if (!isDeviceId(deviceId)) return false;
  return ctx.transact(userId, (stored): Decision<boolean> => {
    const devices = stored?.record.devices ?? [];
    if (!stored || !devices.some((d) => d.id === deviceId)) return { result: false, events: [] };
    return {
      result: true,
      next: withDevices(stored.record, devices.filter((d) => d.id !== deviceId)),
      events: [{ type: 'device-revoked', deviceId, count: 1 }],
    };
  });
}

/** {@link TwoFactor.revokeTrustedDevices}: how many devices were revoked (0: none, nothing written). @internal */
export async function revokeTrustedDevices(ctx: ServiceContext, userIdInput: string): Promise<number> {
  const userId = assertUserId(userIdInput);
  return ctx.transact(userId, (stored, nowMs): Decision<number> => {
    // Expired devices are removed too, but only live ones are counted as revoked.
    const count = liveDevices(stored?.record.devices, nowMs).length;
    if (!stored?.record.devices) return { result: 0, events: [] };
    return { result: count, next: withDevices(stored.record, []), events: count > 0 ? [{ type: 'device-revoked', count }] : [] };
  });
}
