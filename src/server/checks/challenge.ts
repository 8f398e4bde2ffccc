// Sign-in challenges: the step between the password and the code, owned by the library. The token names
// its user and carries 256 random bits; only a domain-separated hash of (user, bits) is stored, with the
// user's record. The pure steps over a record's open challenges live here; the reasoning is in
// docs/sign-in.md and docs/security.md, "Sign-in challenges".
import { integerOption, optionsObject } from '../../internal/assert.js';
import { decodeBase64Url, encodeBase64Url } from '../../internal/base64url.js';
import { bytesDifference } from '../../internal/constant-time.js';
import { randomBytes } from '../../internal/random.js';
import { isStorable } from '../../internal/text.js';
import { userBoundHash } from '../../internal/user-bound-hash.js';
import { MAX_CHALLENGE_TTL_MS, MAX_MAX_ATTEMPTS, MAX_OPEN_CHALLENGES, type SignInChallenge } from '../record/types.js';

/** Default life of a sign-in challenge: 5 minutes, in milliseconds. */
export const DEFAULT_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** Shortest `signIn.challengeTtlMs`: one second (tests use short lives; apps should not). */
const MIN_CHALLENGE_TTL_MS = 1000;
/** Default wrong codes per challenge before it is spent. */
export const DEFAULT_MAX_ATTEMPTS = 5;

const PREFIX = 'tfc1.';
const SECRET_BYTES = 32;
const SECRET_CHARS = 43;
// A user id is at most 256 UTF-16 units, so at most 768 UTF-8 bytes, 1,024 base64url characters.
const MAX_USER_CHARS = 1024;
const MAX_TOKEN_CHARS = PREFIX.length + MAX_USER_CHARS + 1 + SECRET_CHARS;
const DOMAIN = new TextEncoder().encode('two-factor sign-in challenge v1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `signIn` options checked, with defaults. @internal */
export type SignInPolicy = Readonly<{ challengeTtlMs: number; maxAttempts: number }>;

/** Validates the `signIn` option of createTwoFactor; throws `INVALID_OPTION` naming the field. @internal */
export function signInPolicy(options: { challengeTtlMs?: number; maxAttempts?: number } | undefined): SignInPolicy {
  const o = optionsObject(options, 'signIn');
  return Object.freeze({
    challengeTtlMs: integerOption(o.challengeTtlMs, 'signIn.challengeTtlMs', MIN_CHALLENGE_TTL_MS, MAX_CHALLENGE_TTL_MS, DEFAULT_CHALLENGE_TTL_MS),
    maxAttempts: integerOption(o.maxAttempts, 'signIn.maxAttempts', 1, MAX_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS),
  });
}

/**
 * SHA-256 over `'two-factor sign-in challenge v1' ‖ 0x00 ‖ utf8(userId) ‖ 0x00 ‖ secret`, base64url. User
 * ids hold no NUL and the secret is 32 bytes, so no two (user, secret) pairs share an input: a challenge
 * whose user part is rewritten to another user never matches that user's hashes. @internal
 */
export function hashChallenge(userId: string, secret: Uint8Array): string {
  return userBoundHash(DOMAIN, userId, secret);
}

/** A new challenge for `userId`: the token to show once and the hash to store. @internal */
export function mintChallenge(userId: string): { token: string; hash: string } {
  const secret = randomBytes(SECRET_BYTES);
  const user = encodeBase64Url(new TextEncoder().encode(userId));
  return { token: `${PREFIX}${user}.${encodeBase64Url(secret)}`, hash: hashChallenge(userId, secret) };
}

/**
 * The user a challenge names and the hash to look for, or null for anything that is not a challenge of
 * this format (any value from a browser: not a string, too long, another alphabet, a user id the service
 * would refuse). Needs no store access. @internal
 */
export function readChallenge(token: unknown): { userId: string; hash: string } | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || !token.startsWith(PREFIX)) return null;
  const dot = token.indexOf('.', PREFIX.length);
  if (dot < 0 || token.length - dot - 1 !== SECRET_CHARS) return null;
  const userBytes = decodeBase64Url(token.slice(PREFIX.length, dot));
  const secret = decodeBase64Url(token.slice(dot + 1), SECRET_BYTES);
  if (!userBytes || userBytes.length === 0 || !secret) return null;
  let userId: string;
  try {
    userId = utf8.decode(userBytes);
  } catch {
    return null;
  }
  if (userId.length > 256 || !isStorable(userId)) return null;
  return { userId, hash: hashChallenge(userId, secret) };
}

