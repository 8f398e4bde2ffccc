// The challenge string and the pure steps over a record's open challenges (src/server/checks/challenge.ts):
// the documented encoding and hash (node:crypto as the oracle), what readChallenge refuses, the cap of
// five, attempts and spending, and the states a presented challenge can be in.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { challengeState, hashChallenge, mintChallenge, readChallenge, withChallengeAttempt, withNewChallenge, withoutChallenge } from '../../../src/server/checks/challenge.js';
import type { SignInChallenge } from '../../../src/server/index.js';

const POLICY = { challengeTtlMs: 300_000, maxAttempts: 5 };

/** The stored hash from the documented encoding: SHA-256('two-factor sign-in challenge v1' ‖ 0 ‖ utf8(userId) ‖ 0 ‖ secret), base64url. */
function oracle(userId: string, token: string): string {
  const secret = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from('two-factor sign-in challenge v1'), Buffer.from([0]), Buffer.from(userId, 'utf8'), Buffer.from([0]), secret]))
    .digest('base64url');
}

describe('the challenge string', () => {
  it('is tfc1.<base64url of the user id>.<32 random bytes>, and only the oracle hash names it', () => {
    for (const userId of ['alice', 'ü€😀 user', 'x'.repeat(256), '\u{10FFFF}'.repeat(128)]) {
      const { token, hash } = mintChallenge(userId);
      const [prefix, user, secret] = token.split('.');
      expect(prefix).toBe('tfc1');
      expect(Buffer.from(user!, 'base64url').toString('utf8')).toBe(userId);
      expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
      expect(hash).toBe(oracle(userId, token));
      expect(readChallenge(token)).toEqual({ userId, hash });
      expect(hashChallenge(userId, Buffer.from(secret!, 'base64url'))).toBe(hash);
    }
  });

  it('anything else is null, without throwing', () => {
    const { token } = mintChallenge('alice');
    const user = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const secret = token.slice(token.lastIndexOf('.') + 1);
    for (const value of [
      '', 'tfc1.', 'tfc1..', `tfc1.${user('alice')}`, `tfc2.${user('alice')}.${secret}`, `tfc1.${user('alice')}.${secret}A`, `tfc1.${user('alice')}.${secret.slice(1)}`,
      `tfc1..${secret}`, `tfc1.${user('a\0b')}.${secret}`, `tfc1.${user('x'.repeat(257))}.${secret}`, `tfc1.${Buffer.from([0xc3, 0x28]).toString('base64url')}.${secret}`,
      `tfc1.${user('alice')}=.${secret}`, `tfc1.${user('alice')}.${secret.slice(0, -1)}B`, token.toUpperCase(), 'x'.repeat(2000), null, undefined, 42, {}, [token],
    ]) {
      expect(readChallenge(value), JSON.stringify(value)?.slice(0, 60)).toBeNull();
    }
  });
});

describe('open challenges on a record', () => {
  const challenge = (hash: string, createdAt: number, attempts = 0): SignInChallenge => ({ hash, createdAt, expiresAt: createdAt + 300_000, attempts });
  const hashes = Array.from({ length: 7 }, (_, i) => mintChallenge(`u${i}`).hash);

  it('a sixth drops the oldest; expired and spent ones go first', () => {
    let record: { challenges?: SignInChallenge[] } = {};
    for (let i = 0; i < 6; i++) record = withNewChallenge(record, hashes[i]!, 1000 + i, POLICY);
    expect(record.challenges!.map((c) => c.hash)).toEqual(hashes.slice(1, 6));
    const spent = { challenges: [challenge(hashes[0]!, 0, 5), challenge(hashes[1]!, 1)] };
    expect(withNewChallenge(spent, hashes[2]!, 300_000, POLICY).challenges!.map((c) => c.hash)).toEqual([hashes[1], hashes[2]]);
    expect(withNewChallenge(spent, hashes[2]!, 300_001, POLICY).challenges!.map((c) => c.hash)).toEqual([hashes[2]]);
  });

  it('attempts count up; at the cap a factor code deletes it, a backup-code charge keeps it spent', () => {
    const record = { challenges: [challenge(hashes[0]!, 0, 3), challenge(hashes[1]!, 0)] };
    expect(withChallengeAttempt(record, hashes[0]!, 5)).toEqual({ record: { challenges: [challenge(hashes[0]!, 0, 4), challenge(hashes[1]!, 0)] }, attemptsLeft: 1 });
    const four = { challenges: [challenge(hashes[0]!, 0, 4)] };
    expect(withChallengeAttempt(four, hashes[0]!, 5)).toEqual({ record: {}, attemptsLeft: 0 });
    expect(withChallengeAttempt(four, hashes[0]!, 5, true)).toEqual({ record: { challenges: [challenge(hashes[0]!, 0, 5)] }, attemptsLeft: 0 });
    expect(withoutChallenge(record, hashes[0]!)).toEqual({ challenges: [challenge(hashes[1]!, 0)] });
    expect(withoutChallenge({ challenges: [challenge(hashes[0]!, 0)] }, hashes[0]!)).toEqual({});
  });

  it('a presented hash is open, expired, or invalid (unknown, spent, or planted with a far expiry)', () => {
    const challenges = [challenge(hashes[0]!, 0), challenge(hashes[1]!, 0, 5), { ...challenge(hashes[2]!, 0), expiresAt: 10 * 3_600_000 }];
    expect(challengeState(challenges, hashes[0]!, 299_999, 5)).toEqual({ state: 'open', challenge: challenges[0] });
    expect(challengeState(challenges, hashes[0]!, 300_000, 5)).toEqual({ state: 'expired' });
    expect(challengeState(challenges, hashes[1]!, 1, 5)).toEqual({ state: 'invalid' });
    expect(challengeState(challenges, hashes[1]!, 1, 6)).toMatchObject({ state: 'open' });
    expect(challengeState(challenges, hashes[2]!, 1, 5)).toEqual({ state: 'invalid' });
    expect(challengeState(challenges, hashes[3]!, 1, 5)).toEqual({ state: 'invalid' });
    expect(challengeState(undefined, hashes[0]!, 1, 5)).toEqual({ state: 'invalid' });
  });
});
