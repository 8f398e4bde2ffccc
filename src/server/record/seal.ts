// Secrets at rest: AES-256-GCM through WebCrypto (crypto.subtle), so the server entry runs on Node, Deno,
// Bun and edge workers alike. The user id and the secret's place in the record (its factor, or the pending
// enrolment) are bound as additional data, so a ciphertext only opens where it was sealed. Secrets sealed
// by 0.2 bound the user alone (no `v`): they still open, and are sealed again on the record's next write.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { TwoFactorError } from '../../errors.js';
import { fail } from '../../internal/assert.js';
import { randomBytes } from '../../internal/random.js';
import { encodeBase32, decodeBase32 } from '../../base32.js';
import { MAX_KEY_ID_CHARS, type SealedSecret } from './types.js';
import { decodeBase64Url, encodeBase64Url } from '../../internal/base64url.js';

/**
 * Keys for sealing TOTP secrets at rest: `keys` maps a key id to 32 random bytes, `current` names the key
 * new secrets are sealed with. To rotate, add a key and make it `current`; keep the old ones until every
 * record has been written again (each record moves to `current` on its next write).
 *
 * `allowPlaintext` (default false) is a migration aid for records stored in the clear before encryption
 * was switched on: while it is true such records are read and sealed on their next write. While it is
 * false a secret stored in the clear fails with `DECRYPTION_FAILED`, so whoever can write the table
 * cannot plant a secret of their own choosing.
 */
export interface EncryptionOptions {
  keys: Record<string, Uint8Array>;
  current: string;
  allowPlaintext?: boolean;
  /**
   * Whether a trusted device stored with an unkeyed hash still verifies (default true). Under encryption
   * new devices are hashed with a key derived from the current key, so a database writer cannot plant a
   * device of their own; devices trusted by 0.2 have an unkeyed hash and are re-keyed on their first use.
   * Set it to false once every 0.2 device has been used or has expired (30 days after the upgrade with the
   * default lifetime, at most a year): until then a writer could plant an unkeyed hash.
   */
  allowUnkeyedDevices?: boolean;
}

/** Keys for trusted-device hashes, derived from `encryption.keys` (none without encryption). @internal */
export interface DeviceKeys {
  /** The device-hash key of the current key, with its id; undefined without encryption. */
  readonly current: { kid: string; key: Uint8Array } | undefined;
  /** The device-hash key derived from key `kid`, or undefined when no such key is configured. */
  of(kid: string): Uint8Array | undefined;
  /** Whether a device stored with an unkeyed hash may verify. */
  readonly acceptUnkeyed: boolean;
}

// HKDF-SHA-256 (RFC 5869) of an encryption key: a key of its own for device hashes, so no key is used for
// two purposes (AES-GCM and HMAC).
const DEVICE_KEY_INFO = new TextEncoder().encode('two-factor trusted device key v1');
function deviceKeys(raw: Map<string, Uint8Array<ArrayBuffer>>, current: string, acceptUnkeyed: boolean): DeviceKeys {
  const derived = new Map([...raw].map(([kid, bytes]) => [kid, hkdf(sha256, bytes, undefined, DEVICE_KEY_INFO, 32)]));
  return { current: { kid: current, key: derived.get(current)! }, of: (kid) => derived.get(kid), acceptUnkeyed };
}

/** The length of every key in `encryption.keys`: AES-256. `two-factor key` prints a new one. @internal */
export const KEY_BYTES = 32;
const IV_BYTES = 12; // 96 bits, the GCM nonce size NIST SP 800-38D recommends

/** The slot of the pending enrolment's secret (factor ids are `f_` and 10 characters, so never this). @internal */
export const PENDING_SLOT = 'pending';

/**
 * Seals and opens secrets for one service instance; imports each CryptoKey once. A `slot` is where the
 * secret sits in the record (a factor's id, or {@link PENDING_SLOT}); it is part of the associated data,
 * so a ciphertext moved to another place does not open. @internal
 */
export interface Sealer {
  seal(secret: Uint8Array, userId: string, slot: string): Promise<SealedSecret>;
  open(sealed: SealedSecret, userId: string, slot: string, field: string): Promise<Uint8Array>;
  /** True when a stored secret should be sealed again (in the clear while a key is configured, under an old key, or bound to the user alone). */
  stale(sealed: SealedSecret): boolean;
  /** The keys of trusted-device hashes. */
  readonly devices: DeviceKeys;
}

const encoder = new TextEncoder();
// The purpose prefix keeps these ciphertexts from being confused with anything else sealed under the same
// key. v2 puts the slot first: it holds no ':', so no (slot, user) pair encodes like another.
const additionalData = (sealed: { v?: 2 }, userId: string, slot: string): Uint8Array<ArrayBuffer> =>
  encoder.encode(sealed.v === 2 ? `two-factor:v2:${slot}:${userId}` : `two-factor:v1:${userId}`);