/** What a presented challenge is on the record as read. @internal */
export type ChallengeState = { state: 'open'; challenge: SignInChallenge } | { state: 'expired' } | { state: 'invalid' };

/**
 * Looks the hash up among the stored challenges: every stored hash is compared in constant time, without
 * early exit. Spent (`attempts` at `maxAttempts`) or unknown: `'invalid'`; lapsed: `'expired'`; more than
 * the longest life still to run (a planted date): `'invalid'`. @internal
 */
export function challengeState(challenges: readonly SignInChallenge[] | undefined, hash: string, nowMs: number, maxAttempts: number): ChallengeState {
  const wanted = decodeBase64Url(hash, 32)!;
  let found: SignInChallenge | undefined;
  for (const challenge of challenges ?? []) {
    if (bytesDifference(decodeBase64Url(challenge.hash, 32)!, wanted) === 0) found ??= challenge;
  }
  if (!found || found.attempts >= maxAttempts || found.expiresAt - nowMs > MAX_CHALLENGE_TTL_MS) return { state: 'invalid' };
  if (nowMs >= found.expiresAt) return { state: 'expired' };
  return { state: 'open', challenge: found };
}

type WithChallenges = { challenges?: SignInChallenge[] };

/** The record with `challenges` set, or the field left out when none remain (absent = none, as in 0.1 and 0.2 records). @internal */
export function withChallenges<R extends WithChallenges>(record: R, challenges: readonly SignInChallenge[]): R {
  const { challenges: _old, ...rest } = record;
  return (challenges.length === 0 ? rest : { ...rest, challenges: [...challenges] }) as R;
}

/** The open challenges: unexpired and not spent, oldest first. @internal */
function openChallenges(challenges: readonly SignInChallenge[] | undefined, nowMs: number, maxAttempts: number): SignInChallenge[] {
  return (challenges ?? []).filter((c) => c.expiresAt > nowMs && c.attempts < maxAttempts).sort((a, b) => a.createdAt - b.createdAt);
}

/** The record with a new challenge beside the open ones; beyond {@link MAX_OPEN_CHALLENGES} the oldest go. @internal */
export function withNewChallenge<R extends WithChallenges>(record: R, hash: string, nowMs: number, policy: SignInPolicy): R {
  const kept = openChallenges(record.challenges, nowMs, policy.maxAttempts).slice(-(MAX_OPEN_CHALLENGES - 1));
  return withChallenges(record, [...kept, { hash, createdAt: nowMs, expiresAt: nowMs + policy.challengeTtlMs, attempts: 0 }]);
}

/** The record without the challenge `hash` (spent by a success, or cancelled). @internal */
export function withoutChallenge<R extends WithChallenges>(record: R, hash: string): R {
  return withChallenges(record, (record.challenges ?? []).filter((c) => c.hash !== hash));
}

/**
 * One wrong code charged to the challenge `hash`: its count moves, and at `maxAttempts` it is spent —
 * deleted when `keepSpent` is false (a factor code, decided in one write), kept with the full count when
 * true (a backup code's charge, which its success must still find). @internal
 */
export function withChallengeAttempt<R extends WithChallenges>(record: R, hash: string, maxAttempts: number, keepSpent = false): { record: R; attemptsLeft: number } {
  const current = (record.challenges ?? []).find((c) => c.hash === hash);
  if (!current) return { record, attemptsLeft: 0 };
  const attempts = current.attempts + 1;
  const attemptsLeft = Math.max(0, maxAttempts - attempts);
  const others = (record.challenges ?? []).filter((c) => c !== current);
  const next = attemptsLeft === 0 && !keepSpent ? others : (record.challenges ?? []).map((c) => (c === current ? { ...c, attempts } : c));
  return { record: withChallenges(record, next), attemptsLeft };
}
