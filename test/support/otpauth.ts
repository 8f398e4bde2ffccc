// Shared by the otpauth URI suites (uri-build, uri-parse).
import fc from 'fast-check';
import { decodeBase32 } from '../../src/base32.js';

/** The Key Uri Format's example secret. */
export const KEY = 'JBSWY3DPEHPK3PXP';
export const KEY_BYTES = decodeBase32(KEY);
export const MAX_COUNTER = 2n ** 64n - 1n;

// Characters that break naive encoders and splitters, plus non-ASCII and astral code points.
const NASTY = [' ', '@', ':', '/', '?', '&', '#', '%', '+', '=', '%3A', '%20', ';', ',', '"', "'", '\\', 'é', 'ß', '中', '😀', '🔐', 'a', 'Z', '0', '-', '.', '_', '~'];
/** A label part (issuer or account) the builder must accept: nasty characters, no edge space or control. */
export const labelPart = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''))
  .filter((s) => s.length <= 256 && s.trim() === s && s.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(s));
