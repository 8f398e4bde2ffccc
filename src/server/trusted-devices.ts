// Trusted devices ("don't ask again on this browser"): the stored entry, its bounds, the token format and
// hash, and the pure steps over a record (mint, match, touch, prune, revoke). Only a successful verification
// mints (trusted-device-operations.ts and verification.ts call in here); the reasoning is in
// docs/security.md, "Trusted devices".
import { sha256 } from '@noble/hashes/sha2.js';
import { fail, optionsObject } from '../internal/assert.js';
import { decodeBase64Url, encodeBase64Url } from '../internal/base64url.js';
import { bytesDifference } from '../internal/constant-time.js';
import { randomBytes } from '../internal/random.js';
import { isStorable } from '../internal/text.js';
import type { EventBody } from './events.js';
import type { TwoFactorRecord } from './record.js';
import { bad, isObject, time } from './record-fields.js';
import type { Decision } from './transact.js';

/** One trusted browser as stored: never the token, only its hash. */
export interface TrustedDevice {
  /** Random opaque id (16 bytes, base64url): what lists and revocation name. */
  id: string;
  /** base64url SHA-256 of the domain-separated (user id, token) pair; see `hashDeviceToken` in trusted-devices.ts. */
  hash: string;
  /** The caller's label, e.g. `'Firefox on Linux'`; `''` when none was given. */
  label: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the token is `'expired'` from this moment on. */
  expiresAt: number;
  /** Epoch ms of the last accepted use, written at most once an hour (so checking a device on every request is not a write per request). */
  lastUsedAt?: number;
}

/** What `verify(…, { trustDevice })` returns beside the sign-in: the token is shown this once. */
export interface MintedDevice {
  token: string;
  deviceId: string;
  /** Epoch ms. */
  expiresAt: number;
}

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

const TOKEN_PREFIX = 'tdv1_';
const TOKEN_BYTES = 32;
const TOKEN_CHARS = TOKEN_PREFIX.length + 43;
const ID_BYTES = 16;
const DOMAIN = new TextEncoder().encode('two-factor trusted device v1');

/** The checked `trustDevice` request of one `verify` call, its randomness drawn once however often the write is retried. @internal */
export interface DeviceMint {
  token: string;
  id: string;
  hash: string;
  label: string;
  ttlMs: number;
}

/**
 * Checks `verify`'s third argument and, when it asks for `trustDevice`, draws the token and id.
 * Called before any store access, so bad options never reach the store. @internal
 *
 * @throws TwoFactorError `INVALID_OPTION` naming `options`, `trustDevice`, `trustDevice.label` or `trustDevice.ttlMs`
 */
export function deviceMintOption(userId: string, options: unknown): DeviceMint | undefined {
  const { trustDevice } = optionsObject(options as { trustDevice?: unknown } | undefined, 'options');
  if (trustDevice === undefined) return undefined;
  const request = optionsObject(trustDevice as { label?: unknown; ttlMs?: unknown }, 'trustDevice');
  const { label = '', ttlMs = DEFAULT_TRUSTED_DEVICE_TTL_MS } = request;
  if (typeof label !== 'string' || label.length > MAX_DEVICE_LABEL_CHARS || !isStorable(label)) {
    fail('INVALID_OPTION', 'trustDevice.label', `a string of at most ${MAX_DEVICE_LABEL_CHARS} characters without NUL or unpaired surrogates`, label);
  }
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < MIN_TRUSTED_DEVICE_TTL_MS || ttlMs > MAX_TRUSTED_DEVICE_TTL_MS) {
    fail('INVALID_OPTION', 'trustDevice.ttlMs', `an integer ${MIN_TRUSTED_DEVICE_TTL_MS}–${MAX_TRUSTED_DEVICE_TTL_MS} (milliseconds, at most 1 year)`, ttlMs);
  }
  const secret = randomBytes(TOKEN_BYTES);
  return { token: TOKEN_PREFIX + encodeBase64Url(secret), id: encodeBase64Url(randomBytes(ID_BYTES)), hash: hashDeviceToken(userId, secret), label, ttlMs };
}

