// HOTP hardware tokens (RFC 4226): a code within a small look-ahead signs in and moves the counter past
// it (§7.2); two consecutive codes within a wide look-ahead find a token's counter (§7.4).
import { counterHalves, otpValues, parseCode, valueMatches } from '../../internal/otp.js';
import type { Algorithm } from '../../algorithm.js';

/** The token parameters the search needs. @internal */
export interface HotpKey {
  secret: Uint8Array;
  algorithm: Algorithm;
  digits: number;
}

/**
 * Counters `start` … `start + lookAhead`, cut below the largest safe integer: the counter stored after a
 * match (one past it) must still be a safe integer, or the record could not be read back.
 */
function candidates(key: HotpKey, start: number, lookAhead: number): number[] {
  const count = Math.max(0, Math.min(lookAhead, Number.MAX_SAFE_INTEGER - 1 - start) + 1);
  const [hi, lo] = counterHalves(start);
  return otpValues(key.secret, key.algorithm, hi, lo, count);
}

/**
 * The counter of the code whose value is `expected` (read by readCode, of the token's length) among `start` … `start + lookAhead`, or -1. Every candidate is computed and
 * compared in constant time; the first match wins. @internal
 */
export function matchHotp(key: HotpKey, expected: number, start: number, lookAhead: number): number {
  const values = candidates(key, start, lookAhead);
  let matched = -1;
  for (let k = 0; k < values.length; k++) {
    if (valueMatches(values[k]!, key.digits, expected) && matched < 0) matched = k;
  }
  return matched < 0 ? -1 : start + matched;
}

/**
 * The counter c of `codes[0]` such that `codes[1]` is the code of c + 1, with c among `start` …
 * `start + lookAhead`; -1 when there is none. A chance pair match has odds of about lookAhead / 10^(2·digits). @internal
 */
export function findConsecutive(key: HotpKey, codes: readonly [string, string], start: number, lookAhead: number): number {
  const first = parseCode(codes[0], key.digits);
  const second = parseCode(codes[1], key.digits);
  if (first < 0 || second < 0) return -1;
  const values = candidates(key, start, lookAhead + 1);
  let matched = -1;
  for (let k = 0; k + 1 < values.length; k++) {
    const pair = valueMatches(values[k]!, key.digits, first) && valueMatches(values[k + 1]!, key.digits, second);
    if (pair && matched < 0) matched = k;
  }
  return matched < 0 ? -1 : start + matched;
}
