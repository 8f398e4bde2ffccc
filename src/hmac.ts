// Algorithm → hash table, and HMAC (RFC 2104) keyed once and reused for every counter of a window.
import type { Algorithm } from './algorithm.js';
import { HASH_SPECS, hashWords, wordsToBytes, type HashSpec } from './internal/sha.js';

const IPAD = 0x36363636;
const OPAD = 0x5c5c5c5c;

/**
 * An HMAC key schedule: the hash states after the ipad and opad blocks (RFC 2104 §2 steps 1–4), so each
 * message costs only its own compressions, plus the scratch words every message reuses. One per
 * algorithm, reused by every call: the OTP functions are synchronous, so no two calls interleave, and
 * each wipes it before returning ({@link wipeCounterMac}). Allocating these small arrays per call cost
 * as much as the compressions.
 * @internal
 */
export interface CounterMac {
  readonly spec: HashSpec;
  readonly inner: Int32Array;
  readonly outer: Int32Array;
  readonly state: Int32Array;
  readonly block: Int32Array;
  readonly keyWords: Int32Array;
}

const counterMacs: Partial<Record<Algorithm, CounterMac>> = {};

function keyBlock(spec: HashSpec, key: Uint8Array, words: Int32Array): void {
  words.fill(0);
  if (key.length > spec.blockWords * 4) {
    // RFC 2104 §2: a key longer than the block is hashed first.
    const digest = hashWords(spec, key);
    words.set(digest);
    digest.fill(0);
  } else {
    // Shorter keys are zero-padded to the block.
    for (let i = 0; i < key.length; i++) words[i >> 2]! |= key[i]! << (24 - 8 * (i & 3));
  }
}

function padState(spec: HashSpec, key: Int32Array, pad: number, state: Int32Array, block: Int32Array): void {
  for (let i = 0; i < block.length; i++) block[i] = key[i]! ^ pad;
  state.set(spec.initial());
  spec.compress(state, block, 0);
}

/** Keys the HMAC of `algorithm` for 8-byte counters. Wipe it with {@link wipeCounterMac} before returning. @internal */
export function counterMac(algorithm: Algorithm, key: Uint8Array): CounterMac {
  const spec = HASH_SPECS[algorithm];
  const mac = (counterMacs[algorithm] ??= {
    spec,
    inner: new Int32Array(spec.outWords),
    outer: new Int32Array(spec.outWords),
    state: new Int32Array(spec.outWords),
    block: new Int32Array(spec.blockWords),
    keyWords: new Int32Array(spec.blockWords),
  });
  const { keyWords } = mac;
  keyBlock(spec, key, keyWords);
  padState(spec, keyWords, IPAD, mac.inner, mac.block);
  padState(spec, keyWords, OPAD, mac.outer, mac.block);
  keyWords.fill(0);
  return mac;
}

/**
 * The RFC 4226 §5.3 dynamically truncated 31-bit value of HMAC(key, counter) for the 8-byte big-endian
 * counter `hi·2^32 + lo`: one compression for the inner hash (the counter and its padding fit one block)
 * and one for the outer hash (the inner digest and its padding fit one block).
 * @internal
 */
export function truncatedMac(mac: CounterMac, hi: number, lo: number): number {
  const { spec, state, block } = mac;
  const { blockWords, outWords } = spec;
  const blockBits = blockWords * 32;
  // Inner: ipad state, then the counter, the 0x80 padding byte and the length (block + 8 bytes) in bits.
  state.set(mac.inner);
  block.fill(0);
  block[0] = hi;
  block[1] = lo;
  block[2] = 0x80000000;
  block[blockWords - 1] = blockBits + 64;
  spec.compress(state, block, 0);
  // Outer: opad state, then the inner digest, padding and length (block + digest) in bits.
  block.fill(0);
  for (let i = 0; i < outWords; i++) block[i] = state[i]!;
  block[outWords] = 0x80000000;
  block[blockWords - 1] = blockBits + outWords * 32;
  state.set(mac.outer);
  spec.compress(state, block, 0);
  // Dynamic truncation: the low 4 bits of the last digest byte select 4 bytes, top bit cleared.
  const offset = state[outWords - 1]! & 0x0f;
  const shift = (offset & 3) * 8;
  const word = state[offset >> 2]!;
  return (shift === 0 ? word : (word << shift) | (state[(offset >> 2) + 1]! >>> (32 - shift))) & 0x7fffffff;
}

/** Zeroes every key-derived word of a {@link CounterMac}. @internal */
export function wipeCounterMac(mac: CounterMac): void {
  mac.inner.fill(0);
  mac.outer.fill(0);
  mac.state.fill(0);
  mac.block.fill(0);
}

/**
 * General HMAC(key, message) for any message length, the key scheduled once. Used by the tests to check
 * the RFC 4226 intermediate values; the OTP path uses {@link counterMac}.
 * @internal
 */
export function keyedHmac(algorithm: Algorithm, key: Uint8Array): (message: Uint8Array) => Uint8Array {
  const spec = HASH_SPECS[algorithm];
  const blockBytes = spec.blockWords * 4;
  const words = new Int32Array(spec.blockWords);
  keyBlock(spec, key, words);
  const ipadKey = wordsToBytes(words.map((w) => w ^ IPAD), blockBytes);
  const opadKey = wordsToBytes(words.map((w) => w ^ OPAD), blockBytes);
  words.fill(0);
  const concat = (a: Uint8Array, b: Uint8Array) => {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const hash = (message: Uint8Array) => wordsToBytes(hashWords(spec, message), spec.outWords * 4);
  return (message) => hash(concat(opadKey, hash(concat(ipadKey, message))));
}
