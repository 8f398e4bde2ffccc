// Records, names and stores shared by the store tests.
import { MemoryStore, type TwoFactorStore } from '../../src/server/index.js';

/** A well-formed pending record, the one the store contract suite writes; `n` makes each one distinct. */
export { pendingRecord } from '../../src/testing/contract-records.js';

/** Table names that must be refused: each would change the SQL if it were pasted in. */
export const HOSTILE_TABLES: unknown[] = [
  'two_factor"; DROP TABLE victim; --',
  'victim; DELETE FROM victim',
  'two_factor" (x) --',
  "two_factor'",
  'a.b.c',
  '.two_factor',
  'two_factor.',
  '1table',
  'two factor',
  'two-factor',
  'tä',
  '',
  'x'.repeat(64),
  'two_factor\u0000',
  'two_factor\n',
  42,
  null,
  {},
];

/** Table names that must work, used quoted. */
export const GOOD_TABLES = ['two_factor', '_t', 'T2fa_Mixed', 'order', 'x'.repeat(63)];

let counter = 0;
/** A table name no other test in this process uses. */
export const freshTable = (prefix = 't') => `${prefix}_${process.pid}_${++counter}`;

/** Resolves after the event loop has turned once. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A MemoryStore whose reads answer one event-loop turn late, as a read over a network does: concurrent
 * calls all read before any of them writes. On a plain MemoryStore each in-process call reads and writes
 * before the next one reads, so a race check there could not fail.
 */
export class YieldingMemoryStore extends MemoryStore {
  override async get(userId: string): ReturnType<MemoryStore['get']> {
    const stored = await super.get(userId);
    await nextTurn();
    return stored;
  }
}

/** A {@link YieldingMemoryStore} whose compareAndSet ignores the version: every writer "wins", as a store without atomicity would. */
export class LastWriterWins extends YieldingMemoryStore {
  override async compareAndSet(userId: string, _expected: number | null, next: Parameters<MemoryStore['compareAndSet']>[2]): Promise<boolean> {
    const current = await MemoryStore.prototype.get.call(this, userId);
    return super.compareAndSet(userId, current?.version ?? null, next);
  }
}

/** `store` with each read answering one event-loop turn late, like {@link YieldingMemoryStore}: for stores whose reads never wait (better-sqlite3 is synchronous). */
export function yieldingReads(store: TwoFactorStore): TwoFactorStore {
  return {
    get: async (userId) => {
      const stored = await store.get(userId);
      await nextTurn();
      return stored;
    },
    compareAndSet: (userId, expectedVersion, next) => store.compareAndSet(userId, expectedVersion, next),
  };
}
