// MySQL / MariaDB store over a mysql2/promise Pool the application creates and owns. The driver is never
// imported here (it is an optional peer dependency); the store only calls `execute` on the pool.
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { fail } from '../internal/assert.js';
import { DEFAULT_TABLE, casArguments, initialVersion, quotedTable, storeOptions, storedRow } from './sql.js';
import { lostRace } from './lost-race.js';
import { mysqlTableSql, userIdKey } from './mysql-rules.js';

/**
 * The part of a `mysql2/promise` Pool (3.x) this store uses: `execute(sql, values)` resolving to
 * `[rows or result header, fields]`. A `Pool`, a `PoolConnection` and a `Connection` from `mysql2/promise`
 * satisfy it. A pool of the callback API (`mysql2`'s `createPool`, as Kysely's MysqlDialect takes) is
 * accepted too: the store uses its `promise()` wrapper.
 */
export interface MysqlPool {
  // `any[]`: mysql2 types the values as its own ExecuteValues, which unknown[] is not assignable to.
  /** mysql2's `execute`: one server-side prepared statement with its values; resolves to `[result, fields]`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  execute(sql: string, values: any[]): Promise<[unknown, unknown]>;
}

/** Options of {@link MysqlStore}. */
export interface MysqlStoreOptions {
  /**
   * Table name, default `` `two_factor` ``; may be database-qualified (`"auth.two_factor"`). Each part: a
   * letter or `_`, then letters, digits or `_`, at most 63 characters. Used quoted with backticks.
   */
  table?: string;
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of the MySQL store, for running or reviewing it yourself
 * (e.g. in your migration tool). {@link MysqlStore.migrate} runs exactly this.
 *
 * Columns: `user_id VARBINARY(1024)` primary key (the id's UTF-8 bytes: compared byte for byte, so
 * case, accents and trailing spaces all count — `utf8mb4_bin` pads trailing spaces, a binary column does
 * not), `record MEDIUMTEXT` utf8mb4 holding the JSON record (up to 16 MB, checked with `JSON_VALID`),
 * `version BIGINT` (compare-and-set counter), `updated_at TIMESTAMP(3)` (time of the last write).
 *
 * @param table - table name, default `"two_factor"` (see {@link MysqlStoreOptions.table})
 * @returns one SQL statement
 * @throws TwoFactorError `INVALID_OPTION` when `table` is not a plain identifier
 *
 * @example
 * ```ts
 * console.log(mysqlSchema('auth.two_factor'));
 * ```
 */
export function mysqlSchema(table: string = DEFAULT_TABLE): string {
  return mysqlTableSql(quotedTable(table, '`'));
}

/**
 * A {@link TwoFactorStore} in one table of MySQL 8 or MariaDB 10.6+, over a `mysql2/promise` Pool you create.
 *
 * Every `compareAndSet` is one statement: an `INSERT` (a duplicate key means the row exists: `false`),
 * or an `UPDATE`/`DELETE … WHERE user_id = ? AND version = ?` whose affected-row count says whether it
 * matched. InnoDB re-reads the row under its lock before an `UPDATE`/`DELETE` applies its `WHERE`, so of
 * concurrent writers holding one version exactly one matches, at the default REPEATABLE READ too; a
 * deadlock or MariaDB's snapshot-isolation error between racing writers also reports `false`. Statements
 * go through `execute` (server-side prepared statements), so no value is ever escaped into SQL text.
 *
 * The pool's connections must use utf8mb4 (mysql2's default charset) for records with characters outside
 * the BMP to round-trip; the user id is sent as bytes and stored exactly either way. Database failures
 * reject with the driver's own error and leave the row as it was.
 *
 * A new row starts at a random version in [1, 2^48) and every update adds 1, so a version is not reused
 * when a user's row is deleted and created again; a delete removes the row.
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * import { createTwoFactor } from '@inworkjobs/two-factor/server';
 * import { MysqlStore } from '@inworkjobs/two-factor/stores/mysql';
 *
 * const pool = mysql.createPool(process.env.DATABASE_URL!);
 * const store = new MysqlStore(pool);
 * await store.migrate();
 * const twoFactor = createTwoFactor({ store, issuer: 'InworkJobs' });
 * ```
 */
export class MysqlStore implements TwoFactorStore {
  readonly #pool: MysqlPool;
  readonly #sql: Record<'schema' | 'get' | 'insert' | 'update' | 'delete', string>;

