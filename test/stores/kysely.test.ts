// The Kysely store on its three dialects, each on the real engine: PostgreSQL (pg, TWO_FACTOR_PG_URL),
// MariaDB (mysql2, TWO_FACTOR_MYSQL_URL) and SQLite (better-sqlite3, a file). `npm test` starts the
// servers and sets the URLs; unset, this file fails to load.
import Database from 'better-sqlite3';
import { Kysely, MssqlDialect, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { createPool as createCallbackPool } from 'mysql2';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { KyselyStore, kyselyDialect, kyselySchema } from '../../src/stores/kysely.js';
import { MysqlStore, mysqlSchema } from '../../src/stores/mysql.js';
import { PostgresStore, postgresSchema } from '../../src/stores/postgres.js';
import { SqliteStore, sqliteSchema } from '../../src/stores/sqlite.js';
import type { TwoFactorStore } from '../../src/server/index.js';
import { HOSTILE_TABLES, freshTable, pendingRecord } from '../support/store-fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { sqlStoreSuite } from '../support/sql-store-checks.js';

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const MYSQL_URL = requiredEnv('TWO_FACTOR_MYSQL_URL');
const dir = mkdtempSync(join(tmpdir(), 'two-factor-kysely-'));

const pgPool = new pg.Pool({ connectionString: PG_URL, max: 8 });
pgPool.on('error', () => {});
// Kysely's MysqlDialect takes mysql2's callback pool; the raw checks use a promise pool on the same server.
const mysqlCallbackPool = createCallbackPool({ uri: MYSQL_URL, connectionLimit: 8 });
const mysqlPool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
const sqlite = new Database(join(dir, 'kysely.sqlite'));
sqlite.pragma('journal_mode = WAL');

const engines = {
  postgres: new Kysely<any>({ dialect: new PostgresDialect({ pool: pgPool }) }),
  mysql: new Kysely<any>({ dialect: new MysqlDialect({ pool: mysqlCallbackPool }) }),
  sqlite: new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) }),
};
afterAll(async () => {
  await Promise.all(Object.values(engines).map((db) => db.destroy()));
  await mysqlPool.end();
  rmSync(dir, { recursive: true, force: true });
});

async function fresh(db: Kysely<any>, table = freshTable()) {
  const store = new KyselyStore(db, { table });
  await store.migrate();
  return { store, table };
}

// Raw access per engine, bypassing Kysely: writes of malformed rows, reads of what the database holds.
const raw = {
  postgres: {
    insert: (t: string, id: string, json: string, v: string) => pgPool.query(`INSERT INTO "${t}" (user_id, record, version) VALUES ($1, $2::jsonb, ${v})`, [id, json]),
    read: async (t: string, id: string) => (await pgPool.query(`SELECT record::text AS r, version::text AS v FROM "${t}" WHERE user_id = $1`, [id])).rows,
    ping: async () => (await pgPool.query('SELECT 1 AS one')).rows,
    rawStore: (table: string): TwoFactorStore => new PostgresStore(pgPool, { table }),
  },
  mysql: {
    insert: (t: string, id: string, json: string, v: string) => mysqlPool.query(`INSERT INTO \`${t}\` (user_id, record, version) VALUES (?, ?, ${v})`, [Buffer.from(id), json]),
    read: async (t: string, id: string) => (await mysqlPool.query(`SELECT record AS r, CAST(version AS CHAR) AS v FROM \`${t}\` WHERE user_id = ?`, [Buffer.from(id)]))[0],
    ping: async () => (await engines.mysql.selectNoFrom((eb) => eb.val(1).as('one')).execute()),
    rawStore: (table: string): TwoFactorStore => new MysqlStore(mysqlPool, { table }),
  },
  sqlite: {
    insert: async (t: string, id: string, json: string, v: string) => sqlite.prepare(`INSERT INTO "${t}" (user_id, record, version) VALUES (?, ?, ${v})`).run(id, json),
    read: async (t: string, id: string) => sqlite.prepare(`SELECT record AS r, CAST(version AS TEXT) AS v FROM "${t}" WHERE user_id = ?`).all(id),
    ping: async () => sqlite.prepare('SELECT 1 AS one').get(),
    rawStore: (table: string): TwoFactorStore => new SqliteStore(sqlite, { table }),
  },
};

