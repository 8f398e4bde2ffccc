// The storage boundary: a versioned get and an atomic compare-and-set. Everything the service does to a
// user's record is one compare-and-set, so a store needs no transactions, locks or knowledge of 2FA.
import type { TwoFactorRecord } from './types.js';

/** A record as read from a store, with the version to pass back to {@link TwoFactorStore.compareAndSet}. */
export interface StoredRecord {
  record: TwoFactorRecord;
  /** Opaque to the service; any number that changes on every write of this user's record. */
  version: number;
}

/**
 * Where the service keeps one {@link TwoFactorRecord} per user. Implement it over any database with an
 * atomic conditional write (`UPDATE … WHERE version = ?`, a transaction, a conditional put) and check the
 * implementation with `runStoreContract` from `@inworkjobs/two-factor/testing`.
 *
 * Rules an implementation must keep (the contract suite checks each):
 * - records round-trip as JSON and are copies: changing a returned or passed object never changes the stored one;
 * - every successful write gives the user's record a version different from every earlier one, **including
 *   across a delete and re-insert** (keep a per-user counter or tombstone): otherwise a request that read
 *   the record before a `reset` could overwrite the fresh record and bring a removed factor back (ABA);
 * - `compareAndSet` is atomic: of concurrent calls with the same `expectedVersion`, exactly one returns true;
 * - calls that cannot complete reject (use the driver's timeouts): the service waits for them, it has no timeout of its own.
 *
 * @example
 * ```ts
 * const store: TwoFactorStore = new MemoryStore();
 * await store.compareAndSet('user-1', null, record); // true (inserted)
 * await store.compareAndSet('user-1', null, record); // false (it exists now)
 * ```
 */
export interface TwoFactorStore {
  /** The user's record and its version, or `null` when there is none. */
  get(userId: string): Promise<StoredRecord | null>;
  /**
   * Atomic compare-and-set: write `next` (`null` deletes) only if the stored version is still
   * `expectedVersion` (`null` = no record exists). Returns false when someone else wrote first.
   */
  compareAndSet(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean>;
}

/**
 * An in-process {@link TwoFactorStore} over a `Map`: for tests, demos and single-process apps whose 2FA
 * state may vanish on restart. Records are kept as JSON text, so they are copied in and out exactly as a
 * database would; a deleted user's version counter is kept so versions never repeat.
 *
 * @example
 * ```ts
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'InworkJobs' });
 * ```
 */
export class MemoryStore implements TwoFactorStore {
  readonly #rows = new Map<string, { json: string | null; version: number }>();

  /** {@inheritDoc TwoFactorStore.get} */
  async get(userId: string): Promise<StoredRecord | null> {
    const row = this.#rows.get(userId);
    if (!row || row.json === null) return null;
    return { record: JSON.parse(row.json) as TwoFactorRecord, version: row.version };
  }

  /** {@inheritDoc TwoFactorStore.compareAndSet} */
  async compareAndSet(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
    // Serialise before the check so a record that is not JSON fails without any effect.
    const json = next === null ? null : JSON.stringify(next);
    const row = this.#rows.get(userId);
    const current = row && row.json !== null ? row.version : null;
    if (current !== expectedVersion) return false;
    if (json === null && !row) return true;
    this.#rows.set(userId, { json, version: (row?.version ?? 0) + 1 });
    return true;
  }
}
