// SHA-1 (FIPS 180-4 §6.1), SHA-256 (§6.2) and SHA-512 (§6.4) compression functions over 32-bit words,
// written for HMAC over an 8-byte counter: no buffers, no streaming, no allocation per block.
//
// Why not @noble/hashes here (it is still used for scrypt): its sha1 + sha2 + hmac modules alone are
// 5.6 KB gzip, more than the 4 KB budget of a verify-only bundle, and its general streaming interface
// costs more per 8-byte message than the compressions themselves. These functions are checked against
// the FIPS/RFC vectors, node:crypto and @noble/hashes in the test suite.
//
// Words are signed 32-bit integers (`| 0`); a SHA-512 word is two of them, high half first, so every
// state and block is a big-endian word sequence and digest byte i is byte (i & 3) of word i >> 2.

/** A hash as the HMAC code needs it. @internal */
export interface HashSpec {
  /** Block length in 32-bit words: 16 (64 bytes) or 32 (128 bytes). */
  readonly blockWords: number;
  /** Digest length in 32-bit words: 5, 8 or 16. */
  readonly outWords: number;
  /** The initial hash value (shared: copy it, never write to it). */
  initial(): Int32Array;
  /** Compresses one block (`blockWords` words from `block[offset]`) into `state`. */
  compress(state: Int32Array, block: Int32Array, offset: number): void;
}

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));

// SHA-1 ------------------------------------------------------------------------------------------------
const sha1W = new Int32Array(80);
const SHA1_H = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);


