// The conformance suite every TwoFactorStore must pass. It runs under the caller's test runner (vitest,
// jest, …): the runner's describe/it/expect are passed in, so this entry never imports a test framework
// and loads from CommonJS and ESM alike.
import type { TwoFactorStore } from '../server/record/store.js';
import type { TwoFactorRecord } from '../server/record/types.js';
import { enabledRecord, pendingRecord } from './contract-records.js';

/** The matchers of `expect` the suite uses (vitest's and jest's `expect` both provide them). */
export interface ContractMatchers {
  /** Passes when the value is `expected` (`Object.is`). */
  toBe(expected: unknown): void;
  /** Passes when the value deeply equals `expected`. */
  toEqual(expected: unknown): void;
  /** Passes when the value is `null`. */
  toBeNull(): void;
  /** Passes when the value's `length` is `length`. */
  toHaveLength(length: number): void;
  /** The same matchers, negated. */
  readonly not: ContractMatchers;
}

/** The test runner's functions, e.g. `import { describe, it, expect } from 'vitest'`. */
export interface ContractTestApi {
  /** Groups the tests registered in `body` under `name`. */
  describe(name: string, body: () => void): void;
  /** Registers one test; `body` resolves when it passed and rejects (or throws) when it failed. */
  it(name: string, body: () => Promise<void>): void;
  /** Starts an assertion on `actual`. */
  expect(actual: unknown): ContractMatchers;
}

/** Options of {@link runStoreContract}. */
export interface StoreContractOptions<S extends TwoFactorStore> extends ContractTestApi {
  /** Called after each test with the store it used (close connections, drop tables). */
  teardown?: (store: S) => void | Promise<void>;
  /** Parallel compare-and-set calls in the race tests; default 20. */
  concurrency?: number;
}