/** Validates `encryption` and returns the sealer for it (or the in-the-clear one). @internal */
export function createSealer(options: EncryptionOptions | undefined): Sealer {
  if (options === undefined) return plainSealer;
  if (options === null || typeof options !== 'object') fail('INVALID_OPTION', 'encryption', 'an object { keys, current }', options);
  const { current, allowPlaintext = false, allowUnkeyedDevices = true } = options;
  if (typeof allowPlaintext !== 'boolean') fail('INVALID_OPTION', 'encryption.allowPlaintext', 'a boolean', allowPlaintext);
  if (typeof allowUnkeyedDevices !== 'boolean') fail('INVALID_OPTION', 'encryption.allowUnkeyedDevices', 'a boolean', allowUnkeyedDevices);
  const raw = keyBytes(options.keys);
  if (typeof current !== 'string' || !raw.has(current)) fail('INVALID_OPTION', 'encryption.current', 'the id of a key in encryption.keys', current);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) fail('INVALID_OPTION', 'encryption', 'used where WebCrypto (crypto.subtle) is available', undefined);

  const imported = new Map<string, Promise<CryptoKey>>();
  const cryptoKey = (kid: string, bytes: Uint8Array<ArrayBuffer>): Promise<CryptoKey> => {
    let key = imported.get(kid);
    if (!key) {
      key = subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
      imported.set(kid, key);
    }
    return key;
  };

  return {
    async seal(secret, userId, slot) {
      const iv = new Uint8Array(randomBytes(IV_BYTES));
      const key = await cryptoKey(current, raw.get(current)!);
      const additional = additionalData({ v: 2 }, userId, slot);
      const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additional }, key, new Uint8Array(secret)));
      return { alg: 'A256GCM', kid: current, iv: encodeBase64Url(iv), ct: encodeBase64Url(ct), v: 2 };
    },
    async open(sealed, userId, slot, field) {
      if (sealed.alg === 'none') {
        if (allowPlaintext) return decodeBase32(sealed.secret);
        // Only a database writer (or a record from before encryption) puts a clear secret here.
        throw new TwoFactorError('DECRYPTION_FAILED', `"${field}" must be sealed under encryption.keys (set encryption.allowPlaintext to migrate records stored in the clear), got a secret in the clear`);
      }
      const bytes = raw.get(sealed.kid);
      // Key ids are names, not secrets: naming the missing one tells the operator which key to restore.
      if (!bytes) throw new TwoFactorError('DECRYPTION_FAILED', `"${field}.kid" must be a key in encryption.keys, got "${sealed.kid}"`);
      try {
        const key = await cryptoKey(sealed.kid, bytes);
        const iv = decodeBase64Url(sealed.iv);
        const ct = decodeBase64Url(sealed.ct);
        // A non-canonical encoding was not written by seal(): tampered, like a tag that does not verify.
        if (!iv || !ct) throw new Error('non-canonical base64url');
        const plain = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: additionalData(sealed, userId, slot) }, key, ct);
        return new Uint8Array(plain);
      } catch (cause) {
        throw new TwoFactorError(
          'DECRYPTION_FAILED',
          `"${field}" must be sealed for this user and this place under key "${sealed.kid}", got a ciphertext that does not authenticate`,
          { cause },
        );
      }
    },
    stale: (sealed) => sealed.alg === 'none' || sealed.kid !== current || sealed.v !== 2,
    devices: deviceKeys(raw, current, allowUnkeyedDevices),
  };
}

/** `encryption.keys` checked: key id → a copy of its 32 bytes. */
function keyBytes(keys: unknown): Map<string, Uint8Array<ArrayBuffer>> {
  if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) fail('INVALID_OPTION', 'encryption.keys', 'an object of key id → 32 bytes', keys);
  const raw = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [kid, key] of Object.entries(keys)) {
    if (kid.length === 0 || kid.length > MAX_KEY_ID_CHARS) fail('INVALID_OPTION', 'encryption.keys', `key ids of 1–${MAX_KEY_ID_CHARS} characters`, kid);
    if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) fail('INVALID_OPTION', `encryption.keys.${kid}`, `${KEY_BYTES} bytes (AES-256)`, key);
    raw.set(kid, Uint8Array.from(key)); // a copy: later changes to the caller's array must not change the key
  }
  return raw;
}

const plainSealer: Sealer = {
  async seal(secret) {
    return { alg: 'none', secret: encodeBase32(secret) };
  },
  async open(sealed, _userId, _slot, field) {
    if (sealed.alg === 'none') return decodeBase32(sealed.secret);
    throw new TwoFactorError('DECRYPTION_FAILED', `"encryption" must be configured to open "${field}" (sealed under key "${sealed.kid}"), got undefined`);
  },
  stale: () => false,
  // Without encryption there is no server key: device hashes are unkeyed (a writer can plant one).
  devices: { current: undefined, of: () => undefined, acceptUnkeyed: true },
};
