// The HMAC hash of an OTP: the closed union, its validator, and the one lenient parser for foreign input.
import { fail } from './internal/assert.js';

/** The HMAC hash of an OTP (RFC 6238 §1.2): SHA-1 is the default and what every authenticator app supports. */
export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** The default algorithm. @internal */
export const DEFAULT_ALGORITHM: Algorithm = 'SHA1';
/** The rule in error messages. @internal */
export const ALGORITHM_RULE = "'SHA1', 'SHA256' or 'SHA512'";

/** True for exactly `'SHA1'`, `'SHA256'` or `'SHA512'`. @internal */
export function isAlgorithm(value: unknown): value is Algorithm {
  return value === 'SHA1' || value === 'SHA256' || value === 'SHA512';
}

/** Validates an `algorithm` option (exact spelling); `undefined` is the default. @internal */
export function algorithmOption(value: unknown, field = 'algorithm'): Algorithm {
  if (value === undefined) return DEFAULT_ALGORITHM;
  return isAlgorithm(value) ? value : fail('INVALID_OPTION', field, ALGORITHM_RULE, value);
}

/**
 * A foreign spelling (`sha1`, `SHA-1`, ` sha-256 `) as the closed union, or `undefined`: for text from
 * URIs and the command line only, never for options. @internal
 */
export function parseAlgorithmName(value: string): Algorithm | undefined {
  const name = value.trim().toUpperCase().replace('-', '');
  return isAlgorithm(name) ? name : undefined;
}
