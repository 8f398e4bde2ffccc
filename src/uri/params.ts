// otpauth:// URIs (Google Authenticator "Key Uri Format"), the parts both directions share: the
// parameters, the limits, and the rules for the label and the image. Building is in build.ts,
// parsing in parse.ts.
import { isWellFormed } from '../internal/text.js';
import type { Algorithm } from '../algorithm.js';

/** The parameters of an otpauth URI: what {@link parseOtpauthUri} returns and {@link buildOtpauthUri} takes. */
export interface OtpauthParams {
  /** `'totp'` (time-based, RFC 6238) or `'hotp'` (counter-based, RFC 4226). */
  type: 'totp' | 'hotp';
  /** The shared secret as bytes (the builder also accepts base32 text). */
  secret: Uint8Array;
  /** The account at the issuer, e.g. `'alice@example.com'`. */
  accountName: string;
  /** The service, e.g. `'InworkJobs'`; shown by apps next to the account. */
  issuer?: string;
  /** HMAC hash; default `'SHA1'` (several apps ignore anything else). */
  algorithm?: Algorithm;
  /** Code length, 6–10; default 6. */
  digits?: number;
  /** TOTP only: step length in **seconds**; default 30. */
  period?: number;
  /** HOTP only (required there): the next counter, 0 to 2^64−1. */
  counter?: number | bigint;
  /** Optional logo URL (`https:` or `http:`), a non-standard parameter that FreeOTP and others show. */
  image?: string;
}

/** Longest otpauth URI built or parsed, in characters; checked before any other work on parser input. */
export const MAX_OTPAUTH_URI_CHARS = 4096;
/** @internal */
export const SCHEME = 'otpauth://';
// Bounds that keep a label readable on a phone and the whole URI inside one QR code.
const MAX_LABEL_PART_CHARS = 256;
/** @internal */
export const MAX_IMAGE_CHARS = 2048;

/** Why a label part (issuer or account) cannot be shown or round-tripped faithfully, or `undefined` when it can. @internal */
export function labelPartProblem(value: string): string | undefined {
  if (value.length > MAX_LABEL_PART_CHARS) return `at most ${MAX_LABEL_PART_CHARS} characters`;
  // The label grammar lets readers drop spaces after the separator, so edge white space would not survive.
  if (value.trim() !== value) return 'free of leading and trailing white space';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 'free of control characters';
  }
  if (!isWellFormed(value)) return 'well-formed text (no lone surrogates)';
  return undefined;
}

/** True for an `https:` or `http:` URL short enough to carry. @internal */
export function validImage(value: string): boolean {
  if (value.length === 0 || value.length > MAX_IMAGE_CHARS || !isWellFormed(value)) return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
