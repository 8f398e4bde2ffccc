// A store over the application's own Kysely instance (optional peer `kysely`), on its PostgreSQL, MySQL
// and SQLite dialects. The table is the one the raw store of the same engine creates, so an app can move
// between PostgresStore/MysqlStore/SqliteStore and this store without moving data. No driver is imported.
import { MysqlAdapter, PostgresAdapter, SqliteAdapter, sql, type Kysely } from 'kysely';
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { fail, optionsObject } from '../internal/assert.js';
import { lostRace } from './lost-race.js';
import { mysqlTableSql, userIdKey } from './mysql-rules.js';
import { postgresSchema } from './postgres.js';
import { DEFAULT_TABLE, assertUserId, casArguments, initialVersion, quotedTable, storedRow, tableParts } from './sql.js';
import { sqliteSchema } from './sqlite.js';

/** The SQL dialects the store speaks, as Kysely's adapter names them. */
export type KyselyDialectName = 'postgres' | 'mysql' | 'sqlite';

/** Options of {@link KyselyStore}. */
export interface KyselyStoreOptions {
  /**
   * Table name, default `"two_factor"`; may be schema-qualified (`"auth.two_factor"`). Each part: a letter
   * or `_`, then letters, digits or `_`, at most 63 characters.
   */
  table?: string;
}

const ADAPTERS: [KyselyDialectName, abstract new () => unknown, string][] = [
  ['postgres', PostgresAdapter, 'PostgresAdapter'],
  ['mysql', MysqlAdapter, 'MysqlAdapter'],
  ['sqlite', SqliteAdapter, 'SqliteAdapter'],
];

