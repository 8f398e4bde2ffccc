// A store over the application's own Drizzle database (optional peer `drizzle-orm`) on node-postgres,
// mysql2 or better-sqlite3, given one of the tables of ./drizzle-tables.ts. No driver is imported.
import { and, eq, is, sql, type SQL } from 'drizzle-orm';
import { MySqlTable } from 'drizzle-orm/mysql-core';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { fail } from '../internal/assert.js';
import { lostRace } from './lost-race.js';
import { userIdKey } from './mysql-rules.js';
import { assertUserId, casArguments, initialVersion, storedRow } from './sql.js';
import type { mysqlTwoFactorTable, pgTwoFactorTable, sqliteTwoFactorTable } from './drizzle-tables.js';

export { mysqlTwoFactorTable, pgTwoFactorTable, sqliteTwoFactorTable } from './drizzle-tables.js';

/** One of the tables made by {@link pgTwoFactorTable}, {@link mysqlTwoFactorTable} or {@link sqliteTwoFactorTable}. */
export type DrizzleTwoFactorTable = ReturnType<typeof pgTwoFactorTable> | ReturnType<typeof mysqlTwoFactorTable> | ReturnType<typeof sqliteTwoFactorTable>;

/**
 * The part of a Drizzle database this store uses: `select`, `insert`, `update`, `delete` (a
 * `drizzle(pool)` of `drizzle-orm/node-postgres`, `drizzle-orm/mysql2` or `drizzle-orm/better-sqlite3`).
 */
export interface DrizzleDatabase {
  /** Drizzle's query builder for reads. */
  select: (...args: any[]) => any;
  /** Drizzle's query builder for inserts. */
  insert: (...args: any[]) => any;
  /** Drizzle's query builder for updates. */
  update: (...args: any[]) => any;
  /** Drizzle's query builder for deletes. */
  delete: (...args: any[]) => any;
}

type Dialect = 'pg' | 'mysql' | 'sqlite';

// Per dialect: the time of a write, as the raw store of that engine writes it.
const NOW: Record<Dialect, SQL> = {
  pg: sql`now()`,
  mysql: sql`CURRENT_TIMESTAMP(3)`,
  sqlite: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
};

let storeCount = 0;

function dialectOf(table: unknown): Dialect {
  const columns = table as Partial<Record<'userId' | 'record' | 'version' | 'updatedAt', unknown>> | null;
  const complete = columns !== null && typeof columns === 'object' && ['userId', 'record', 'version', 'updatedAt'].every((c) => c in columns);
  if (complete && is(table, PgTable)) return 'pg';
  if (complete && is(table, MySqlTable)) return 'mysql';
  if (complete && is(table, SQLiteTable)) return 'sqlite';
  fail('INVALID_OPTION', 'table', 'a table of pgTwoFactorTable, mysqlTwoFactorTable or sqliteTwoFactorTable', table);
}

/**
 * Drizzle wraps a driver error in a DrizzleQueryError whose message lists the query's parameters — the
 * user id and the record. The store rethrows the driver's own error instead, so no record reaches a log.
 */
function unwrapped(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return (error as { name?: unknown } | null)?.constructor?.name === 'DrizzleQueryError' && cause !== undefined ? cause : error;
}

/**
 * A {@link TwoFactorStore} in one table of your Drizzle schema, over your Drizzle database (drizzle-orm
 * 0.45) on PostgreSQL (`node-postgres`), MySQL 8 / MariaDB (`mysql2`) or SQLite (`better-sqlite3`).
 *
 * Its statements are prepared once (on PostgreSQL as named statements), so Drizzle builds no SQL per call.
 * Every `compareAndSet` is one statement: an insert that does nothing on conflict (MySQL: a plain insert
 * whose duplicate key means `false`), or an update/delete `WHERE user_id = ? AND version = ?` whose
 * affected rows (`RETURNING` on PostgreSQL and SQLite, `affectedRows` on MySQL) say whether it matched.
 * A lost race reported as an error (PostgreSQL 40001, a MySQL deadlock) is `false`. Pass the root
 * database, not a transaction: each call must be its own statement.
 *
 * The store never closes your connection. Database failures reject with the driver's own error (not
 * Drizzle's wrapper, whose message would carry the record) and leave the row as it was.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { drizzle } from 'drizzle-orm/node-postgres';
 * import { createTwoFactor } from '@inworkjobs/two-factor/server';
 * import { DrizzleStore, pgTwoFactorTable } from '@inworkjobs/two-factor/stores/drizzle';
 *
 * // In your schema file, for drizzle-kit: export const twoFactorTable = pgTwoFactorTable();
 * const twoFactorTable = pgTwoFactorTable();
 * const db = drizzle(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * const twoFactor = createTwoFactor({ store: new DrizzleStore(db, twoFactorTable), issuer: 'InworkJobs' });
 * ```
 */
