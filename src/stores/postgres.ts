// PostgreSQL store over any client with pg's `query(text, values)`: a pg.Pool (the usual choice), a
// pg.Client, or @electric-sql/pglite's PGlite. No driver is imported here (optional peer dependency).
import { fail } from '../internal/assert.js';
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { DEFAULT_TABLE, casArguments, initialVersion, quotedTable, storeOptions, storedRow } from './sql.js';
import { assertUserId } from '../server/record/user-id.js';

/**
 * The part of a pg client this store uses: a parameterised `query` resolving to `{ rows }`.
 * A `pg.Pool`, a `pg.Client` and a `PGlite` all satisfy it. Every write uses `RETURNING`, so the store
 * counts returned rows and never depends on `rowCount` (pg) versus `affectedRows` (PGlite).
 */
export interface PostgresClient {
  /** Runs `text` with `$1`… bound to `values`; resolves to the returned rows. */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

const SERIALIZATION_FAILURE = '40001';

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * Table name, default `"two_factor"`; may be schema-qualified (`"auth.two_factor"`). Each part: a letter
   * or `_`, then letters, digits or `_`, at most 63 characters. Used quoted, so it keeps its case
   * (`"TwoFactor"` is not `twofactor`).
   */
  table?: string;
}

/**
 * The `CREATE TABLE IF NOT EXISTS` statement of the PostgreSQL store, for running or reviewing it yourself
 * (e.g. in your migration tool). {@link PostgresStore.migrate} runs exactly this.
 *
 * Columns: `user_id TEXT PRIMARY KEY`, `record JSONB`, `version BIGINT` (compare-and-set counter),
 * `updated_at TIMESTAMPTZ` (time of the last write). The schema of a qualified name must exist.
 *
 * @param table - table name, default `"two_factor"` (see {@link PostgresStoreOptions.table})
 * @returns one SQL statement
 * @throws TwoFactorError `INVALID_OPTION` when `table` is not a plain identifier
 *
 * @example
 * ```ts
 * console.log(postgresSchema('auth.two_factor'));
 * ```
 */
export function postgresSchema(table: string = DEFAULT_TABLE): string {
  return schemaSql(quotedTable(table));
}

function schemaSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  user_id    TEXT PRIMARY KEY,
  record     JSONB NOT NULL,
  version    BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;
}

/**
 * A {@link TwoFactorStore} in one PostgreSQL table, over a `pg.Pool` (or any client with the same `query`).
 *
 * Every `compareAndSet` is one conditional statement (`INSERT … ON CONFLICT DO NOTHING`,
 * `UPDATE … WHERE version = $n`, `DELETE … WHERE version = $n`), so single use holds across any number of
 * application instances, with no transaction and no lock held between calls. At READ COMMITTED (the
 * default) a losing writer matches no row; at REPEATABLE READ or SERIALIZABLE it gets a serialization
 * failure (40001), which the store also reports as `false`. Pass a pool, not a client inside your own
 * transaction: each call must be its own statement.
 *
 * Database failures reject with the driver's own error and leave the row as it was. A `pg.Pool` replaces
 * broken connections by itself, so the store works again once the server is back; give the pool an
 * `'error'` listener, since pg emits one when the server drops an idle connection and an unhandled
 * `'error'` event ends the process.
 *
 * A new row starts at a random version in [1, 2^48) and every update adds 1, so a version is not reused
 * when a user's row is deleted and created again (the chance of a repeat is 2^-48 per re-creation); a
 * delete removes the row, leaving no tombstone behind.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createTwoFactor } from '@inworkjobs/two-factor/server';
 * import { PostgresStore } from '@inworkjobs/two-factor/stores/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (err) => console.error('idle PostgreSQL connection failed', err));
 * const store = new PostgresStore(pool);
 * await store.migrate();
 * const twoFactor = createTwoFactor({ store, issuer: 'InworkJobs' });
 * ```
 */
export class PostgresStore implements TwoFactorStore {
  readonly #client: PostgresClient;
  readonly #sql: Record<'schema' | 'get' | 'exists' | 'insert' | 'update' | 'delete', string>;

  /**
   * @param client - a `pg.Pool`, `pg.Client` or `PGlite`; the store never ends it
   * @param options - `{ table }`
   * @throws TwoFactorError `INVALID_OPTION` for a bad `table` or a `client` without `query`
   */
  constructor(client: PostgresClient, options?: PostgresStoreOptions) {
    if (client === null || typeof client !== 'object' || typeof client.query !== 'function') {
      fail('INVALID_OPTION', 'client', 'a pg-compatible client (pg.Pool, pg.Client, PGlite)', client);
    }
    this.#client = client;
    const t = storeOptions(options);
    this.#sql = {
      schema: schemaSql(t),
      get: `SELECT record, version FROM ${t} WHERE user_id = $1`,
      exists: `SELECT 1 AS present FROM ${t} WHERE user_id = $1`,
      // The record goes in as JSON text and is cast, so pg never turns an array field into a PostgreSQL array.
      insert: `INSERT INTO ${t} (user_id, record, version) VALUES ($1, $2::jsonb, $3) ON CONFLICT (user_id) DO NOTHING RETURNING version`,
      update: `UPDATE ${t} SET record = $2::jsonb, version = version + 1, updated_at = now() WHERE user_id = $1 AND version = $3 RETURNING version`,
      delete: `DELETE FROM ${t} WHERE user_id = $1 AND version = $2 RETURNING version`,
    };
  }

  /**
   * Creates the table if it does not exist ({@link postgresSchema}). Run it once at deploy or start-up;
   * PostgreSQL can reject two `CREATE TABLE IF NOT EXISTS` racing on an empty database.
   *
   * @throws the driver's error (no privilege, missing schema, server unreachable)
   */
  async migrate(): Promise<void> {
    await this.#client.query(this.#sql.schema);
  }

  /**
   * The user's record and its version, or null when the user has none.
   *
   * @throws TwoFactorError `STORE_ERROR` when the row holds no JSON object or no integer version;
   *   the driver's error when the database fails
   */
  async get(userId: string): Promise<StoredRecord | null> {
    assertUserId(userId);
    const { rows } = await this.#client.query(this.#sql.get, [userId]);
    if (rows.length === 0) return null;
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
    const q = (text: string, values: unknown[]) =>
      this.#client.query(text, values).then(
        (r) => r.rows.length,
        (error: unknown) => {
          // Under REPEATABLE READ or SERIALIZABLE as the server default, a concurrent writer of the same row
          // makes this one-statement transaction fail with 40001 instead of matching no row. Either way
          // someone else wrote first, which is what `false` says.
          if ((error as { code?: unknown } | null)?.code === SERIALIZATION_FAILURE) return 0;
          throw error;
        },
      );
    if (expectedVersion === null) {
      // Nothing expected and nothing to write: it holds exactly when there is still no row.
      if (json === null) return (await q(this.#sql.exists, [userId])) === 0;
      return (await q(this.#sql.insert, [userId, json, initialVersion()])) === 1;
    }
    if (json === null) return (await q(this.#sql.delete, [userId, expectedVersion])) === 1;
    return (await q(this.#sql.update, [userId, json, expectedVersion])) === 1;
  }
}
