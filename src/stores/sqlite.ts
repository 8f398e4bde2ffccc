// SQLite store over a better-sqlite3 `Database` the application opens and owns. The driver is never
// imported here (it is an optional peer dependency); the store only calls `prepare`/`exec` on the instance.
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { fail } from '../internal/assert.js';
import { DEFAULT_TABLE, casArguments, initialVersion, quotedTable, storeOptions, storedRow } from './sql.js';
import { assertUserId } from '../server/record/user-id.js';

/**
 * The part of a better-sqlite3 `Database` (12.x) this store uses. A `new Database(file)` satisfies it;
 * so does any synchronous driver with the same `prepare().run()/.get()` shape.
 */
export interface SqliteDatabase {
  /** Compiles one SQL statement. */
  prepare(sql: string): SqliteStatement;
  /** Runs SQL without parameters (the store's `migrate`). */
  exec(sql: string): unknown;
}

/** A prepared statement as better-sqlite3 returns it: `run` reports the changed rows, `get` the first row. */
export interface SqliteStatement {
  /** Runs the statement with `params`; `changes` is how many rows it inserted, updated or deleted. */
  run(...params: unknown[]): { changes: number | bigint };
  /** Runs the statement with `params` and returns its first row (undefined when there is none). */
  get(...params: unknown[]): unknown;
}

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Table name, default `"two_factor"`; may be schema-qualified (`"main.two_factor"`, or an `ATTACH`ed
   * database). Each part: a letter or `_`, then letters, digits or `_`, at most 63 characters. Used quoted,
   * so it keeps its case.
   */
  table?: string;
}

// ISO-8601 UTC with milliseconds, the same text SQLite's own date functions read.
const NOW_SQL = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of the SQLite store, for running or reviewing it yourself
 * (e.g. in your migration tool). {@link SqliteStore.migrate} runs exactly this.
 *
 * Columns: `user_id TEXT PRIMARY KEY`, `record TEXT` holding the JSON record (checked with `json_valid`),
 * `version INTEGER` (compare-and-set counter), `updated_at TEXT` (ISO-8601 UTC of the last write).
 *
 * @param table - table name, default `"two_factor"` (see {@link SqliteStoreOptions.table})
 * @returns one SQL statement
 * @throws TwoFactorError `INVALID_OPTION` when `table` is not a plain identifier
 *
 * @example
 * ```ts
 * console.log(sqliteSchema('two_factor'));
 * ```
 */
export function sqliteSchema(table: string = DEFAULT_TABLE): string {
  return schemaSql(quotedTable(table));
}

function schemaSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  user_id    TEXT PRIMARY KEY NOT NULL,
  record     TEXT NOT NULL CHECK (json_valid(record)),
  version    INTEGER NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (${NOW_SQL})
)`;
}

/**
 * A {@link TwoFactorStore} in one SQLite table, over a better-sqlite3 (12.x) `Database` you open.
 *
 * Every `compareAndSet` is one conditional statement (insert-if-absent, update- or delete-where-version),
 * so single use holds across processes sharing the file. Open the database in WAL mode
 * (`db.pragma('journal_mode = WAL')`) so readers never wait for the writer; better-sqlite3's default
 * `timeout` (busy_timeout) of 5000 ms makes concurrent writers queue instead of failing with SQLITE_BUSY.
 * The store changes no setting of your connection.
 *
 * Methods return promises (the service is asynchronous) but do their work synchronously, as the driver
 * does. Database failures (closed handle, SQLITE_BUSY after the timeout, disk errors) reject with the
 * driver's own error, and the row is left as it was.
 *
 * A new row starts at a random version in [1, 2^48) and every update adds 1, so a version is not reused
 * when a user's row is deleted and created again (the chance of a repeat is 2^-48 per re-creation); a
 * delete removes the row, leaving no tombstone behind.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { createTwoFactor } from '@inworkjobs/two-factor/server';
 * import { SqliteStore } from '@inworkjobs/two-factor/stores/sqlite';
 *
 * const db = new Database('app.db');
 * db.pragma('journal_mode = WAL');
 * const store = new SqliteStore(db);
 * await store.migrate();
 * const twoFactor = createTwoFactor({ store, issuer: 'InworkJobs' });
 * ```
 */
export class SqliteStore implements TwoFactorStore {
  readonly #db: SqliteDatabase;
  readonly #table: string;
  #statements: Record<'get' | 'exists' | 'insert' | 'update' | 'delete', SqliteStatement> | undefined;

  /**
   * @param db - an open better-sqlite3 `Database`; the store never closes it
   * @param options - `{ table }`
   * @throws TwoFactorError `INVALID_OPTION` for a bad `table` or a `db` without `prepare`/`exec`
   */
  constructor(db: SqliteDatabase, options?: SqliteStoreOptions) {
    if (db === null || typeof db !== 'object' || typeof db.prepare !== 'function' || typeof db.exec !== 'function') {
      fail('INVALID_OPTION', 'db', 'a better-sqlite3 Database', db);
    }
    this.#db = db;
    this.#table = storeOptions(options);
  }

  /**
   * Creates the table if it does not exist ({@link sqliteSchema}). Safe to run at every start.
   *
   * @throws the driver's error when the database cannot be written
   */
  async migrate(): Promise<void> {
    this.#db.exec(schemaSql(this.#table));
  }

  /**
   * The user's record and its version, or null when the user has none.
   *
   * @throws TwoFactorError `STORE_ERROR` when the row holds no JSON object or no integer version;
   *   the driver's error when the database fails
   */
  async get(userId: string): Promise<StoredRecord | null> {
    assertUserId(userId);
    const row = this.#prepared().get.get(userId);
    if (row === undefined) return null;
    const { record, version } = storedRow(row);
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
    const s = this.#prepared();
    if (expectedVersion === null) {
      // Nothing expected and nothing to write: it holds exactly when there is still no row.
      if (json === null) return s.exists.get(userId) === undefined;
      return Number(s.insert.run(userId, json, initialVersion()).changes) === 1;
    }
    if (json === null) return Number(s.delete.run(userId, expectedVersion).changes) === 1;
    return Number(s.update.run(json, userId, expectedVersion).changes) === 1;
  }

  // Prepared on first use, not in the constructor: the table may not exist until migrate() has run.
  #prepared() {
    if (this.#statements) return this.#statements;
    const t = this.#table;
    const db = this.#db;
    this.#statements = {
      get: db.prepare(`SELECT record, version FROM ${t} WHERE user_id = ?`),
      exists: db.prepare(`SELECT 1 AS present FROM ${t} WHERE user_id = ?`),
      insert: db.prepare(`INSERT INTO ${t} (user_id, record, version) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING`),
      update: db.prepare(`UPDATE ${t} SET record = ?, version = version + 1, updated_at = ${NOW_SQL} WHERE user_id = ? AND version = ?`),
      delete: db.prepare(`DELETE FROM ${t} WHERE user_id = ? AND version = ?`),
    };
    return this.#statements;
  }
}
