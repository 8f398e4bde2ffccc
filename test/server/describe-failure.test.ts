// describeFailure: a sentence for every FailureReason of 0.3 (the typed record below stops compiling when a
// reason is added without a sentence), waits in whole seconds rounded up, and a replacement table.
import { describe, expect, it } from 'vitest';
import { describeFailure, FAILURE_MESSAGES, type FailureMessages, type FailureReason } from '../../src/server/index.js';

// Exhaustive over the union: a missing or an extra key is a compile error (`npm run typecheck`), and the
// test checks each sentence.
const EXPECTED: Record<FailureReason, string> = {
  invalid: 'That code is not valid.',
  replayed: 'That code has already been used. Wait for the next code in your app.',
  throttled: 'Too many attempts.',
  'not-enabled': 'Two-factor authentication is not turned on for this account.',
  'no-pending-enrollment': 'There is no set-up in progress. Please start again.',
  expired: 'The set-up has expired. Please start again.',
  'proof-required': 'Also enter a code from an app you already use, or a backup code.',
  'unknown-factor': 'That app or token is no longer on this account.',
  'challenge-invalid': 'This sign-in is no longer valid. Please sign in again.',
  'challenge-expired': 'This sign-in took too long. Please sign in again.',
  probation: 'An app added recently cannot do this yet. Use a code from an app you had before.',
  locked: 'Too many wrong codes: two-factor sign-in is locked for this account. Please contact support.',
};
const REASONS = Object.keys(EXPECTED) as FailureReason[];

describe('describeFailure', () => {
  it.each(REASONS)('has an English sentence for %s, with no wait when none is given', (reason) => {
    expect(describeFailure({ reason })).toBe(EXPECTED[reason]);
    expect(FAILURE_MESSAGES.reasons[reason]).toBe(EXPECTED[reason]);
  });

  it('covers exactly the reasons of 0.3, each with its own sentence ending in a full stop', () => {
    expect(Object.keys(FAILURE_MESSAGES.reasons).sort()).toEqual([...REASONS].sort());
    const sentences = Object.values(FAILURE_MESSAGES.reasons);
    expect(new Set(sentences).size).toBe(sentences.length);
    for (const s of sentences) expect(s).toMatch(/^[A-Z].*\.$/);
  });

  it.each([
    [7_200, 'Too many attempts. Try again in 8 seconds.'],
    [1, 'Too many attempts. Try again in 1 second.'],
    [1_000, 'Too many attempts. Try again in 1 second.'],
    [1_001, 'Too many attempts. Try again in 2 seconds.'],
    [119_000, 'Too many attempts. Try again in 119 seconds.'],
    [120_000, 'Too many attempts. Try again in 2 minutes.'],
    [3_600_000, 'Too many attempts. Try again in 60 minutes.'],
    [7_200_000, 'Too many attempts. Try again in 2 hours.'],
    [72 * 3_600_000 - 1, 'Too many attempts. Try again in 72 hours.'],
  ])('gives a wait of %d ms in whole units rounded up', (retryAfterMs, sentence) => {
    expect(describeFailure({ reason: 'throttled', retryAfterMs })).toBe(sentence);
  });

  it('adds the wait to any reason that carries one, and none for 0, negative or non-number waits', () => {
    expect(describeFailure({ reason: 'invalid', retryAfterMs: 4_000 })).toBe('That code is not valid. Try again in 4 seconds.');
    expect(describeFailure({ reason: 'probation', retryAfterMs: 71.5 * 3_600_000 })).toBe(`${EXPECTED.probation} Try again in 72 hours.`);
    for (const retryAfterMs of [0, -5, Number.NaN, undefined]) expect(describeFailure({ reason: 'replayed', retryAfterMs })).toBe(EXPECTED.replayed);
  });

  it('takes a whole result of the service as it is', () => {
    const result = { ok: false as const, reason: 'throttled' as const, retryAfterMs: 2_500, attemptsLeft: 3 };
    expect(describeFailure(result)).toBe('Too many attempts. Try again in 3 seconds.');
  });

  it('speaks another language from a replacement table, which gets the wait in whole seconds', () => {
    const seen: number[] = [];
    const french: FailureMessages = {
      reasons: { ...FAILURE_MESSAGES.reasons, throttled: 'Trop de tentatives.' },
      tryAgainIn: (seconds) => (seen.push(seconds), `Réessayez dans ${seconds} s.`),
    };
    expect(describeFailure({ reason: 'throttled', retryAfterMs: 3_600_000 }, { messages: french })).toBe('Trop de tentatives. Réessayez dans 3600 s.');
    expect(seen).toEqual([3600]);
  });

  it('falls back to the invalid sentence for a reason the table does not know (a newer service)', () => {
    expect(describeFailure({ reason: 'from-the-future' as FailureReason })).toBe(EXPECTED.invalid);
  });
});
