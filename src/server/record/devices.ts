// Trusted devices ("don't ask again on this browser") as the record holds them: the entry, its bounds, and
// the pure steps over a record (prune, revoke, read back). The token itself is ../checks/device-token.ts;
// the reasoning is in docs/security.md, "Trusted devices".
import { decodeBase64Url } from '../../internal/base64url.js';
import { isStorable } from '../../internal/text.js';
import { bad, isObject, time } from './fields.js';
import { MAX_KEY_ID_CHARS, type TrustedDevice, type TwoFactorRecord } from './types.js';

/** Default lifetime of a trusted device: 30 days, in milliseconds. */
export const DEFAULT_TRUSTED_DEVICE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Longest lifetime of a trusted device: 365 days, in milliseconds. */
export const MAX_TRUSTED_DEVICE_TTL_MS = 365 * 24 * 60 * 60 * 1000;
/** Shortest `ttlMs` accepted: one second (tests use short lifetimes; apps should not). */
export const MIN_TRUSTED_DEVICE_TTL_MS = 1000;
/** Most trusted devices per user; minting one more drops the oldest. */
export const MAX_TRUSTED_DEVICES = 20;
/** Longest device label, in UTF-16 code units. */
export const MAX_DEVICE_LABEL_CHARS = 128;
/** `lastUsedAt` is rewritten only when older than this (1 hour): a check per request must not be a write per request. */
export const LAST_USED_RESOLUTION_MS = 60 * 60 * 1000;

/** Bytes of a device id (22 base64url characters). @internal */
export const DEVICE_ID_BYTES = 16;

/** True for a string that could be a device id this module made. @internal */
export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 22 && decodeBase64Url(value, DEVICE_ID_BYTES) !== null;
}

/** The unexpired devices, oldest first (the order the cap drops them in). @internal */
export function liveDevices(devices: readonly TrustedDevice[] | undefined, nowMs: number): TrustedDevice[] {
  return (devices ?? []).filter((d) => d.expiresAt > nowMs).sort((a, b) => a.createdAt - b.createdAt);
}

/** The record with `devices` set, or the field left out when none remain (absent = none, as in 0.1 records). @internal */
export function withDevices(record: TwoFactorRecord, devices: readonly TrustedDevice[]): TwoFactorRecord {
  const { devices: _old, ...rest } = record;
  return devices.length === 0 ? rest : { ...rest, devices: [...devices] };
}

/** Drops expired devices; the same record when there are none to drop (so a write path can call it for free). @internal */
export function pruneDevices(record: TwoFactorRecord, nowMs: number): TwoFactorRecord {
  const { devices } = record;
  if (!devices || devices.every((d) => d.expiresAt > nowMs)) return record;
  return withDevices(record, devices.filter((d) => d.expiresAt > nowMs));
}

/**
 * Every trusted device of a record removed, for service operations that end the factor the devices were
 * trusted under (`removeFactor`; `disable` and `reset` delete the whole record). Returns the record to
 * write and how many devices went, for a `device-revoked` event when the count is above 0. @internal
 *
 * @example
 * ```ts
 * const { record: next, count } = revokeAllDevices(record);
 * count; // 2 (the record had two devices)
 * next.devices; // undefined
 * ```
 */
export function revokeAllDevices(record: TwoFactorRecord): { record: TwoFactorRecord; count: number } {
  return { record: withDevices(record, []), count: record.devices?.length ?? 0 };
}

/**
 * Validates the optional `devices` field of a stored record: at most {@link MAX_TRUSTED_DEVICES} entries,
 * distinct well-formed ids and hashes, a label of at most {@link MAX_DEVICE_LABEL_CHARS} characters, times
 * as epoch ms with a lifetime of at most a year. Returns `{}` when absent, for spreading into the record.
 * @internal
 * @throws TwoFactorError `STORE_ERROR` naming the first bad field
 */
export function parseDevices(value: unknown): { devices?: TrustedDevice[] } {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value) || value.length > MAX_TRUSTED_DEVICES) {
    bad('devices', `an array of at most ${MAX_TRUSTED_DEVICES} devices`, value);
  }
  const devices = value.map((entry: unknown, i) => parseDevice(entry, `devices[${i}]`));
  if (new Set(devices.map((d) => d.id)).size !== devices.length) bad('devices', 'devices with distinct ids', value);
  return devices.length === 0 ? {} : { devices };
}

function parseDevice(entry: unknown, field: string): TrustedDevice {
  if (!isObject(entry)) bad(field, 'an object', entry);
  const { id, hash, label, createdAt, expiresAt, lastUsedAt, kid } = entry;
  if (!isDeviceId(id)) bad(`${field}.id`, '16 bytes of base64url', id);
  if (typeof hash !== 'string' || decodeBase64Url(hash, 32) === null) {
    bad(`${field}.hash`, 'a SHA-256 digest in base64url', hash);
  }
  if (typeof label !== 'string' || label.length > MAX_DEVICE_LABEL_CHARS || !isStorable(label)) {
    bad(`${field}.label`, `a string of at most ${MAX_DEVICE_LABEL_CHARS} characters`, label);
  }
  const created = time(createdAt, `${field}.createdAt`);
  const expires = time(expiresAt, `${field}.expiresAt`);
  // A planted far-off expiry would trust a browser for ever: the service never writes more than a year.
  if (expires <= created || expires - created > MAX_TRUSTED_DEVICE_TTL_MS) {
    bad(`${field}.expiresAt`, `after createdAt by at most ${MAX_TRUSTED_DEVICE_TTL_MS} ms`, expiresAt);
  }
  const device: TrustedDevice = { id, hash, label, createdAt: created, expiresAt: expires };
  if (kid !== undefined) {
    if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KEY_ID_CHARS) bad(`${field}.kid`, `a key id of 1–${MAX_KEY_ID_CHARS} characters`, kid);
    device.kid = kid;
  }
  if (lastUsedAt !== undefined && lastUsedAt !== null) device.lastUsedAt = time(lastUsedAt, `${field}.lastUsedAt`);
  return device;
}