function sha1Compress(state: Int32Array, block: Int32Array, offset: number): void {
  const w = sha1W;
  for (let t = 0; t < 16; t++) w[t] = block[offset + t]!;
  for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!, 1);
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!;
  for (let t = 0; t < 80; t++) {
    const f =
      t < 20 ? ((b & c) | (~b & d)) + 0x5a827999
      : t < 40 ? (b ^ c ^ d) + 0x6ed9eba1
      : t < 60 ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
      : (b ^ c ^ d) + 0xca62c1d6;
    const temp = (rotl(a, 5) + f + e + w[t]!) | 0;
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = temp;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

// SHA-2 constants ----------------------------------------------------------------------------------------
// FIPS 180-4 §4.2.3 / §5.3.5: the SHA-512 constants are the first 64 bits of the fractional parts of the
// cube roots of the first 80 primes (K) and of the square roots of the first 8 primes (H0); SHA-256's
// are the first 32 bits of the same numbers. Derived once, on first use, instead of 1.3 KB of hex.
let sha2K: Int32Array | undefined; // 80 × (hi, lo)
let sha512H: Int32Array | undefined; // 8 × (hi, lo)
let sha256H: Int32Array | undefined; // the high halves

/** floor(n^(1/k)) by Newton's method from a float overestimate. */
function integerRoot(n: bigint, k: bigint): bigint {
  let x = BigInt(Math.ceil(Number(n) ** (1 / Number(k)))) + (1n << 24n);
  for (;;) {
    const next = ((k - 1n) * x + n / x ** (k - 1n)) / k;
    if (next >= x) return x;
    x = next;
  }
}

function sha2Constants(): void {
  const primes: number[] = [];
  for (let p = 2; primes.length < 80; p++) if (primes.every((q) => p % q !== 0)) primes.push(p);
  const fraction = (p: number, k: bigint) => integerRoot(BigInt(p) << (64n * k), k) & 0xffffffffffffffffn;
  const split = (out: Int32Array, i: number, v: bigint) => {
    out[2 * i] = Number(v >> 32n) | 0;
    out[2 * i + 1] = Number(v & 0xffffffffn) | 0;
  };
  const k = new Int32Array(160);
  const h = new Int32Array(16);
  primes.forEach((p, i) => split(k, i, fraction(p, 3n)));
  for (let i = 0; i < 8; i++) split(h, i, fraction(primes[i]!, 2n));
  sha512H = h;
  sha256H = h.filter((_, i) => i % 2 === 0);
  sha2K = k;
}

// SHA-256 ------------------------------------------------------------------------------------------------
const sha256W = new Int32Array(64);

function sha256Compress(state: Int32Array, block: Int32Array, offset: number): void {
  const w = sha256W;
  const k = sha2K!;
  for (let t = 0; t < 16; t++) w[t] = block[offset + t]!;
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!, y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + k[2 * t]! + w[t]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

// SHA-512 ------------------------------------------------------------------------------------------------
// 64-bit words as (hi, lo) pairs of int32; additions carry through a float sum of the unsigned low halves
// (exact: five terms below 2^32 stay below 2^53).
const sha512W = new Int32Array(160);
const TWO_32 = 4294967296;

function sha512Compress(state: Int32Array, block: Int32Array, offset: number): void {
  const w = sha512W;
  const k = sha2K!;
  for (let t = 0; t < 32; t++) w[t] = block[offset + t]!;
  for (let t = 16; t < 80; t++) {
    // σ0 = rotr 1 ^ rotr 8 ^ shr 7 of w[t−15]; σ1 = rotr 19 ^ rotr 61 ^ shr 6 of w[t−2]
    const xh = w[2 * t - 30]!, xl = w[2 * t - 29]!;
    const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
    const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
    const yh = w[2 * t - 4]!, yl = w[2 * t - 3]!;
    const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
    const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
    const lo = (w[2 * t - 31]! >>> 0) + (s0l >>> 0) + (w[2 * t - 13]! >>> 0) + (s1l >>> 0);
    w[2 * t] = (w[2 * t - 32]! + s0h + w[2 * t - 14]! + s1h + ((lo / TWO_32) | 0)) | 0;
    w[2 * t + 1] = lo | 0;
  }
  let ah = state[0]!, al = state[1]!, bh = state[2]!, bl = state[3]!, ch = state[4]!, cl = state[5]!;
  let dh = state[6]!, dl = state[7]!, eh = state[8]!, el = state[9]!, fh = state[10]!, fl = state[11]!;
  let gh = state[12]!, gl = state[13]!, hh = state[14]!, hl = state[15]!;
  for (let t = 0; t < 80; t++) {
    // Σ1(e) = rotr 14 ^ rotr 18 ^ rotr 41; Σ0(a) = rotr 28 ^ rotr 34 ^ rotr 39
    const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
    const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
    const chh = (eh & fh) ^ (~eh & gh);
    const chl = (el & fl) ^ (~el & gl);
    const t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (k[2 * t + 1]! >>> 0) + (w[2 * t + 1]! >>> 0);
    const t1h = (hh + S1h + chh + k[2 * t]! + w[2 * t]! + ((t1l / TWO_32) | 0)) | 0;
    const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
    const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
    const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
    const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
    hh = gh; hl = gl;
    gh = fh; gl = fl;
    fh = eh; fl = el;
    const el2 = (dl >>> 0) + (t1l >>> 0);
    eh = (dh + t1h + ((el2 / TWO_32) | 0)) | 0;
    el = el2 | 0;
    dh = ch; dl = cl;
    ch = bh; cl = bl;
    bh = ah; bl = al;
    const al2 = (t1l >>> 0) + (S0l >>> 0) + (majl >>> 0);
    ah = (t1h + S0h + majh + ((al2 / TWO_32) | 0)) | 0;
    al = al2 | 0;
  }
  const add = (i: number, h: number, l: number) => {
    const lo = (state[i + 1]! >>> 0) + (l >>> 0);
    state[i] = (state[i]! + h + ((lo / TWO_32) | 0)) | 0;
    state[i + 1] = lo | 0;
  };
  add(0, ah, al);
  add(2, bh, bl);
  add(4, ch, cl);
  add(6, dh, dl);
  add(8, eh, el);
  add(10, fh, fl);
  add(12, gh, gl);
  add(14, hh, hl);
}

/** SHA-1, SHA-256 and SHA-512 by the library's algorithm names. @internal */

export const HASH_SPECS: { readonly SHA1: HashSpec; readonly SHA256: HashSpec; readonly SHA512: HashSpec } = {
  SHA1: { blockWords: 16, outWords: 5, initial: () => SHA1_H, compress: sha1Compress },
  SHA256: {
    blockWords: 16,
    outWords: 8,
    initial: () => sha256H ?? (sha2Constants(), sha256H!),
    compress: sha256Compress,
  },
  SHA512: {
    blockWords: 32,
    outWords: 16,
    initial: () => sha512H ?? (sha2Constants(), sha512H!),
    compress: sha512Compress,
  },
};

/** The bytes of the first `byteCount` bytes of big-endian `words`. @internal */
export function wordsToBytes(words: Int32Array, byteCount: number): Uint8Array {
  const out = new Uint8Array(byteCount);
  for (let i = 0; i < byteCount; i++) out[i] = words[i >> 2]! >>> (24 - 8 * (i & 3));
  return out;
}

/**
 * The digest of a whole message (FIPS 180-4 §5.1 padding), as `outWords` big-endian words: for HMAC keys
 * longer than a block and for the general HMAC. Not on the OTP hot path, which pads its fixed-length
 * blocks itself.
 * @internal
 */
export function hashWords(spec: HashSpec, message: Uint8Array): Int32Array {
  const blockBytes = spec.blockWords * 4;
  // The length field is an eighth of the block: 64 bits for SHA-1/256, 128 bits for SHA-512.
  const length = Math.ceil((message.length + 1 + blockBytes / 8) / blockBytes) * blockBytes;
  const words = new Int32Array(length / 4);
  for (let i = 0; i < message.length; i++) words[i >> 2]! |= message[i]! << (24 - 8 * (i & 3));
  words[message.length >> 2]! |= 0x80 << (24 - 8 * (message.length & 3));
  // The length in bits (below 2^53: the message is in memory) in the last two words.
  words[words.length - 1] = message.length * 8;
  words[words.length - 2] = (message.length * 8) / 2 ** 32;
  const state = spec.initial().slice();
  for (let offset = 0; offset < words.length; offset += spec.blockWords) spec.compress(state, words, offset);
  words.fill(0);
  return state;
}
