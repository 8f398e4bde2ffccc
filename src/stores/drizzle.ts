// A store over the application's own Drizzle database (optional peer `drizzle-orm`) on node-postgres,
// mysql2 or better-sqlite3, given one of the tables of ./drizzle-tables.ts. No driver is imported.
import { and, eq, is, sql, type SQL } from 'drizzle-orm';
import { MySqlTable } from 'drizzle-orm/mysql-core';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { fail } from '../internal/assert.js';
import { lostRace } from './lost-race.js';
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
  select: (...args: any[]) => any;
  insert: (...args: any[]) => any;
  update: (...args: any[]) => any;
  delete: (...args: any[]) => any;
}

type Dialect = 'pg' | 'mysql' | 'sqlite';

// Per dialect: the time of a write, as the raw store of that engine writes it.
const NOW: Record<Dialect, SQL> = {
  pg: sql`now()`,
  mysql: sql`CURRENT_TIMESTAMP(3)`,
  sqlite: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
};

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
    const t = this.#table;
    const rows = await this.#run(() =>
      this.#db.select({ record: t.record, version: t.version }).from(t).where(eq(t.userId, assertUserId(userId))).limit(1),
    );
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
    const t = this.#table;
    // jsonb (PostgreSQL) takes the object and serialises it itself; the text columns take the JSON text.
    const record = this.#dialect === 'pg' ? next : json;
    if (expectedVersion === null) {
      // Nothing expected and nothing to write: it holds exactly when there is still no row.
      if (json === null) return (await this.get(userId)) === null;
      const insert = this.#db.insert(t).values({ userId, record, version: initialVersion() });
      return this.#changed(this.#dialect === 'mysql' ? insert : insert.onConflictDoNothing());
    }
    const matches = and(eq(t.userId, userId), eq(t.version, expectedVersion));
    if (json === null) return this.#changed(this.#db.delete(t).where(matches));
    return this.#changed(this.#db.update(t).set({ record, version: sql`${t.version} + 1`, updatedAt: NOW[this.#dialect] }).where(matches));
  }

  /** Runs a write; true when it changed exactly one row, false when it changed none or lost a race. */
  async #changed(query: any): Promise<boolean> {
    const counted = this.#dialect === 'mysql' ? query : query.returning({ version: this.#table.version });
    try {
      const result = await counted;
      if (this.#dialect !== 'mysql') return Array.isArray(result) && result.length === 1;
      return (result as [{ affectedRows?: number }])[0]?.affectedRows === 1;
    } catch (error) {
      if (lostRace(error)) return false;
      throw unwrapped(error);
    }
  }

  async #run<T>(query: () => PromiseLike<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw unwrapped(error);
    }
  }
}
