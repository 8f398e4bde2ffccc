// Algorithm → hash table, and an HMAC keyed once and reused for every counter of a verification window.
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { fail } from './internal/assert.js';

/** The HMAC hash of an OTP (RFC 6238 §1.2): SHA-1 is the default and what every authenticator app supports. */
export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512';

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;

/** Validates an `algorithm` option (exact spelling; loose spellings are accepted only when parsing URIs). @internal */
export function algorithmOption(value: unknown, field = 'algorithm'): Algorithm {
  if (value === undefined) return 'SHA1';
  if (value !== 'SHA1' && value !== 'SHA256' && value !== 'SHA512') fail('INVALID_OPTION', field, "'SHA1', 'SHA256' or 'SHA512'", value);
  return value;
}

/**
 * HMAC(key, message) with the key schedule done once: the keyed inner/outer state is copied into a
 * scratch instance per message (noble's `_cloneInto`) instead of re-hashing the padded key each time,
 * which is what makes a ±window verification cost little more than its compressions.
 * The returned function overwrites and returns the same output buffer on every call.
 * @internal
 */
export function keyedHmac(algorithm: Algorithm, key: Uint8Array): (message: Uint8Array) => Uint8Array {
  const keyed = hmac.create(HASHES[algorithm], key);
  const scratch = keyed.clone();
  const out = new Uint8Array(keyed.outputLen);
  return (message) => {
    keyed._cloneInto(scratch).update(message).digestInto(out);
    return out;
  };
}
