// The RFC test vectors as data for users' own tests (the JSON files in vectors/ are the source; the
// build inlines them).
import rfc4226 from '../../vectors/rfc4226.json' with { type: 'json' };
import rfc6238 from '../../vectors/rfc6238.json' with { type: 'json' };
import type { Algorithm } from '../algorithm.js';

/** One HOTP vector: the code for `counter` with the base32 `secret`, SHA-1, 6 digits. */
export interface HotpVector {
  readonly secret: string;
  readonly counter: number;
  readonly algorithm: Algorithm;
  readonly digits: number;
  readonly hotp: string;
}

/** One TOTP vector: the code at `timeMs` (epoch ms) with the base32 `secret`, 30 s period, 8 digits. */
export interface TotpVector {
  readonly secret: string;
  readonly timeMs: number;
  readonly algorithm: Algorithm;
  readonly digits: number;
  readonly period: number;
  readonly totp: string;
}

/**
 * RFC 4226 Appendix D: counters 0–9 of the secret `"12345678901234567890"` (ASCII).
 *
 * @example
 * ```ts
 * RFC4226_VECTORS[1]; // { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', counter: 1, algorithm: 'SHA1', digits: 6, hotp: '287082' }
 * ```
 */
export const RFC4226_VECTORS: readonly HotpVector[] = Object.freeze(
  rfc4226.vectors.map((v) =>
    Object.freeze({ secret: rfc4226.secretBase32, counter: v.counter, algorithm: 'SHA1' as Algorithm, digits: rfc4226.digits, hotp: v.hotp }),
  ),
);

/**
 * RFC 6238 Appendix B (with erratum 2866's seeds): SHA-1, SHA-256 and SHA-512 at six moments, 8 digits.
 *
 * @example
 * ```ts
 * RFC6238_VECTORS.length; // 18
 * RFC6238_VECTORS[0];     // { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', timeMs: 59000, algorithm: 'SHA1', digits: 8, period: 30, totp: '94287082' }
 * ```
 */
export const RFC6238_VECTORS: readonly TotpVector[] = Object.freeze(
  rfc6238.vectors.map((v) => {
    const algorithm = v.algorithm as Algorithm;
    return Object.freeze({
      secret: rfc6238.secrets[algorithm].base32,
      timeMs: v.time * 1000,
      algorithm,
      digits: rfc6238.digits,
      period: rfc6238.period,
      totp: v.totp,
    });
  }),
);