for (const name of ['postgres', 'mysql', 'sqlite'] as const) {
  const db = engines[name];
  sqlStoreSuite(`KyselyStore on ${name === 'mysql' ? 'MariaDB (MysqlDialect, mysql2)' : name === 'postgres' ? 'PostgreSQL (PostgresDialect, pg.Pool)' : 'SQLite (SqliteDialect, better-sqlite3 file)'}`, {
    fresh: () => fresh(db),
    insertRaw: async (table, userId, json, version) => void (await raw[name].insert(table, userId, json, version)),
    readRaw: (table, userId) => raw[name].read(table, userId),
    ping: () => raw[name].ping(),
  });

  describe(`KyselyStore on ${name}`, () => {
    test('the dialect is found from the adapter, and migrate() runs the raw store’s DDL', async () => {
      expect(kyselyDialect(db)).toBe(name);
      const { store, table } = await fresh(db);
      expect(store.dialect).toBe(name);
      const expected = { postgres: postgresSchema, mysql: mysqlSchema, sqlite: sqliteSchema }[name](table);
      expect(kyselySchema(name, table)).toBe(expected);
      await store.migrate(); // idempotent
    });

    test('one table, two stores: rows written by the raw store are read by the Kysely store and back', async () => {
      const { store, table } = await fresh(db);
      const other = raw[name].rawStore(table);
      expect(await other.compareAndSet('shared ü', null, pendingRecord(1))).toBe(true);
      const read = (await store.get('shared ü'))!;
      expect(read.record).toEqual(pendingRecord(1));
      expect(await store.compareAndSet('shared ü', read.version, pendingRecord(2))).toBe(true);
      expect((await other.get('shared ü'))?.record).toEqual(pendingRecord(2));
      expect(await other.compareAndSet('shared ü', read.version, pendingRecord(3))).toBe(false);
    });

    test.each(HOSTILE_TABLES)('table %j is refused with INVALID_OPTION naming "table"', (table) => {
      expect(() => new KyselyStore(db, { table: table as string })).toThrow(/^"table" must be a table name/);
    });
  });
}

test('a PostgreSQL server at SERIALIZABLE: racing updates through Kysely give one winner, the losers false (40001)', async () => {
  const serializable = new pg.Pool({ connectionString: PG_URL, max: 8, options: '-c default_transaction_isolation=serializable' });
  serializable.on('error', () => {});
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: serializable }) });
  try {
    const { store } = await fresh(db);
    await store.compareAndSet('u', null, pendingRecord());
    const { version } = (await store.get('u'))!;
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => store.compareAndSet('u', version, pendingRecord(i))));
    expect(results.filter(Boolean)).toHaveLength(1);
  } finally {
    await db.destroy();
  }
});

test('a dialect other than PostgreSQL, MySQL or SQLite is refused with INVALID_OPTION naming "db"', () => {
  const mssql = new Kysely<any>({ dialect: new MssqlDialect({ tarn: { options: { min: 0, max: 1 }, Pool: class {} } as never, tedious: { connectionFactory: () => ({}) } as never }) });
  const error = (() => {
    try {
      new KyselyStore(mssql);
    } catch (e) {
      return e;
    }
  })();
  expect(error).toBeInstanceOf(TwoFactorError);
  expect((error as TwoFactorError).code).toBe('INVALID_OPTION');
  expect((error as TwoFactorError).message).toMatch(/^"db" must be a Kysely instance with a PostgreSQL, MySQL or SQLite dialect/);
  expect(() => new KyselyStore({} as never)).toThrow(/"db" must be a Kysely instance/);
});
