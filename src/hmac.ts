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

// The slice of noble's Merkle–Damgård hash classes the scratch HMAC below relies on. `buffer` is the
// instance's block buffer: `digestInto(buffer)` is noble's own `digest()` path and reuses the
// instance's DataView, where any other output array would get a fresh DataView per digest.
interface BlockHash {
  readonly blockLen: number;
  readonly outputLen: number;
  readonly buffer: Uint8Array;
  update(data: Uint8Array): BlockHash;
  digestInto(out: Uint8Array): void;
  _cloneInto(to?: BlockHash): BlockHash;
  destroy(): void;
}

/**
 * Preallocated HMAC state for one algorithm, keyed per call by {@link keyHmacScratch} and wiped by
 * {@link wipeHmacScratch}. Allocating hash instances per call costs more than the compressions for an
 * 8-byte counter: every small `Uint8Array` noble wraps in a `DataView` must first get an off-heap
 * ArrayBuffer. Reusing instances leaves only the compressions, and wiping keeps no key material past
 * the call. Single-threaded and synchronous, so one scratch per algorithm per realm is enough.
 * @internal
 */
export interface HmacScratch {
  readonly outputLen: number;
  readonly fresh: BlockHash;
  readonly inner: BlockHash;
  readonly outer: BlockHash;
  readonly work: BlockHash;
  readonly workOuter: BlockHash;
  /** The first `outputLen` bytes of `work.buffer`: the inner digest, fed to the outer hash. */
  readonly innerDigest: Uint8Array;
  /** The first `outputLen` bytes of `inner.buffer`, for {@link macCounterOnce}. */
  readonly innerOnceDigest: Uint8Array;
  readonly pad: Uint8Array;
  readonly padHead: Uint8Array;
  readonly padTail: Uint8Array;
  readonly counter: Uint8Array;
  readonly counterView: DataView;
}

const scratches: Partial<Record<Algorithm, HmacScratch>> = {};

function createScratch(algorithm: Algorithm): HmacScratch {
  const make = () => HASHES[algorithm].create() as unknown as BlockHash;
  const fresh = make();
  const work = make();
  const inner = make();
  const pad = new Uint8Array(fresh.blockLen);
  const counter = new Uint8Array(8);
  return {
    outputLen: fresh.outputLen,
    fresh,
    inner,
    outer: make(),
    work,
    workOuter: make(),
    innerDigest: work.buffer.subarray(0, fresh.outputLen),
    innerOnceDigest: inner.buffer.subarray(0, fresh.outputLen),
    pad,
    // Feeding the pad as 1 + (blockLen − 1) bytes keeps noble on its buffered path, which compresses
    // with the instance's own DataView; a whole block at once would wrap the pad in a new DataView.
    padHead: pad.subarray(0, 1),
    padTail: pad.subarray(1),
    counter,
    counterView: new DataView(counter.buffer),
  };
}

/** The scratch HMAC of `algorithm`, created on first use. Key it with {@link keyHmacScratch}. @internal */
export function hmacScratch(algorithm: Algorithm): HmacScratch {
  return scratches[algorithm] ?? (scratches[algorithm] = createScratch(algorithm));
}

/**
 * Keys a scratch HMAC with `key` (RFC 2104 §2: the ipad and opad blocks are compressed once).
 * Call it inside a `try` whose `finally` calls {@link wipeHmacScratch}, so no key material outlives
 * the public call even if something throws; nothing else may key the same scratch in between.
 * @internal
 */
export function keyHmacScratch(s: HmacScratch, key: Uint8Array): void {
  const { pad, fresh, inner, outer } = s;
  let keyBytes = key;
  if (key.length > pad.length) {
    // RFC 2104 §2: a key longer than the block is hashed first.
    fresh._cloneInto(s.work).update(key).digestInto(s.work.buffer);
    keyBytes = s.innerDigest;
  }
  pad.fill(0x36);
  for (let i = 0; i < keyBytes.length; i++) pad[i] = keyBytes[i]! ^ 0x36;
  fresh._cloneInto(inner).update(s.padHead).update(s.padTail);
  for (let i = 0; i < pad.length; i++) pad[i] = pad[i]! ^ (0x36 ^ 0x5c);
  fresh._cloneInto(outer).update(s.padHead).update(s.padTail);
  pad.fill(0);
}

/**
 * HMAC of the 8-byte big-endian counter `hi·2^32 + lo` with the keyed scratch. Returns the scratch's
 * own buffer: the tag is its first `outputLen` bytes, valid until the next call.
 * @internal
 */
export function macCounter(s: HmacScratch, hi: number, lo: number): Uint8Array {
  s.counterView.setUint32(0, hi);
  s.counterView.setUint32(4, lo);
  s.inner._cloneInto(s.work).update(s.counter).digestInto(s.work.buffer);
  const out = s.workOuter;
  s.outer._cloneInto(out).update(s.innerDigest).digestInto(out.buffer);
  return out.buffer;
}

/**
 * {@link macCounter} for the only message of a keying: finishes the keyed state itself instead of a
 * copy (generation computes one HMAC per key, and the two state copies are a tenth of its cost).
 * The scratch must be re-keyed before it is used again.
 * @internal
 */
export function macCounterOnce(s: HmacScratch, hi: number, lo: number): Uint8Array {
  s.counterView.setUint32(0, hi);
  s.counterView.setUint32(4, lo);
  s.inner.update(s.counter).digestInto(s.inner.buffer);
  s.outer.update(s.innerOnceDigest).digestInto(s.outer.buffer);
  return s.outer.buffer;
}

/** Zeroes every key-derived byte and word of the scratch (noble's `destroy()` clears state and buffer). @internal */
export function wipeHmacScratch(s: HmacScratch): void {
  s.inner.destroy();
  s.outer.destroy();
  s.work.destroy();
  s.workOuter.destroy();
  s.pad.fill(0);
  s.counter.fill(0);
}
