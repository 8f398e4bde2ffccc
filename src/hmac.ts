// Algorithm → hash table, and HMAC (RFC 2104) on @noble/hashes, keyed once per call and reused for
// every counter of a window. The hashes are noble's audited code; this file only arranges their public
// `create` / `update` / `digestInto` / `_cloneInto` calls so the OTP path allocates as little as noble allows.
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { CHash, Hash } from '@noble/hashes/utils.js';
import type { Algorithm } from './algorithm.js';

/**
 * A noble hash instance, through its public `Hash` type. `_cloneInto` is declared there and is what
 * noble's own HMAC and PBKDF2 use to reuse a keyed state without allocating a new object.
 */
type HashState = Hash<HashState>;

const HASHES: Record<Algorithm, CHash<HashState>> = { SHA1: sha1, SHA256: sha256, SHA512: sha512 };

/**
 * An HMAC key schedule for 8-byte counters (RFC 2104 §2 steps 1–4 done once): noble hash states after
 * the ipad and the opad block, a scratch state each step is cloned into, and the byte buffers every
 * step reuses. One per algorithm, reused by every call: the OTP functions are synchronous, so no two
 * calls interleave, and each wipes it before returning ({@link wipeCounterMac}).
 * @internal
 */
export interface CounterMac {
  /** Never updated: the initial hash value that the keyed states are reset from. */
  readonly blank: HashState;
  readonly inner: HashState;
  readonly outer: HashState;
  readonly work: HashState;
  /** The key block, XORed with ipad then opad; zero outside {@link counterMac}. */
  readonly pad: Uint8Array;
  /** The same bytes as 32-bit words, so the pads are XORed a word at a time. */
  readonly padWords: Uint32Array;
  readonly counter: Uint8Array;
  readonly digest: Uint8Array;
}

const counterMacs: Partial<Record<Algorithm, CounterMac>> = {};

function newCounterMac(hash: CHash<HashState>): CounterMac {
  const blank = hash.create();
  const pad = new Uint8Array(hash.blockLen);
  return {
    blank,
    inner: hash.create(),
    outer: hash.create(),
    work: hash.create(),
    pad,
    padWords: new Uint32Array(pad.buffer),
    counter: new Uint8Array(8),
    digest: new Uint8Array(hash.outputLen),
  };
}

/** Keys the HMAC of `algorithm` for 8-byte counters. Wipe it with {@link wipeCounterMac} before returning. @internal */
export function counterMac(algorithm: Algorithm, key: Uint8Array): CounterMac {
  const mac = (counterMacs[algorithm] ??= newCounterMac(HASHES[algorithm]));
  const { blank, inner, outer, pad, padWords } = mac;
  pad.fill(0);
  if (key.length > pad.length) {
    // RFC 2104 §2: a key longer than the block is hashed first; shorter keys are zero-padded.
    blank._cloneInto(mac.work).update(key);
    mac.work.digestInto(pad);
  } else pad.set(key);
  // A whole block is compressed straight from `pad` (never copied into noble's buffer), so the keyed
  // states hold the key only as their chaining values, which wipeCounterMac resets.
  for (let i = 0; i < padWords.length; i++) padWords[i]! ^= 0x36363636;
  blank._cloneInto(inner).update(pad);
  for (let i = 0; i < padWords.length; i++) padWords[i]! ^= 0x6a6a6a6a; // 0x36 ^ 0x5c: ipad off, opad on
  blank._cloneInto(outer).update(pad);
  pad.fill(0);
  return mac;
}

/**
 * The RFC 4226 §5.3 dynamically truncated 31-bit value of HMAC(key, counter) for the 8-byte big-endian
 * counter `hi·2^32 + lo`: the keyed inner state cloned and fed the counter, the keyed outer state
 * cloned and fed the inner digest. Two compressions, as for any one-block message.
 * @internal
 */
export function truncatedMac(mac: CounterMac, hi: number, lo: number): number {
  const { counter, digest, work } = mac;
  counter[0] = hi >>> 24;
  counter[1] = hi >>> 16;
  counter[2] = hi >>> 8;
  counter[3] = hi;
  counter[4] = lo >>> 24;
  counter[5] = lo >>> 16;
  counter[6] = lo >>> 8;
  counter[7] = lo;
  mac.inner._cloneInto(work).update(counter);
  work.digestInto(digest);
  mac.outer._cloneInto(work).update(digest);
  work.digestInto(digest);
  // Dynamic truncation: the low 4 bits of the last digest byte select 4 bytes, top bit cleared.
  const o = digest[digest.length - 1]! & 0x0f;
  return ((digest[o]! & 0x7f) << 24) | (digest[o + 1]! << 16) | (digest[o + 2]! << 8) | digest[o + 3]!;
}

/**
 * Removes every key-derived value from a {@link CounterMac}: the keyed states go back to the initial
 * hash value (a clone of the blank state), the scratch state is zeroed with its buffer (noble's
 * `destroy`; the next clone revives it), and the digest bytes are zeroed.
 * @internal
 */
export function wipeCounterMac(mac: CounterMac): void {
  mac.blank._cloneInto(mac.inner);
  mac.blank._cloneInto(mac.outer);
  mac.work.destroy();
  mac.digest.fill(0);
}

/**
 * General HMAC(key, message) for any message length, on noble's `hmac`, keyed once. Used by the tests
 * to check the RFC 4226 intermediate values; the OTP path uses {@link counterMac}.
 * @internal
 */
export function keyedHmac(algorithm: Algorithm, key: Uint8Array): (message: Uint8Array) => Uint8Array {
  const keyed = hmac.create(HASHES[algorithm], key);
  return (message) => keyed.clone().update(message).digest();
}