export class DrizzleStore implements TwoFactorStore {
  readonly #db: DrizzleDatabase;
  readonly #table: any;
  readonly #dialect: Dialect;
  #queries: Record<'get' | 'insert' | 'update' | 'delete', { execute(values: Record<string, unknown>): PromiseLike<unknown> }> | undefined;

  /**
   * @param db - your Drizzle database; the store never closes its connection
   * @param table - the table from your schema file ({@link pgTwoFactorTable} and its siblings)
   * @throws TwoFactorError `INVALID_OPTION` for a `db` without the query builders or a `table` not made by those functions
   */
  constructor(db: DrizzleDatabase, table: DrizzleTwoFactorTable) {
    if (db === null || typeof db !== 'object' || !(['select', 'insert', 'update', 'delete'] as const).every((m) => typeof db[m] === 'function')) {
      fail('INVALID_OPTION', 'db', 'a Drizzle database (node-postgres, mysql2 or better-sqlite3)', db);
    }
    this.#dialect = dialectOf(table);
    this.#db = db;
    this.#table = table;
  }

  /**
   * The user's record and its version, or null when the user has none.
   *
   * @throws TwoFactorError `STORE_ERROR` when the row holds no JSON object or no integer version;
   *   `INVALID_OPTION` for a malformed user id; the driver's error when the database fails
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const rows = await this.#run('get', { userId: this.#key(userId) });
    if (!Array.isArray(rows) || rows.length === 0) return null;
    const { record, version } = storedRow(rows[0]);
    return { record: record as unknown as TwoFactorRecord, version };
  }

  /**
   * Writes `next` (null deletes) only if the stored version is still `expectedVersion` (null = no row).
   * One statement, no read-then-write window.
   *
   * @returns true when written; false when the row changed (or appeared, or vanished) since it was read
   * @throws TwoFactorError `INVALID_OPTION` for malformed arguments; the driver's error when the database fails
   */
  async compareAndSet(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
    const json = casArguments(userId, expectedVersion, next);
    const key = this.#key(userId);
    if (expectedVersion === null) {
      // Nothing expected and nothing to write: it holds exactly when there is still no row.
      if (json === null) return (await this.get(userId)) === null;
      return this.#changed('insert', { userId: key, record: json, version: initialVersion() });
    }
    if (json === null) return this.#changed('delete', { userId: key, version: expectedVersion });
    return this.#changed('update', { userId: key, record: json, version: expectedVersion });
  }

  /** Runs a prepared write; true when it changed exactly one row, false when it changed none or lost a race. */
  async #changed(name: 'insert' | 'update' | 'delete', values: Record<string, unknown>): Promise<boolean> {
    try {
      const result = await this.#prepared()[name].execute(values);
      // PostgreSQL and SQLite count the RETURNING rows; MySQL has no RETURNING: its result header counts.
      if (this.#dialect !== 'mysql') return Array.isArray(result) && result.length === 1;
      return (result as [{ affectedRows?: number }])[0]?.affectedRows === 1;
    } catch (error) {
      if (lostRace(error)) return false;
      throw unwrapped(error);
    }
  }

  async #run(name: 'get', values: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.#prepared()[name].execute(values);
    } catch (error) {
      throw unwrapped(error);
    }
  }

  // Placeholders skip a column's own encoding, so values go in as the driver takes them: MySQL's key as
  // bytes (the VARBINARY column), the record as JSON text (PostgreSQL casts it to jsonb).
  #key(userId: unknown): unknown {
    return this.#dialect === 'mysql' ? userIdKey(userId) : assertUserId(userId);
  }

  // Prepared once, on first use: Drizzle then builds no SQL per call (on PostgreSQL, named statements
  // that each connection parses once). Names are unique per store, as PostgreSQL requires per connection.
  #prepared() {
    if (this.#queries) return this.#queries;
    const t = this.#table;
    const p = (name: string) => sql.placeholder(name);
    const id = `two_factor_${(++storeCount).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const prepare = (query: any, name: string) => (this.#dialect === 'pg' ? query.prepare(`${id}_${name}`) : query.prepare());
    const counted = (query: any) => (this.#dialect === 'mysql' ? query : query.returning({ version: t.version }));
    const matches = and(eq(t.userId, p('userId')), eq(t.version, p('version')));
    const insert = this.#db.insert(t).values({ userId: p('userId'), record: p('record'), version: p('version') });
    this.#queries = {
      get: prepare(this.#db.select({ record: t.record, version: t.version }).from(t).where(eq(t.userId, p('userId'))).limit(1), 'get'),
      insert: prepare(counted(this.#dialect === 'mysql' ? insert : insert.onConflictDoNothing()), 'insert'),
      update: prepare(counted(this.#db.update(t).set({ record: p('record'), version: sql`${t.version} + 1`, updatedAt: NOW[this.#dialect] }).where(matches)), 'update'),
      delete: prepare(counted(this.#db.delete(t).where(matches)), 'delete'),
    };
    return this.#queries;
  }
}
