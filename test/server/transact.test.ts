import { describe, expect, it } from 'vitest';
import { MAX_STORE_ATTEMPTS, MemoryStore, type StoredRecord, type TwoFactorRecord, type TwoFactorStore } from '../../src/server/index.js';
import { codeAt } from '../../src/testing/index.js';
import { TwoFactorError } from '../../src/index.js';
import { CHEAP_SCRYPT, CountingStore, enrol, setup, STEP_MS, stored } from '../support/fixtures.js';

const N = 50;

describe('atomic single use under concurrency', () => {
  it(`${N} concurrent verify() calls with one valid TOTP code: exactly one succeeds`, async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    const results = await Promise.all(Array.from({ length: N }, () => ctx.twoFactor.verify('alice', code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // The others were told the code was used (replayed), or were throttled by those replays.
    expect(new Set(results.filter((r) => !r.ok).map((r) => (r as { reason: string }).reason))).toEqual(new Set(['replayed', 'throttled']));
    expect(await ctx.twoFactor.verify('alice', code)).toMatchObject({ ok: false });
  });

  it(`${N} concurrent verify() calls with one backup code: exactly one succeeds and the code is gone`, async () => {
    const ctx = setup();
    const { backupCodes } = await enrol(ctx);
    const results = await Promise.all(Array.from({ length: N }, () => ctx.twoFactor.verify('alice', backupCodes[0]!)));
    expect(results.filter((r) => r.ok)).toEqual([{ ok: true, method: 'backup-code', backupCodesRemaining: 9, verifiedAt: expect.any(Number) }]);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ backupCodesRemaining: 9 });
    // Each request was charged to the throttle before hashing; those that lost the race count as failures.
    ctx.clock.advance(60 * 60 * 1000);
    const again = await ctx.twoFactor.verify('alice', backupCodes[0]!);
    expect(again).toMatchObject({ ok: false, reason: 'invalid' });
    ctx.clock.advance((again as { retryAfterMs?: number }).retryAfterMs ?? 0);
    expect(await ctx.twoFactor.verify('alice', backupCodes[1]!)).toMatchObject({ ok: true });
  });

  it('10 concurrent different backup codes: every admitted one succeeds, none is lost or used twice', async () => {
    const ctx = setup({ backupCodes: { count: 10, cost: CHEAP_SCRYPT } });
    const { backupCodes } = await enrol(ctx);
    const results = await Promise.all(backupCodes.map((code) => ctx.twoFactor.verify('alice', code)));
    const used = results.filter((r) => r.ok).length;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ backupCodesRemaining: 10 - used });
    for (const r of results) if (!r.ok) expect(r.reason).toBe('throttled');
  });

  it(`${N} concurrent wrong guesses cannot outrun the throttle: only freeFailures + 1 are ever checked`, async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const good = Number(codeAt(secret, ctx.clock.now()));
    const guesses = Array.from({ length: N }, (_, i) => String((good + 1 + i) % 1_000_000).padStart(6, '0'));
    const results = await Promise.all(guesses.map((g) => ctx.twoFactor.verify('alice', g)));
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(4);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(N - 4);
    expect((await stored(ctx.store))!.record.failures).toBe(4);
  });

  it('a correct guess racing with wrong ones is refused once the wrong ones have throttled the account', async () => {
    const ctx = setup({ throttle: { freeFailures: 0 } });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const good = codeAt(secret, ctx.clock.now());
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
    // The wrong guess is decided first; when the right one retries its write, the account is throttled.
    const [first, second] = await Promise.all([ctx.twoFactor.verify('alice', wrong), ctx.twoFactor.verify('alice', good)]);
    expect(first).toMatchObject({ ok: false, reason: 'invalid' });
    expect(second).toEqual({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
  });

  it(`${N} concurrent backup-code guesses run scrypt only for the attempts the throttle admits`, async () => {
    const ctx = setup();
    await enrol(ctx);
    const results = await Promise.all(Array.from({ length: N }, (_, i) => ctx.twoFactor.verify('alice', `zzzzz-${String(i).padStart(5, 'z')}`)));
    expect(results.filter((r) => !r.ok && r.reason === 'invalid')).toHaveLength(4);
    expect(results.filter((r) => !r.ok && r.reason === 'throttled')).toHaveLength(N - 4);
  });
});

/** A real MemoryStore whose calls can be made to fail, hang or conflict on demand. */
class FaultyStore implements TwoFactorStore {
  readonly inner = new MemoryStore();
  failGet: Error | null = null;
  failWrite: Error | null = null;
  writeDelayMs = 0;
  alwaysConflict = false;
  writeResult: unknown = undefined;
  writes = 0;
  async get(userId: string): Promise<StoredRecord | null> {
    if (this.failGet) throw this.failGet;
    return this.inner.get(userId);
  }
  async compareAndSet(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
    this.writes++;
    if (this.writeDelayMs) await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
    if (this.failWrite) throw this.failWrite;
    if (this.alwaysConflict) return false;
    if (this.writeResult !== undefined) return this.writeResult as boolean;
    return this.inner.compareAndSet(userId, expectedVersion, next);
  }
}

