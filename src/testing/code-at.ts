import { generateTotp, type TotpOptions } from '../totp.js';
import type { Secret } from '../secret.js';

/**
 * The TOTP code an authenticator app shows for `secret` at `timeMs`: what a test types into
 * `confirmEnrollment` or `verify`.
 *
 * @param secret - the secret, e.g. `beginEnrollment(…).secret` (base32) or bytes
 * @param timeMs - the moment, epoch **milliseconds** (e.g. `clock.now()`)
 * @param options - `algorithm`, `digits`, `period` (s), `epoch` (T0, s) when not the defaults SHA1 / 6 / 30 / 0
 * @throws TwoFactorError `INVALID_SECRET` / `INVALID_OPTION` for bad arguments
 *
 * @example
 * ```ts
 * const { secret } = await twoFactor.beginEnrollment('u1', { accountName: 'alice' });
 * const confirmed = await twoFactor.confirmEnrollment('u1', codeAt(secret, clock.now()));
 * confirmed.ok; // true
 * ```
 */
export function codeAt(secret: Secret, timeMs: number, options?: Omit<TotpOptions, 'now'>): string {
  return generateTotp(secret, { ...options, now: timeMs });
}
