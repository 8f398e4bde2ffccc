// The trusted-device token: minted with a sign-in (its randomness drawn once per call), hashed with the user
// id (under encryption, keyed with a server key), and matched against a record's devices in constant time.
// Only the hash is ever stored.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { userBoundHash, userBoundInput } from '../../internal/user-bound-hash.js';
import { fail, optionsObject } from '../../internal/assert.js';
import { decodeBase64Url, encodeBase64Url } from '../../internal/base64url.js';
import { bytesDifference } from '../../internal/constant-time.js';
import { randomBytes } from '../../internal/random.js';
import { isStorable } from '../../internal/text.js';
import { DEFAULT_TRUSTED_DEVICE_TTL_MS, DEVICE_ID_BYTES, liveDevices, MAX_DEVICE_LABEL_CHARS, MAX_TRUSTED_DEVICE_TTL_MS, MAX_TRUSTED_DEVICES, MIN_TRUSTED_DEVICE_TTL_MS } from '../record/devices.js';
import type { DeviceKeys } from '../record/seal.js';
import type { TrustedDevice, TwoFactorRecord } from '../record/types.js';
import type { EventBody } from '../types/events.js';
import type { Decision } from './outcomes.js';

/** What `verify(…, { trustDevice })` returns beside the sign-in: the token is shown this once. */
export interface MintedDevice {
  token: string;
  deviceId: string;
  /** Epoch ms. */
  expiresAt: number;
}

const TOKEN_PREFIX = 'tdv1_';
const TOKEN_BYTES = 32;
const TOKEN_CHARS = TOKEN_PREFIX.length + 43;
const DOMAIN = new TextEncoder().encode('two-factor trusted device v1');
const KEYED_DOMAIN = new TextEncoder().encode('two-factor trusted device v2');

/** The checked `trustDevice` request of one `verify` call, its randomness drawn once however often the write is retried. @internal */
export interface DeviceMint {
  token: string;
  id: string;
  hash: string;
  /** The key the hash is keyed with; absent without encryption. */
  kid?: string;
  label: string;
  ttlMs: number;
}

/**
 * Checks `verify`'s third argument and, when it asks for `trustDevice`, draws the token and id.
 * Called before any store access, so bad options never reach the store. @internal
 *
 * @throws TwoFactorError `INVALID_OPTION` naming `options`, `trustDevice`, `trustDevice.label` or `trustDevice.ttlMs`
 */
export function deviceMintOption(userId: string, options: unknown, keys: DeviceKeys): DeviceMint | undefined {
  const { trustDevice } = optionsObject(options as { trustDevice?: unknown } | undefined, 'options');
  if (trustDevice === undefined) return undefined;
  const request = optionsObject(trustDevice as { label?: unknown; ttlMs?: unknown }, 'trustDevice');
  const { label: asked = '', ttlMs = DEFAULT_TRUSTED_DEVICE_TTL_MS } = request;
  if (typeof asked !== 'string') fail('INVALID_OPTION', 'trustDevice.label', 'a string (longer ones are cut to 128 characters)', asked);
  // Cut, never refused: apps pass the User-Agent, which runs past 128 characters in common browsers, and a
  // refusal here would come after the user typed a right code.
  const label = truncateLabel(asked);
  if (!isStorable(label)) fail('INVALID_OPTION', 'trustDevice.label', 'a string without NUL or unpaired surrogates', asked);
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < MIN_TRUSTED_DEVICE_TTL_MS || ttlMs > MAX_TRUSTED_DEVICE_TTL_MS) {
    fail('INVALID_OPTION', 'trustDevice.ttlMs', `an integer ${MIN_TRUSTED_DEVICE_TTL_MS}–${MAX_TRUSTED_DEVICE_TTL_MS} (milliseconds, at most 1 year)`, ttlMs);
  }
  const secret = randomBytes(TOKEN_BYTES);
  const keyed = keys.current && { kid: keys.current.kid, hash: keyedDeviceHash(keys.current.key, userId, secret) };
  return { token: TOKEN_PREFIX + encodeBase64Url(secret), id: encodeBase64Url(randomBytes(DEVICE_ID_BYTES)), hash: hashDeviceToken(userId, secret), ...keyed, label, ttlMs };
}

