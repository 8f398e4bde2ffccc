// The user-id rule, one definition for the service and every store.
import { fail } from '../../internal/assert.js';
import { isStorable } from '../../internal/text.js';

/** Longest user id, in UTF-16 code units. */
const MAX_USER_ID_CHARS = 256;

/**
 * Checks a user id as the service and the stores accept it: a string of 1–256 characters that a
 * database stores exactly (no NUL, no lone surrogate). @internal
 *
 * @throws TwoFactorError `INVALID_OPTION` naming `userId`
 */
export function assertUserId(userId: unknown): string {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_CHARS) {
    fail('INVALID_OPTION', 'userId', `a string of 1–${MAX_USER_ID_CHARS} characters`, userId);
  }
  if (!isStorable(userId)) fail('INVALID_OPTION', 'userId', 'text without NUL or unpaired surrogates', userId);
  return userId;
}
