/**
 * The stable error codes of {@link TwoFactorError}. Match on these, never on the message text.
 *
 * - `INVALID_SECRET`: a secret that is empty, too long, not base32, or of an impossible base32 length.
 * - `INVALID_OPTION`: an option or argument of the wrong type or out of range (digits 3, period 0, NaN counter, …).
 * - `INVALID_URI`: an otpauth:// URI that cannot be parsed or carries invalid parameters.
 * - `INVALID_BACKUP_CODES`: a stored backup-code hash string that is malformed or of an unknown version.
 * - `QR_CAPACITY`: text too long to fit in a QR code at the requested error-correction level.
 * - `DECRYPTION_FAILED`: a secret stored at rest could not be decrypted (wrong key, tampered data, other user).
 * - `STORE_CONFLICT`: a storage compare-and-set kept losing to concurrent writers.
 * - `STORE_ERROR`: a record read from the store is not a valid two-factor record.
 */
export type TwoFactorErrorCode =
  | 'INVALID_SECRET'
  | 'INVALID_OPTION'
  | 'INVALID_URI'
  | 'INVALID_BACKUP_CODES'
  | 'QR_CAPACITY'
  | 'DECRYPTION_FAILED'
  | 'STORE_CONFLICT'
  | 'STORE_ERROR';

// A brand shared by every copy of this class: the ESM and CJS builds (and two installed versions) each
// define their own TwoFactorError, and `instanceof` must hold for an error thrown by any of them.
const BRAND = Symbol.for('@inworkjobs/two-factor/TwoFactorError');

/**
 * The one error type of this library. Thrown for malformed *arguments* only; a wrong or malformed
 * *code* typed by a user is a normal `{ valid: false }` result, never an exception.
 *
 * Messages name the field and never contain a secret or a code.
 *
 * @example
 * ```ts
 * try {
 *   decodeBase32('not base32!');
 * } catch (e) {
 *   e instanceof TwoFactorError; // true
 *   e.code;                      // 'INVALID_SECRET'
 *   e.message;                   // '"text" must be base32: A–Z and 2–7, …, got a string of length 11'
 * }
 * ```
 */
export class TwoFactorError extends Error {
  /** True for an error thrown by any copy of this library (ESM or CJS build, any version). */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** Stable, machine-readable reason. */
  readonly code: TwoFactorErrorCode;

  /**
   * An error with a stable `code`; thrown by the library, constructed by hand only in tests and adapters.
   * @param code - the stable error code
   * @param message - human-readable text naming the offending field
   * @param options - standard `ErrorOptions` (`cause`)
   */
  constructor(code: TwoFactorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TwoFactorError';
    this.code = code;
    (this as unknown as Record<symbol, boolean>)[BRAND] = true;
  }
}