  /**
   * @param pool - a `mysql2/promise` Pool (or Connection, or a callback-API pool); the store never ends it
   * @param options - `{ table }`
   * @throws TwoFactorError `INVALID_OPTION` for a bad `table` or a `pool` without `execute`
   */
  constructor(pool: MysqlPool | { promise(): MysqlPool }, options?: MysqlStoreOptions) {
    // The callback API's pool and connection have promise(); the promise API's have none.
    const promised = typeof (pool as { promise?: unknown } | null)?.promise === 'function' ? (pool as { promise(): MysqlPool }).promise() : pool;
    if (promised === null || typeof promised !== 'object' || typeof (promised as MysqlPool).execute !== 'function') {
      fail('INVALID_OPTION', 'pool', 'a mysql2/promise Pool', pool);
    }
    this.#pool = promised as MysqlPool;
    const t = storeOptions(options, '`');
    this.#sql = {
      schema: mysqlTableSql(t),
      get: `SELECT record, version FROM ${t} WHERE user_id = ?`,
      insert: `INSERT INTO ${t} (user_id, record, version) VALUES (?, ?, ?)`,
      update: `UPDATE ${t} SET record = ?, version = version + 1, updated_at = CURRENT_TIMESTAMP(3) WHERE user_id = ? AND version = ?`,
      delete: `DELETE FROM ${t} WHERE user_id = ? AND version = ?`,
    };
  }

  /**
   * Creates the table if it does not exist ({@link mysqlSchema}). Safe to run at every start.
   *
   * @throws the driver's error (no privilege, unknown database, server unreachable)
   */
  async migrate(): Promise<void> {
    await this.#run(this.#sql.schema, []);
  }

  /**
   * The user's record and its version, or null when the user has none.
   *
   * @throws TwoFactorError `STORE_ERROR` when the row holds no JSON object or no integer version;
   *   `INVALID_OPTION` for a malformed user id; the driver's error when the database fails
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const rows = await this.#run(this.#sql.get, [userIdKey(userId)]);
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
    const key = userIdKey(userId);
    if (expectedVersion === null) {
      // Nothing expected and nothing to write: it holds exactly when there is still no row.
      if (json === null) return (await this.get(userId)) === null;
      return (await this.#write(this.#sql.insert, [key, json, initialVersion()])) === 1;
    }
    if (json === null) return (await this.#write(this.#sql.delete, [key, expectedVersion])) === 1;
    return (await this.#write(this.#sql.update, [json, key, expectedVersion])) === 1;
  }

  /** A write's affected-row count; 0 when it lost a race (a duplicate key, a deadlock: see lost-race.ts). */
  async #write(sql: string, values: unknown[]): Promise<number> {
    try {
      const header = (await this.#run(sql, values)) as { affectedRows?: unknown };
      if (typeof header?.affectedRows !== 'number') fail('STORE_ERROR', 'affectedRows', 'a number', header?.affectedRows);
      return header.affectedRows;
    } catch (error) {
      if (lostRace(error)) return 0;
      throw error;
    }
  }

  async #run(sql: string, values: unknown[]): Promise<unknown> {
    const pending = this.#pool.execute(sql, values) as unknown;
    // The callback API returns a Query object, not a promise: refuse it instead of waiting forever.
    if (typeof (pending as { then?: unknown } | null)?.then !== 'function') fail('INVALID_OPTION', 'pool', 'a mysql2/promise Pool (pool.promise())', pending);
    const [result] = await (pending as Promise<[unknown, unknown]>);
    return result;
  }
}