// Per dialect: the time of a write, as the raw store of that engine writes it.
const NOW: Record<KyselyDialectName, string> = {
  postgres: 'now()',
  mysql: 'CURRENT_TIMESTAMP(3)',
  sqlite: `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
};

/**
 * The dialect of a Kysely instance, from its adapter: Kysely's own `PostgresAdapter`, `MysqlAdapter` or
 * `SqliteAdapter`, or a subclass (the dialects of other packages build on them), matched by class or,
 * across two copies of kysely, by class name.
 *
 * @throws TwoFactorError `INVALID_OPTION` naming `db` for anything else (MSSQL, an unknown adapter)
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { Kysely, SqliteDialect } from 'kysely';
 * const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
 * kyselyDialect(db); // 'sqlite'
 * ```
 */
export function kyselyDialect(db: Kysely<any>): KyselyDialectName {
  const adapter = (db as { getExecutor?: () => { adapter?: unknown } } | null)?.getExecutor?.().adapter;
  for (const [name, type, className] of ADAPTERS) {
    if (adapter instanceof type) return name;
    for (let proto = adapter == null ? null : Object.getPrototypeOf(adapter); proto; proto = Object.getPrototypeOf(proto)) {
      if ((proto as { constructor?: { name?: string } }).constructor?.name === className) return name;
    }
  }
  fail('INVALID_OPTION', 'db', 'a Kysely instance with a PostgreSQL, MySQL or SQLite dialect', adapter ?? db);
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement {@link KyselyStore.migrate} runs for a dialect: exactly that of
 * the raw store of the engine (`postgresSchema`, `mysqlSchema`, `sqliteSchema`), for your migration tool.
 *
 * @param dialect - `'postgres'`, `'mysql'` or `'sqlite'`
 * @param table - table name, default `"two_factor"`
 * @returns one SQL statement
 * @throws TwoFactorError `INVALID_OPTION` for another dialect or a bad table name
 *
 * @example
 * ```ts
 * console.log(kyselySchema('mysql', 'two_factor'));
 * ```
 */
export function kyselySchema(dialect: KyselyDialectName, table: string = DEFAULT_TABLE): string {
  if (dialect === 'postgres') return postgresSchema(table);
  if (dialect === 'sqlite') return sqliteSchema(table);
  if (dialect === 'mysql') return mysqlTableSql(quotedTable(table, '`'));
  fail('INVALID_OPTION', 'dialect', "'postgres', 'mysql' or 'sqlite'", dialect);
}

/**
 * A {@link TwoFactorStore} in one table, over your Kysely instance (0.28) on PostgreSQL (`pg`), MySQL 8 /
 * MariaDB (`mysql2`) or SQLite (`better-sqlite3`).
 *
 * Every `compareAndSet` is one statement built with Kysely: an insert that does nothing on conflict
 * (MySQL: a plain insert whose duplicate key means `false`), or an update/delete `WHERE user_id = ? AND
 * version = ?` whose affected-row count says whether it matched, so single use holds across processes as
 * with the raw stores. A lost race reported as an error (PostgreSQL 40001 under REPEATABLE READ or
 * SERIALIZABLE, a MySQL deadlock) is `false`. On MySQL the user id goes in as its UTF-8 bytes
 * (`VARBINARY` key). Pass the root instance, not a transaction: each call must be its own statement.
 *
 * The store runs queries through your instance and never destroys it. Database failures reject with
 * the driver's error and leave the row as it was.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { Kysely, PostgresDialect } from 'kysely';
 * import { createTwoFactor } from '@inworkjobs/two-factor/server';
 * import { KyselyStore } from '@inworkjobs/two-factor/stores/kysely';
 *
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * const store = new KyselyStore(db);
 * await store.migrate();
 * const twoFactor = createTwoFactor({ store, issuer: 'InworkJobs' });
 * ```
 */
export class KyselyStore implements TwoFactorStore {
  readonly #db: Kysely<any>;
  readonly #dialect: KyselyDialectName;
  readonly #table: string;

  /**
   * @param db - your Kysely instance; the store never destroys it
   * @param options - `{ table }`
   * @throws TwoFactorError `INVALID_OPTION` for a bad `table` or a `db` whose dialect is not PostgreSQL, MySQL or SQLite
   */
  constructor(db: Kysely<any>, options?: KyselyStoreOptions) {
    // Checked by the same rule as the raw stores; Kysely quotes each part of "schema.table" itself.
    this.#table = tableParts(optionsObject(options).table).join('.');
    this.#dialect = kyselyDialect(db);
    this.#db = db;
  }

  /** The dialect found from the instance's adapter. */
  get dialect(): KyselyDialectName {
    return this.#dialect;
  }

  /**
   * Creates the table if it does not exist ({@link kyselySchema} of the dialect). Safe to run at start-up
   * (PostgreSQL can reject two racing on an empty database: run it once at deploy there).
   *
   * @throws the driver's error (no privilege, missing schema, server unreachable)
   */
  async migrate(): Promise<void> {
    await sql.raw(kyselySchema(this.#dialect, this.#table)).execute(this.#db);
  }

  /**
   * The user's record and its version, or null when the user has none.
   *
   * @throws TwoFactorError `STORE_ERROR` when the row holds no JSON object or no integer version;
   *   `INVALID_OPTION` for a malformed user id; the driver's error when the database fails
   */
  async get(userId: string): Promise<StoredRecord | null> {
    const row = await this.#db
      .selectFrom(this.#table)
      .select(['record', 'version'])
      .where('user_id', '=', this.#key(userId))
      .executeTakeFirst();
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
    const key = this.#key(userId);
    try {
      if (expectedVersion === null) {
        // Nothing expected and nothing to write: it holds exactly when there is still no row.
        if (json === null) return (await this.get(userId)) === null;
        const insert = this.#db.insertInto(this.#table).values({ user_id: key, record: json, version: initialVersion() });
        const done = this.#dialect === 'mysql' ? insert : insert.onConflict((oc) => oc.column('user_id').doNothing());
        return Number((await done.executeTakeFirst()).numInsertedOrUpdatedRows ?? 0) === 1;
      }
      if (json === null) {
        const deleted = await this.#db.deleteFrom(this.#table).where('user_id', '=', key).where('version', '=', expectedVersion).executeTakeFirst();
        return Number(deleted.numDeletedRows) === 1;
      }
      const updated = await this.#db
        .updateTable(this.#table)
        .set({ record: json, version: sql`version + 1`, updated_at: sql.raw(NOW[this.#dialect]) })
        .where('user_id', '=', key)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(updated.numUpdatedRows) === 1;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  // MySQL's key column is VARBINARY: the id's UTF-8 bytes. The other engines store the text as it is.
  #key(userId: unknown): unknown {
    return this.#dialect === 'mysql' ? userIdKey(userId) : assertUserId(userId);
  }
}
