// The Drizzle store on node-postgres (TWO_FACTOR_PG_URL), mysql2 on MariaDB (TWO_FACTOR_MYSQL_URL) and
// better-sqlite3 (a file), each table created by the SQL that `drizzle-kit generate` writes for the
// table definition (drizzle-kit runs offline: it only reads the schema file). `npm test` starts the
// servers and sets the URLs; unset, this file fails to load.
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { DrizzleStore, mysqlTwoFactorTable, pgTwoFactorTable, sqliteTwoFactorTable } from '../../src/stores/drizzle.js';
import { MysqlStore } from '../../src/stores/mysql.js';
import { PostgresStore } from '../../src/stores/postgres.js';
import { SqliteStore } from '../../src/stores/sqlite.js';
import type { TwoFactorStore } from '../../src/server/index.js';
import { HOSTILE_TABLES, freshTable, pendingRecord } from '../support/store-fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { sqlStoreSuite } from '../support/sql-store-checks.js';

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const MYSQL_URL = requiredEnv('TWO_FACTOR_MYSQL_URL');
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'two-factor-drizzle-'));

const pgPool = new pg.Pool({ connectionString: PG_URL, max: 8 });
pgPool.on('error', () => {});
const mysqlPool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 8 });
const sqlite = new Database(join(dir, 'drizzle.sqlite'));
sqlite.pragma('journal_mode = WAL');
afterAll(async () => {
  await Promise.all([pgPool.end(), mysqlPool.end()]);
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

const TEMPLATE = 'drizzle_kit_template';
const engines = {
  pg: {
    db: drizzlePg(pgPool),
    table: pgTwoFactorTable,
    kit: 'postgresql',
    exec: async (statement: string) => void (await pgPool.query(statement)),
    insert: (t: string, id: string, json: string, v: string) => pgPool.query(`INSERT INTO "${t}" (user_id, record, version) VALUES ($1, $2::jsonb, ${v})`, [id, json]),
    read: async (t: string, id: string) => (await pgPool.query(`SELECT record::text AS r, version::text AS v FROM "${t}" WHERE user_id = $1`, [id])).rows,
    ping: async () => (await pgPool.query('SELECT 1 AS one')).rows,
    rawStore: (table: string): TwoFactorStore => new PostgresStore(pgPool, { table }),
  },
  mysql: {
    db: drizzleMysql(mysqlPool),
    table: mysqlTwoFactorTable,
    kit: 'mysql',
    exec: async (statement: string) => void (await mysqlPool.query(statement)),
    insert: (t: string, id: string, json: string, v: string) => mysqlPool.query(`INSERT INTO \`${t}\` (user_id, record, version) VALUES (?, ?, ${v})`, [Buffer.from(id), json]),
    read: async (t: string, id: string) => (await mysqlPool.query(`SELECT record AS r, CAST(version AS CHAR) AS v FROM \`${t}\` WHERE user_id = ?`, [Buffer.from(id)]))[0],
    ping: async () => (await mysqlPool.query('SELECT 1 AS one'))[0],
    rawStore: (table: string): TwoFactorStore => new MysqlStore(mysqlPool, { table }),
  },
  sqlite: {
    db: drizzleSqlite(sqlite),
    table: sqliteTwoFactorTable,
    kit: 'sqlite',
    exec: async (statement: string) => void sqlite.exec(statement),
    insert: async (t: string, id: string, json: string, v: string) => sqlite.prepare(`INSERT INTO "${t}" (user_id, record, version) VALUES (?, ?, ${v})`).run(id, json),
    read: async (t: string, id: string) => sqlite.prepare(`SELECT record AS r, CAST(version AS TEXT) AS v FROM "${t}" WHERE user_id = ?`).all(id),
    ping: async () => sqlite.prepare('SELECT 1 AS one').get(),
    rawStore: (table: string): TwoFactorStore => new SqliteStore(sqlite, { table }),
  },
};
type Engine = keyof typeof engines;

// The migration drizzle-kit writes for each dialect, for a table named TEMPLATE.
const generated = {} as Record<Engine, string>;
beforeAll(() => {
  for (const name of Object.keys(engines) as Engine[]) {
    const work = mkdtempSync(join(dir, `kit-${name}-`));
    const fn = { pg: 'pgTwoFactorTable', mysql: 'mysqlTwoFactorTable', sqlite: 'sqliteTwoFactorTable' }[name];
    writeFileSync(join(work, 'schema.ts'), `import { ${fn} } from '${join(root, 'src/stores/drizzle.ts')}';\nexport const twoFactor = ${fn}('${TEMPLATE}');\n`);
    execFileSync(join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--dialect', engines[name].kit, '--schema', './schema.ts', '--out', './out'], {
      cwd: work,
      stdio: 'pipe',
      timeout: 60_000,
    });
    const file = readdirSync(join(work, 'out')).find((f) => f.endsWith('.sql'))!;
    generated[name] = readFileSync(join(work, 'out', file), 'utf8');
  }
}, 120_000);

/** A table created by drizzle-kit's SQL (its name swapped), and a store on it. */
async function fresh(name: Engine, table = freshTable()) {
  for (const statement of generated[name].replaceAll(TEMPLATE, table).split('--> statement-breakpoint')) {
    if (statement.trim()) await engines[name].exec(statement);
  }
  const { db, table: define } = engines[name];
  return { store: new DrizzleStore(db as never, define(table) as never), table };
}

test('drizzle-kit generate writes the CREATE TABLE of the raw store’s columns, per dialect', () => {
  expect(generated.pg).toContain(`CREATE TABLE "${TEMPLATE}" (\n\t"user_id" text PRIMARY KEY NOT NULL,\n\t"record" jsonb NOT NULL,\n\t"version" bigint NOT NULL,\n\t"updated_at" timestamp with time zone DEFAULT now() NOT NULL\n);`);
  expect(generated.mysql).toMatch(/`user_id` varbinary\(1024\) NOT NULL,\n\t`record` mediumtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,/);
  expect(generated.sqlite).toMatch(/`user_id` text PRIMARY KEY NOT NULL,\n\t`record` text NOT NULL,\n\t`version` integer NOT NULL,/);
});

for (const name of Object.keys(engines) as Engine[]) {
  const label = { pg: 'PostgreSQL (node-postgres)', mysql: 'MariaDB (mysql2)', sqlite: 'SQLite (better-sqlite3 file)' }[name];
  sqlStoreSuite(`DrizzleStore on ${label}`, {
    fresh: () => fresh(name),
    insertRaw: async (table, userId, json, version) => void (await engines[name].insert(table, userId, json, version)),
    readRaw: (table, userId) => engines[name].read(table, userId),
    ping: () => engines[name].ping(),
  });

  describe(`DrizzleStore on ${label}`, () => {
    test('one table, two stores: rows written by the raw store are read by the Drizzle store and back', async () => {
      const { store, table } = await fresh(name);
      const other = engines[name].rawStore(table);
      expect(await other.compareAndSet('shared ü', null, pendingRecord(1))).toBe(true);
      const read = (await store.get('shared ü'))!;
      expect(read.record).toEqual(pendingRecord(1));
      expect(await store.compareAndSet('shared ü', read.version, pendingRecord(2))).toBe(true);
      expect((await other.get('shared ü'))?.record).toEqual(pendingRecord(2));
    });

    test('a database failure is the driver’s own error, without the record in its message', async () => {
      const { store, table } = await fresh(name);
      await engines[name].exec(`DROP TABLE ${name === 'mysql' ? `\`${table}\`` : `"${table}"`}`);
      const record = { ...pendingRecord(), marker: 'SECRET-MARKER' };
      const error = await store.compareAndSet('u', null, record as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).constructor.name).not.toBe('DrizzleQueryError');
      expect(String((error as Error).message)).not.toContain('SECRET-MARKER');
    });

    test.each(HOSTILE_TABLES.filter((t) => typeof t === 'string'))('table %j is refused with INVALID_OPTION', (table) => {
      expect(() => engines[name].table(table as string)).toThrow(/"table" must be/);
    });
  });
}

test('schema-qualified tables: pgSchema and a MySQL database', async () => {
  const schema = freshTable('auth');
  await pgPool.query(`CREATE SCHEMA "${schema}"`);
  const pgTable = pgTwoFactorTable(`${schema}.two_factor`);
  await new PostgresStore(pgPool, { table: `${schema}.two_factor` }).migrate();
  const store = new DrizzleStore(engines.pg.db, pgTable);
  expect(await store.compareAndSet('u', null, pendingRecord())).toBe(true);
  expect((await pgPool.query(`SELECT user_id FROM "${schema}"."two_factor"`)).rows).toEqual([{ user_id: 'u' }]);
  expect(() => sqliteTwoFactorTable('main.two_factor')).toThrow(/"table" must be an unqualified table name for SQLite/);
});

test('a table not made by the table functions, or a db without query builders, is INVALID_OPTION', () => {
  const refuse = (call: () => unknown, message: RegExp) => {
    const error = (() => {
      try {
        call();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TwoFactorError);
    expect((error as TwoFactorError).code).toBe('INVALID_OPTION');
    expect((error as TwoFactorError).message).toMatch(message);
  };
  refuse(() => new DrizzleStore(engines.pg.db, {} as never), /^"table" must be a table of pgTwoFactorTable/);
  refuse(() => new DrizzleStore({} as never, pgTwoFactorTable()), /^"db" must be a Drizzle database/);
});
