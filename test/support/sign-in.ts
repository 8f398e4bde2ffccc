// Fixtures of the sign-in tests: users enrolled on a CountingStore, a challenge begun, and a check that a
// call wrote nothing (no compareAndSet reached the store, every record as it was).
import { expect } from 'vitest';
import type { TwoFactorOptions } from '../../src/server/index.js';
import { codeAt, enrol, setup, STEP_MS } from './fixtures.js';

type Context = ReturnType<typeof setup>;

/** A service with 'alice' and 'bob' enrolled (each a TOTP app and 10 backup codes), the clock one step past both confirmations. */
export async function twoUsers(options: Partial<TwoFactorOptions> = {}) {
  const ctx = setup(options);
  const alice = await enrol(ctx, 'alice');
  const bob = await enrol(ctx, 'bob');
  ctx.clock.advance(STEP_MS);
  const code = (user: { secret: string }) => codeAt(user.secret, ctx.clock.now());
  return { ...ctx, alice, bob, code };
}

/** Begins a sign-in that needs a code; returns the challenge string. */
export async function challengeOf(ctx: Context, userId: string, opts?: { trustedDeviceToken?: string }): Promise<string> {
  const begun = await ctx.twoFactor.beginSignIn(userId, opts);
  if (!begun.required) throw new Error(`expected a challenge, got ${JSON.stringify(begun)}`);
  return begun.challenge;
}

/** Every record of `users` as the store holds it now (version included). */
async function snapshot(ctx: Context, users: string[] = ['alice', 'bob']) {
  return Promise.all(users.map((u) => ctx.store.inner.get(u)));
}

/** Runs `call` and checks it reached no compareAndSet and left every record of `users` as it was; returns its result. */
export async function withoutWrites<T>(ctx: Context, call: () => Promise<T>, users?: string[]): Promise<T> {
  const before = await snapshot(ctx, users);
  const writes = ctx.store.writes;
  const result = await call();
  expect(ctx.store.writes, 'compareAndSet calls').toBe(writes);
  expect(await snapshot(ctx, users)).toEqual(before);
  return result;
}

/** The store calls `call` makes: gets and compareAndSets. */
export async function storeCalls<T>(ctx: Context, call: () => Promise<T>): Promise<{ result: T; gets: number; writes: number }> {
  const gets = ctx.store.gets;
  const writes = ctx.store.writes;
  const result = await call();
  return { result, gets: ctx.store.gets - gets, writes: ctx.store.writes - writes };
}

/** Base64url of a string's UTF-8, as the challenge carries its user id (docs/sign-in.md, "The challenge string"). */
export const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