let counter = 0;
// Fresh user ids per test, so a store backed by a shared database needs no cleaning between tests.
const freshUser = (label: string): string =>
  `contract-${label}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/**
 * Registers the {@link TwoFactorStore} conformance suite with your test runner: round trip, versions, conflicts,
 * deletion, version uniqueness across delete and re-insert, copying, and concurrent compare-and-set
 * (exactly one winner). Call it at the top level of a test file; `makeStore` is called once per test.
 *
 * @param name - shown in the suite title, e.g. `'SqliteStore'`
 * @param makeStore - returns a ready store (it may share a database across tests: user ids are unique)
 * @param options - the runner's `describe`, `it` and `expect`; `teardown` after each test, `concurrency`
 *   of the race tests (default 20)
 *
 * @example
 * ```ts
 * // test/my-store.test.ts
 * import Database from 'better-sqlite3';
 * import { describe, it, expect } from 'vitest';
 * import { runStoreContract } from '@inworkjobs/two-factor/testing';
 * import { SqliteStore } from '@inworkjobs/two-factor/stores/sqlite';
 *
 * runStoreContract('SqliteStore', async () => {
 *   const store = new SqliteStore(new Database(':memory:'));
 *   await store.migrate();
 *   return store;
 * }, { describe, it, expect });
 * ```
 */
export function runStoreContract<S extends TwoFactorStore>(
  name: string,
  makeStore: () => S | Promise<S>,
  options: StoreContractOptions<S>,
): void {
  const { describe, it, expect } = options;
  const concurrency = options.concurrency ?? 20;
  const withStore = (title: string, body: (store: S) => Promise<void>): void => {
    it(title, async () => {
      const store = await makeStore();
      try {
        await body(store);
      } finally {
        await options.teardown?.(store);
      }
    });
  };

  const suite: Suite<S> = { withStore, expect, concurrency };
  describe(`TwoFactorStore contract: ${name}`, () => {
    readsAndWrites(suite);
    optionalFields(suite);
    deletesAndVersions(suite);
    isolation(suite);
    races(suite);
  });
}

/** What each group of contract tests needs: a test with a fresh store, `expect`, the race size. */
interface Suite<S extends TwoFactorStore> {
  withStore: (title: string, body: (store: S) => Promise<void>) => void;
  expect: ContractTestApi['expect'];
  concurrency: number;
}

/** Reads, inserts and versioned updates. */
function readsAndWrites<S extends TwoFactorStore>({ withStore, expect }: Suite<S>): void {
  withStore('get of an unknown user is null', async (store) => {
    expect(await store.get(freshUser('unknown'))).toBeNull();
  });


  withStore('a record inserted with expectedVersion null reads back JSON-equal, with a numeric version', async (store) => {
    const user = freshUser('insert');
    const record = pendingRecord();
    expect(await store.compareAndSet(user, null, record)).toBe(true);
    const read = await store.get(user);
    expect(read).not.toBeNull();
    expect(read!.record).toEqual(json(record));
    expect(typeof read!.version).toBe('number');
    expect(Number.isFinite(read!.version)).toBe(true);
  });


  withStore('expectedVersion null when a record exists is refused and changes nothing', async (store) => {
    const user = freshUser('insert-twice');
    await store.compareAndSet(user, null, pendingRecord());
    const before = await store.get(user);
    expect(await store.compareAndSet(user, null, enabledRecord(1))).toBe(false);
    expect(await store.get(user)).toEqual(before);
  });


  withStore('an update with the current version succeeds and changes the version', async (store) => {
    const user = freshUser('update');
    await store.compareAndSet(user, null, pendingRecord());
    const first = (await store.get(user))!;
    expect(await store.compareAndSet(user, first.version, enabledRecord(5))).toBe(true);
    const second = (await store.get(user))!;
    expect(second.record).toEqual(json(enabledRecord(5)));
    expect(second.version).not.toBe(first.version);
  });


  withStore('an update with a stale or made-up version is refused and changes nothing', async (store) => {
    const user = freshUser('stale');
    await store.compareAndSet(user, null, pendingRecord());
    const first = (await store.get(user))!;
    await store.compareAndSet(user, first.version, enabledRecord(1));
    const current = (await store.get(user))!;
    expect(await store.compareAndSet(user, first.version, enabledRecord(2))).toBe(false);
    expect(await store.compareAndSet(user, current.version + 1000, enabledRecord(3))).toBe(false);
    expect(await store.get(user)).toEqual(current);
  });


  withStore('a versioned write to an absent user is refused and creates nothing', async (store) => {
    const user = freshUser('absent');
    expect(await store.compareAndSet(user, 1, enabledRecord(1))).toBe(false);
    expect(await store.get(user)).toBeNull();
  });

}

/** Fields a record may or may not carry keep exactly what was written. */
function optionalFields<S extends TwoFactorStore>({ withStore, expect }: Suite<S>): void {
  withStore('optional fields (trusted devices) round-trip, and an update that drops them drops them', async (store) => {
    const user = freshUser('devices');
    const device = { id: 'AAAAAAAAAAAAAAAAAAAAAA', hash: 'LXEWQrcmsEQBYnyp-6wy9chTD7GQPMTbAiWHF5IaSIE', label: 'Zoë’s “laptop”', createdAt: 1_767_225_600_000, expiresAt: 1_769_817_600_000 };
    const withDevices: TwoFactorRecord = { ...enabledRecord(7), devices: [device, { ...device, id: 'AQEBAQEBAQEBAQEBAQEBAQ', label: '', lastUsedAt: 1_767_229_200_000 }] };
    await store.compareAndSet(user, null, withDevices);
    const read = (await store.get(user))!;
    expect(read.record).toEqual(json(withDevices));
    expect(await store.compareAndSet(user, read.version, enabledRecord(8))).toBe(true);
    expect((await store.get(user))!.record).toEqual(json(enabledRecord(8)));
  });
}

/** Deletes, version uniqueness across them, and copying. */
function deletesAndVersions<S extends TwoFactorStore>({ withStore, expect }: Suite<S>): void {
  withStore('next null deletes with the current version; a stale delete is refused', async (store) => {
    const user = freshUser('delete');
    await store.compareAndSet(user, null, pendingRecord());
    const first = (await store.get(user))!;
    await store.compareAndSet(user, first.version, enabledRecord(1));
    expect(await store.compareAndSet(user, first.version, null)).toBe(false);
    expect((await store.get(user))?.record).toEqual(json(enabledRecord(1)));
    const current = (await store.get(user))!;
    expect(await store.compareAndSet(user, current.version, null)).toBe(true);
    expect(await store.get(user)).toBeNull();
  });


  withStore('versions never repeat, across delete and re-insert too (no ABA)', async (store) => {
    const user = freshUser('aba');
    const seen: number[] = [];
    for (let round = 0; round < 3; round++) {
      expect(await store.compareAndSet(user, null, pendingRecord())).toBe(true);
      const inserted = (await store.get(user))!;
      seen.push(inserted.version);
      expect(await store.compareAndSet(user, inserted.version, enabledRecord(round))).toBe(true);
      const updated = (await store.get(user))!;
      seen.push(updated.version);
      expect(await store.compareAndSet(user, updated.version, null)).toBe(true);
    }
    expect(new Set(seen).size).toBe(seen.length);
    // A request that read the record before the deletes must not be able to overwrite the new one.
    expect(await store.compareAndSet(user, null, pendingRecord())).toBe(true);
    for (const old of seen) expect(await store.compareAndSet(user, old, enabledRecord(99))).toBe(false);
    expect((await store.get(user))!.record).toEqual(json(pendingRecord()));
  });


  withStore('records are copies: changing a passed or returned object changes nothing stored', async (store) => {
    const user = freshUser('copies');
    const record = enabledRecord(10);
    await store.compareAndSet(user, null, record);
    (record.factors[0] as { lastStep: number }).lastStep = 11;
    record.backupCodesUsed.push(3);
    const read = (await store.get(user))!;
    expect((read.record.factors[0] as { lastStep: number }).lastStep).toBe(10);
    (read.record.factors[0] as { lastStep: number }).lastStep = 12;
    read.record.backupCodesUsed.push(4);
    read.record.failures = 99;
    const again = (await store.get(user))!;
    expect(again.record).toEqual(json(enabledRecord(10)));
    expect(again.version).toBe(read.version);
  });

}

/** Users are kept apart, whatever their ids. */
function isolation<S extends TwoFactorStore>({ withStore, expect }: Suite<S>): void {
  withStore('users are independent', async (store) => {
    const a = freshUser('a');
    const b = freshUser('b');
    await store.compareAndSet(a, null, pendingRecord());
    await store.compareAndSet(b, null, enabledRecord(1));
    const readA = (await store.get(a))!;
    expect(await store.compareAndSet(a, readA.version, null)).toBe(true);
    expect(await store.get(a)).toBeNull();
    expect((await store.get(b))!.record).toEqual(json(enabledRecord(1)));
  });


  withStore('user ids of 256 characters, with spaces, quotes and non-ASCII, are kept apart exactly', async (store) => {
    const base = freshUser('ids');
    const ids = [
      `${base} "quoted" 'x'; DROP TABLE users; --`,
      `${base} ÄÖÜ ß 用户 🔐`,
      (base + 'x'.repeat(256)).slice(0, 256),
      (base + 'x'.repeat(256)).slice(0, 255),
    ];
    for (const [i, id] of ids.entries()) expect(await store.compareAndSet(id, null, enabledRecord(i))).toBe(true);
    for (const [i, id] of ids.entries()) expect(((await store.get(id))!.record.factors[0] as { lastStep: number }).lastStep).toBe(i);
  });

}

/** Concurrent compare-and-set: exactly one winner. */
function races<S extends TwoFactorStore>({ withStore, expect, concurrency }: Suite<S>): void {
  withStore(`of ${concurrency} concurrent updates with one expected version, exactly one wins`, async (store) => {
    const user = freshUser('race');
    await store.compareAndSet(user, null, pendingRecord());
    const { version } = (await store.get(user))!;
    const results = await Promise.all(
      Array.from({ length: concurrency }, (_, i) => store.compareAndSet(user, version, enabledRecord(1000 + i))),
    );
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    expect(winners).toHaveLength(1);
    expect((await store.get(user))!.record).toEqual(json(enabledRecord(1000 + winners[0]!)));
  });


  withStore(`of ${concurrency} concurrent inserts, exactly one wins`, async (store) => {
    const user = freshUser('insert-race');
    const results = await Promise.all(
      Array.from({ length: concurrency }, (_, i) => store.compareAndSet(user, null, enabledRecord(2000 + i))),
    );
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    expect(winners).toHaveLength(1);
    expect((await store.get(user))!.record).toEqual(json(enabledRecord(2000 + winners[0]!)));
  });


  withStore(`of ${concurrency} concurrent deletes and updates with one expected version, exactly one wins`, async (store) => {
    const user = freshUser('delete-race');
    await store.compareAndSet(user, null, enabledRecord(1));
    const { version } = (await store.get(user))!;
    const results = await Promise.all(
      Array.from({ length: concurrency }, (_, i) => store.compareAndSet(user, version, i % 2 === 0 ? null : enabledRecord(3000 + i))),
    );
    const winners = results.flatMap((won, i) => (won ? [i] : []));
    expect(winners).toHaveLength(1);
    const after = await store.get(user);
    if (winners[0]! % 2 === 0) expect(after).toBeNull();
    else expect(after!.record).toEqual(json(enabledRecord(3000 + winners[0]!)));
  });
}
