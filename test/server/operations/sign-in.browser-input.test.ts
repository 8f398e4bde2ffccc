// Whatever a browser sends back as the challenge (cookie or form field) is a result, never an exception, and
// a refused challenge writes nothing: empty, very long, non-ASCII, truncated, altered, another user's with
// the user part rewritten, spent, cancelled, expired, and values that are not strings at all.
import { describe, expect, it } from 'vitest';
import { base64url, challengeOf, storeCalls, twoUsers, withoutWrites } from '../../support/sign-in.js';

/** Variations of a real challenge string that must all be 'challenge-invalid'. */
function forgeries(challenge: string, bobs: string): [string, unknown][] {
  const last = challenge.at(-1) === 'A' ? 'B' : 'A';
  return [
    ['truncated by one character', challenge.slice(0, -1)],
    ['one character appended', `${challenge}A`],
    ['the last character changed', challenge.slice(0, -1) + last],
    ['upper-cased', challenge.toUpperCase()],
    ['with a space', ` ${challenge}`],
    ['with a newline', `${challenge}\n`],
    ['doubled', challenge + challenge],
    ['bob\'s challenge with its user part rewritten to alice', bobs.replace(base64url('bob'), base64url('alice'))],
    ['alice\'s user part and bob\'s secret part', `${challenge.slice(0, challenge.lastIndexOf('.'))}${bobs.slice(bobs.lastIndexOf('.'))}`],
    ['the secret part only', challenge.slice(challenge.lastIndexOf('.') + 1)],
  ];
}

const GARBAGE: [string, unknown][] = [
  ['empty', ''],
  ['a space', ' '],
  ['very long (1 MB)', 'a'.repeat(1_000_000)],
  ['non-ASCII', 'ü€😀 challenge'],
  ['a lone surrogate', '\uD800'],
  ['NUL bytes', '\0\0\0'],
  ['a device token', 'tdv1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ['dots only', '....'],
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['an object', { challenge: 'x' }],
  ['an array', ['x']],
];

describe('completeSignIn with whatever the browser sent', () => {
  it('malformed strings and non-strings: challenge-invalid, never an exception, without any store call', async () => {
    const ctx = await twoUsers();
    for (const [name, value] of GARBAGE) {
      const calls = await storeCalls(ctx, () => ctx.twoFactor.completeSignIn(value as string, ctx.code(ctx.alice)));
      expect(calls, name).toEqual({ result: { ok: false, reason: 'challenge-invalid' }, gets: 0, writes: 0 });
      expect(await ctx.twoFactor.cancelSignIn(value as string), name).toBeUndefined();
    }
  });

  it('altered, truncated or cross-user challenges: challenge-invalid, nothing written, the real one still works', async () => {
    const ctx = await twoUsers();
    const challenge = await challengeOf(ctx, 'alice');
    const bobs = await challengeOf(ctx, 'bob');
    expect(bobs).toContain(base64url('bob'));
    for (const [name, value] of forgeries(challenge, bobs)) {
      const result = await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(value as string, ctx.code(ctx.alice)));
      expect(result, name).toEqual({ ok: false, reason: 'challenge-invalid' });
      await withoutWrites(ctx, () => ctx.twoFactor.cancelSignIn(value as string));
    }
    expect(await ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.alice))).toMatchObject({ ok: true, userId: 'alice' });
    expect(await ctx.twoFactor.completeSignIn(bobs, ctx.code(ctx.bob))).toMatchObject({ ok: true, userId: 'bob' });
  });

  it('a challenge of a user unknown to the store, or whose 2FA is off: challenge-invalid, nothing written', async () => {
    const ctx = await twoUsers();
    const bobs = await challengeOf(ctx, 'bob');
    const stranger = bobs.replace(base64url('bob'), base64url('mallory'));
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(stranger, '123456'), ['bob', 'mallory'])).toEqual({ ok: false, reason: 'challenge-invalid' });
    await ctx.twoFactor.reset('bob');
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(bobs, ctx.code(ctx.bob)), ['bob'])).toEqual({ ok: false, reason: 'challenge-invalid' });
  });

  it('spent, cancelled and expired challenges: results, nothing written', async () => {
    const ctx = await twoUsers();
    const spent = await challengeOf(ctx, 'alice');
    expect(await ctx.twoFactor.completeSignIn(spent, ctx.code(ctx.alice))).toMatchObject({ ok: true });
    const cancelled = await challengeOf(ctx, 'alice');
    await ctx.twoFactor.cancelSignIn(cancelled);
    const expired = await challengeOf(ctx, 'alice');
    ctx.clock.advance(5 * 60_000);
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(spent, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-invalid' });
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(cancelled, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-invalid' });
    expect(await withoutWrites(ctx, () => ctx.twoFactor.completeSignIn(expired, ctx.code(ctx.alice)))).toEqual({ ok: false, reason: 'challenge-expired' });
  });

  it('codes of every shape on a real challenge are results: wrong ones counted on it, never an exception', async () => {
    const ctx = await twoUsers({ throttle: { freeFailures: 20 }, signIn: { maxAttempts: 20 } });
    const challenge = await challengeOf(ctx, 'alice');
    const codes: unknown[] = ['', ' ', 'a'.repeat(100_000), '１２３４５６', 'ü€😀', '\uD800', '12345\0', '0'.repeat(6), undefined, null, 42, {}];
    for (const code of codes) {
      const result = await ctx.twoFactor.completeSignIn(challenge, code as string);
      expect(result.ok, JSON.stringify(code)?.slice(0, 40)).toBe(false);
      if (!result.ok) expect(['invalid', 'replayed']).toContain(result.reason);
    }
    expect(await ctx.twoFactor.completeSignIn(challenge, ctx.code(ctx.alice))).toMatchObject({ ok: true });
  });
});

describe('beginSignIn with whatever cookie the browser sent', () => {
  it('any trustedDeviceToken that is not a live token of this user asks for the code, never an exception', async () => {
    const ctx = await twoUsers();
    for (const [name, value] of GARBAGE.filter(([, v]) => v !== undefined && v !== null)) {
      const begun = await ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: value as string });
      expect(begun, name).toMatchObject({ required: true, trustedDevice: 'invalid' });
    }
    expect(await ctx.twoFactor.beginSignIn('alice', { trustedDeviceToken: undefined })).not.toHaveProperty('trustedDevice');
  });
});
