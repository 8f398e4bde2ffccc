// The only source of randomness in the library: the platform CSPRNG, available in Node >= 19,
// browsers, Deno, Bun and edge workers alike. Never Math.random.

/** `length` bytes from `crypto.getRandomValues`. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < length; offset += 65536) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65536)));
  }
  return out;
}

/**
 * A uniform integer in [0, bound) by rejection sampling, so there is no modulo bias.
 * `bound` must be an integer in 1..2^32.
 */
export function randomBelow(bound: number): number {
  const limit = 2 ** 32 - (2 ** 32 % bound); // largest multiple of bound that fits in 32 bits
  const buf = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    const value = buf[0]!;
    if (value < limit) return value % bound;
  }
}
