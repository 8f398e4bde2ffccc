// The one home of the test fixtures: times, the cheap scrypt cost, services over a hand-moved clock, and
// helpers to enrol users and look at what a store holds. No vitest import: the cross-process store
// workers bundle this file.
import { createTwoFactor, MemoryStore, type TwoFactor, type TwoFactorEvent, type TwoFactorOptions, type TwoFactorStore, type TwoFactorRecord, type StoredRecord } from '../../src/server/index.js';
import { codeAt, FAST_BACKUP_CODE_COST, ManualClock } from '../../src/testing/index.js';

// The library's own test helpers (what users get from `@inworkjobs/two-factor/testing`).
export { ManualClock, codeAt };

/** The cheapest scrypt cost hashBackupCodes accepts (1 MiB), as users' suites get it from `/testing`; production uses the default. */
export const CHEAP_SCRYPT = FAST_BACKUP_CODE_COST;
/** 2026-01-01T00:00:00Z, the start of a 30 s step. */
export const T0_MS = Date.UTC(2026, 0, 1);
/** Five seconds into that step. */
export const START_MS = T0_MS + 5_000;
export const STEP_MS = 30_000;

/** A MemoryStore that counts the calls reaching it (a spy on a real store, not a mock). */
export class CountingStore implements TwoFactorStore {
  readonly inner = new MemoryStore();
  gets = 0;
  writes = 0;
  get(userId: string): Promise<StoredRecord | null> {
    this.gets++;
    return this.inner.get(userId);
  }
  compareAndSet(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
    this.writes++;
    return this.inner.compareAndSet(userId, expectedVersion, next);
  }
}

/** A service over a CountingStore at START_MS, recording every event. */
export function setup(options: Partial<TwoFactorOptions> = {}) {
  const clock = new ManualClock(START_MS);
  const store = (options.store as CountingStore | undefined) ?? new CountingStore();
  const events: TwoFactorEvent[] = [];
  const twoFactor = createTwoFactor({
    issuer: 'InworkJobs',
    now: clock.now,
    backupCodes: { cost: CHEAP_SCRYPT },
    onEvent: (event) => {
      events.push(event);
    },
    ...options,
    store,
  });
  return { clock, store, events, twoFactor };
}

type Context = ReturnType<typeof setup>;

/** Enrols and confirms `userId`; returns the secret and the backup codes. The clock is left on the confirming step. */
export async function enrol({ twoFactor, clock }: Context, userId = 'alice', totp?: Parameters<typeof codeAt>[2]) {
  const enrollment = await twoFactor.beginEnrollment(userId, { accountName: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, codeAt(enrollment.secret, clock.now(), totp));
  if (!confirmed.ok) throw new Error(`enrolment failed: ${confirmed.reason}`);
  return { secret: enrollment.secret, backupCodes: confirmed.backupCodes, enrollment };
}

/**
 * The service over any `store`, reading `clock`, for the store suites and workers. Throttling is set so
 * that the losers of a race (each a counted failure) never turn the next round into `'throttled'`.
 */
export function serviceOn(store: TwoFactorStore, clock: ManualClock): TwoFactor {
  return createTwoFactor({
    store,
    issuer: 'Store tests',
    now: clock.now,
    throttle: { freeFailures: 100, baseDelayMs: 1, maxDelayMs: 1 },
    backupCodes: { cost: CHEAP_SCRYPT },
  });
}

/** Enrols and confirms `userId` at `clock.now()`, then moves the clock one step on so the next code is fresh. */
export async function enableUser(twoFactor: TwoFactor, clock: ManualClock, userId: string) {
  const { secret } = await twoFactor.beginEnrollment(userId, { accountName: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, codeAt(secret, clock.now()));
  if (!confirmed.ok) throw new Error(`enrolment of ${userId} failed: ${confirmed.reason}`);
  clock.advance(STEP_MS);
  return { secret, backupCodes: confirmed.backupCodes };
}

/** Another 6-digit code: the one after `code`, wrapping at 999999. */
export const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** A 6-digit code that is not the code of any step in the ±`window` steps around `nowMs`: wrong for certain, not by chance. */
export function wrongCodeAt(secret: string, nowMs: number, window = 1): string {
  const valid = new Set(Array.from({ length: 2 * window + 1 }, (_, i) => codeAt(secret, nowMs + (i - window) * STEP_MS)));
  let n = 0;
  while (valid.has(String(n).padStart(6, '0'))) n++;
  return String(n).padStart(6, '0');
}

/** The record with the secret of its first factor replaced (a database writer's edit). */
export function withFactorSecret(record: TwoFactorRecord, secret: TwoFactorRecord['factors'][number]['secret']): TwoFactorRecord {
  return { ...record, factors: record.factors.map((factor, i) => (i === 0 ? { ...factor, secret } : factor)) };
}

/** The stored record of `userId`, read straight from the store. */
export async function stored(store: CountingStore, userId = 'alice'): Promise<StoredRecord | null> {
  return store.inner.get(userId);
}

/** Replaces the stored record of `userId` through the store's own compare-and-set. */
export async function overwrite(store: CountingStore, userId: string, change: (record: TwoFactorRecord) => TwoFactorRecord): Promise<void> {
  const current = await store.inner.get(userId);
  if (!current) throw new Error('no record');
  if (!(await store.inner.compareAndSet(userId, current.version, change(current.record)))) throw new Error('lost a race in a test');
}
