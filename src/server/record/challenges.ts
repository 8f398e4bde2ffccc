// The open sign-in challenges of a stored record (absent in records of 0.1 and 0.2: none), each field
// bounded to what the service writes.
import { decodeBase64Url } from '../../internal/base64url.js';
import { bad, isObject, safeInteger, time } from './fields.js';
import { MAX_CHALLENGE_TTL_MS, MAX_MAX_ATTEMPTS, MAX_OPEN_CHALLENGES, type SignInChallenge } from './types.js';

/**
 * Validates the optional `challenges` field: at most {@link MAX_OPEN_CHALLENGES} entries with distinct
 * SHA-256 hashes, a life of at most 30 minutes, attempts 0–20. Returns `{}` when absent or empty. @internal
 * @throws TwoFactorError `STORE_ERROR` naming the first bad field
 */
export function parseChallenges(value: unknown): { challenges?: SignInChallenge[] } {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value) || value.length > MAX_OPEN_CHALLENGES) bad('challenges', `an array of at most ${MAX_OPEN_CHALLENGES} challenges`, value);
  const challenges = value.map((entry: unknown, i) => parseChallenge(entry, `challenges.${i}`));
  if (new Set(challenges.map((c) => c.hash)).size !== challenges.length) bad('challenges', 'challenges with distinct hashes', value);
  return challenges.length === 0 ? {} : { challenges };
}

function parseChallenge(entry: unknown, field: string): SignInChallenge {
  if (!isObject(entry)) bad(field, 'an object', entry);
  const { hash } = entry;
  if (typeof hash !== 'string' || decodeBase64Url(hash, 32) === null) bad(`${field}.hash`, 'a SHA-256 digest in base64url', hash);
  const createdAt = time(entry.createdAt, `${field}.createdAt`);
  const expiresAt = time(entry.expiresAt, `${field}.expiresAt`);
  // A planted far-off expiry would keep a half-signed-in state open for ever: the service writes at most 30 minutes.
  if (expiresAt <= createdAt || expiresAt - createdAt > MAX_CHALLENGE_TTL_MS) {
    bad(`${field}.expiresAt`, `after createdAt by at most ${MAX_CHALLENGE_TTL_MS} ms`, expiresAt);
  }
  return { hash, createdAt, expiresAt, attempts: safeInteger(entry.attempts, `${field}.attempts`, 0, MAX_MAX_ATTEMPTS) };
}