/**
 * SHA-256 over `'two-factor trusted device v1' ‖ 0x00 ‖ utf8(userId) ‖ 0x00 ‖ token bytes`, base64url.
 * User ids hold no NUL and the token is 32 bytes, so no two (user, token) pairs share an input: a token
 * minted for one user never matches another's hashes. A fast hash suffices for 256 random bits. @internal
 */
export function hashDeviceToken(userId: string, secret: Uint8Array): string {
  const user = new TextEncoder().encode(userId);
  const input = new Uint8Array(DOMAIN.length + 1 + user.length + 1 + secret.length);
  input.set(DOMAIN, 0);
  input.set(user, DOMAIN.length + 1);
  input.set(secret, DOMAIN.length + 1 + user.length + 1);
  return encodeBase64Url(sha256(input));
}

/** The token's 32 secret bytes, or null for anything that is not a token of this format (no store access needed to refuse it). @internal */
export function tokenBytes(token: unknown): Uint8Array | null {
  if (typeof token !== 'string' || token.length !== TOKEN_CHARS || !token.startsWith(TOKEN_PREFIX)) return null;
  return decodeBase64Url(token.slice(TOKEN_PREFIX.length), TOKEN_BYTES);
}

/** True for a string that could be a device id this module made. @internal */
export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 22 && decodeBase64Url(value, ID_BYTES) !== null;
}

/**
 * The device whose hash equals `hash`, or undefined. Every stored hash is compared, without early exit,
 * in constant time per hash. @internal
 */
export function matchDevice(devices: readonly TrustedDevice[] | undefined, hash: string): TrustedDevice | undefined {
  const wanted = decodeBase64Url(hash, 32)!;
  let found: TrustedDevice | undefined;
  for (const device of devices ?? []) {
    const stored = decodeBase64Url(device.hash, 32)!;
    if (bytesDifference(stored, wanted) === 0) found ??= device;
  }
  return found;
}

/**
 * Adds a minted device to a successful decision: the entry goes into the record the decision writes (so
 * the code's consumption and the device are one compare-and-set), the token into its result, a
 * `device-trusted` event (no token) into its events. Beyond {@link MAX_TRUSTED_DEVICES} the oldest go,
 * each reported as `device-revoked`. Without a mint the decision is returned unchanged. @internal
 */
export function withTrustedDevice<const R extends { ok: true }>(
  mint: DeviceMint | undefined,
  nowMs: number,
  decision: Decision<R> & { next: TwoFactorRecord },
): Decision<R | (R & { trustedDevice: MintedDevice })> {
  if (!mint) return decision;
  const expiresAt = nowMs + mint.ttlMs;
  const device: TrustedDevice = { id: mint.id, hash: mint.hash, label: mint.label, createdAt: nowMs, expiresAt };
  const kept = liveDevices(decision.next.devices, nowMs);
  const dropped = kept.splice(0, Math.max(0, kept.length - (MAX_TRUSTED_DEVICES - 1)));
  const events: EventBody[] = [
    ...decision.events,
    { type: 'device-trusted', deviceId: mint.id, expiresAt },
    ...dropped.map((d): EventBody => ({ type: 'device-revoked', deviceId: d.id, count: 1 })),
  ];
  return {
    result: { ...decision.result, trustedDevice: { token: mint.token, deviceId: mint.id, expiresAt } },
    next: { ...decision.next, devices: [...kept, device] },
    events,
  };
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
  const { id, hash, label, createdAt, expiresAt, lastUsedAt } = entry;
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
  if (lastUsedAt !== undefined && lastUsedAt !== null) device.lastUsedAt = time(lastUsedAt, `${field}.lastUsedAt`);
  return device;
}