/**
 * `label` cut to {@link MAX_DEVICE_LABEL_CHARS} UTF-16 code units, one fewer when the cut would split a
 * surrogate pair (an emoji is kept whole or dropped whole).
 */
function truncateLabel(label: string): string {
  if (label.length <= MAX_DEVICE_LABEL_CHARS) return label;
  const last = label.charCodeAt(MAX_DEVICE_LABEL_CHARS - 1);
  return label.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_DEVICE_LABEL_CHARS - 1 : MAX_DEVICE_LABEL_CHARS);
}

/**
 * SHA-256 over `'two-factor trusted device v1' ‖ 0x00 ‖ utf8(userId) ‖ 0x00 ‖ token bytes`, base64url.
 * User ids hold no NUL and the token is 32 bytes, so no two (user, token) pairs share an input: a token
 * minted for one user never matches another's hashes. A fast hash suffices for 256 random bits. @internal
 */
function hashDeviceToken(userId: string, secret: Uint8Array): string {
  return userBoundHash(DOMAIN, userId, secret);
}

/**
 * HMAC-SHA-256 under `key` (the device key derived from an encryption key) over
 * `'two-factor trusted device v2' ‖ 0x00 ‖ utf8(userId) ‖ 0x00 ‖ token bytes`, base64url: without the
 * server key nobody can compute the hash of a token, so a hash planted in the table never verifies. @internal
 */
export function keyedDeviceHash(key: Uint8Array, userId: string, secret: Uint8Array): string {
  return encodeBase64Url(hmac(sha256, key, userBoundInput(KEYED_DOMAIN, userId, secret)));
}

/** The token's 32 secret bytes, or null for anything that is not a token of this format (no store access needed to refuse it). @internal */
export function tokenBytes(token: unknown): Uint8Array | null {
  if (typeof token !== 'string' || token.length !== TOKEN_CHARS || !token.startsWith(TOKEN_PREFIX)) return null;
  return decodeBase64Url(token.slice(TOKEN_PREFIX.length), TOKEN_BYTES);
}

/**
 * The device of `userId` that token `secret` was minted for, or undefined. Each stored hash is compared
 * with the token's hash in its own form (keyed under the device's `kid`, or unkeyed when `keys` accept
 * that), every one without early exit, in constant time per hash. A device whose key is gone never matches. @internal
 */
export function matchDevice(devices: readonly TrustedDevice[] | undefined, userId: string, secret: Uint8Array, keys: DeviceKeys): TrustedDevice | undefined {
  const expected = new Map<string | undefined, Uint8Array | null>();
  const expectedFor = (kid: string | undefined): Uint8Array | null => {
    if (!expected.has(kid)) {
      const key = kid === undefined ? undefined : keys.of(kid);
      const hash = kid === undefined ? (keys.acceptUnkeyed ? hashDeviceToken(userId, secret) : null) : key ? keyedDeviceHash(key, userId, secret) : null;
      expected.set(kid, hash === null ? null : decodeBase64Url(hash, 32));
    }
    return expected.get(kid)!;
  };
  let found: TrustedDevice | undefined;
  for (const device of devices ?? []) {
    const wanted = expectedFor(device.kid);
    const stored = decodeBase64Url(device.hash, 32)!;
    if (wanted && bytesDifference(stored, wanted) === 0) found ??= device;
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
  const device: TrustedDevice = { id: mint.id, hash: mint.hash, ...(mint.kid ? { kid: mint.kid } : {}), label: mint.label, createdAt: nowMs, expiresAt };
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