describe('a failing store', () => {
  const faulty = () => {
    const store = new FaultyStore();
    const ctx = setup({ store: store as never });
    return { ...ctx, faulty: store };
  };

  it('a get that throws surfaces as STORE_ERROR with the cause, and nothing is written', async () => {
    const ctx = faulty();
    const { secret } = await enrol(ctx as never);
    const before = await ctx.faulty.inner.get('alice');
    const cause = new Error('connection refused');
    ctx.faulty.failGet = cause;
    ctx.clock.advance(STEP_MS);
    const error = await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorError);
    expect(error).toMatchObject({ code: 'STORE_ERROR', cause });
    expect(await ctx.faulty.inner.get('alice')).toEqual(before);
  });

  it('a compareAndSet that times out surfaces the error; the code is not consumed and no event is emitted', async () => {
    const ctx = faulty();
    const { secret } = await enrol(ctx as never);
    const before = await ctx.faulty.inner.get('alice');
    const events = ctx.events.length;
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    const timeout = Object.assign(new Error('query timed out after 50 ms'), { name: 'TimeoutError' });
    ctx.faulty.failWrite = timeout;
    ctx.faulty.writeDelayMs = 50;
    await expect(ctx.twoFactor.verify('alice', code)).rejects.toMatchObject({ code: 'STORE_ERROR', cause: timeout });
    await expect(ctx.twoFactor.verify('alice', 'k7m2p-9xq4t')).rejects.toMatchObject({ code: 'STORE_ERROR', cause: timeout });
    expect(await ctx.faulty.inner.get('alice')).toEqual(before);
    expect(ctx.events).toHaveLength(events);
    ctx.faulty.failWrite = null;
    ctx.faulty.writeDelayMs = 0;
    expect(await ctx.twoFactor.verify('alice', code)).toMatchObject({ ok: true });
  });

  it('a failing write during confirmation leaves the enrolment pending and returns no backup codes', async () => {
    const ctx = faulty();
    const enrollment = await ctx.twoFactor.beginEnrollment('alice', { accountName: 'a' });
    ctx.faulty.failWrite = new Error('disk full');
    await expect(ctx.twoFactor.confirmEnrollment('alice', codeAt(enrollment.secret, ctx.clock.now()))).rejects.toMatchObject({ code: 'STORE_ERROR' });
    ctx.faulty.failWrite = null;
    expect(await ctx.twoFactor.status('alice')).toEqual({ state: 'pending', backupCodesRemaining: 0, factors: [], locked: false });
    expect((await ctx.faulty.inner.get('alice'))!.record).toMatchObject({ factors: [], failures: 0, pending: expect.objectContaining({ label: 'Authenticator app' }) });
  });

  it(`a store that always reports a conflict gives STORE_CONFLICT after ${MAX_STORE_ATTEMPTS} attempts`, async () => {
    const ctx = faulty();
    const { secret } = await enrol(ctx as never);
    ctx.faulty.alwaysConflict = true;
    ctx.faulty.writes = 0;
    ctx.clock.advance(STEP_MS);
    await expect(ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect(ctx.faulty.writes).toBe(MAX_STORE_ATTEMPTS);
  });

  it('a compareAndSet that resolves to something other than a boolean is STORE_ERROR', async () => {
    const ctx = faulty();
    const { secret } = await enrol(ctx as never);
    ctx.faulty.writeResult = 'yes';
    ctx.clock.advance(STEP_MS);
    await expect(ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });
});

describe('onEvent cannot undo or block a change', () => {
  it('an onEvent that throws: the result stands and the code stays used', async () => {
    const store = new CountingStore();
    const ctx = setup({ store, onEvent: () => { throw new Error('audit log down'); } });
    const { secret, backupCodes } = await enrol(ctx);
    expect(await ctx.twoFactor.status('alice')).toMatchObject({ state: 'enabled' });
    expect(await ctx.twoFactor.verify('alice', backupCodes[0]!)).toMatchObject({ ok: true });
    expect(await ctx.twoFactor.verify('alice', backupCodes[0]!)).toMatchObject({ ok: false });
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.disable('alice', codeAt(secret, ctx.clock.now()))).toEqual({ ok: true });
    expect(await stored(store)).toBeNull();
  });

  it('an onEvent that rejects or never settles: results arrive, changes stand, no unhandled rejection', async () => {
    let calls = 0;
    const ctx = setup({
      onEvent: () => {
        calls++;
        return calls % 2 ? Promise.reject(new Error('queue full')) : new Promise<void>(() => {});
      },
    });
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', code)).toMatchObject({ ok: true });
    expect(await ctx.twoFactor.verify('alice', code)).toMatchObject({ ok: false, reason: 'replayed' });
    expect(calls).toBeGreaterThanOrEqual(3);
    // Give a stray rejection the chance to surface before the test ends (vitest fails on unhandled ones).
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
