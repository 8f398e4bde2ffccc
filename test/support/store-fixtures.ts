// Records, names and stores shared by the store tests.
import { MemoryStore } from '../../src/server/index.js';

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

/**
 * A MemoryStore whose reads wait for the event loop, as a read over a network does. On a plain MemoryStore
 * each in-process call reads and writes before the next one reads, so a race check there could not fail.
 */
export class YieldingMemoryStore extends MemoryStore {
  override async get(userId: string): ReturnType<MemoryStore['get']> {
    await new Promise((resolve) => setImmediate(resolve));
    return super.get(userId);
  }
}

/** A {@link YieldingMemoryStore} whose compareAndSet ignores the version: every writer "wins", as a store without atomicity would. */
export class LastWriterWins extends YieldingMemoryStore {
  override async compareAndSet(userId: string, _expected: number | null, next: Parameters<MemoryStore['compareAndSet']>[2]): Promise<boolean> {
    const current = await super.get(userId);
    return super.compareAndSet(userId, current?.version ?? null, next);
  }
}
