// The MySQL store on a real MariaDB server through a mysql2/promise Pool (TWO_FACTOR_MYSQL_URL: `npm test`
// starts a throwaway server and sets it; unset, this file fails to load).
import { createPool as createCallbackPool } from 'mysql2';
import mysql from 'mysql2/promise';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { MysqlStore, mysqlSchema, type MysqlPool } from '../../src/stores/mysql.js';
import { GOOD_TABLES, HOSTILE_TABLES, freshTable, pendingRecord } from '../support/store-fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { sqlStoreSuite } from '../support/sql-store-checks.js';
import { expectSingleUseThroughService } from '../support/store-service.js';
import { ManualClock, T0_MS, codeAt, enableUser, serviceOn } from '../support/fixtures.js';
// @ts-expect-error -- a plain .mjs script without type declarations
import { freePort, pgBaseDir } from '../../scripts/test-servers.mjs';

const SCRIPT = fileURLToPath(new URL('../../scripts/mariadb-test-server.sh', import.meta.url));

const MYSQL_URL = requiredEnv('TWO_FACTOR_MYSQL_URL');

// The promise Pool, PoolConnection and Connection satisfy the structural type the store asks for (tsc).
const typeCheck: (c: mysql.Pool | mysql.Connection | mysql.PoolConnection) => MysqlPool = (c) => c;
void typeCheck;

const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 8 });
// The same server, with the connection's character set latin1: the key is sent as bytes, so ids stay exact.
const latin1Pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, charset: 'LATIN1_SWEDISH_CI' });
afterAll(() => Promise.all([pool.end(), latin1Pool.end()]));

async function freshStore(p: MysqlPool | { promise(): MysqlPool } = pool, table = freshTable()) {
  const store = new MysqlStore(p, { table });
  await store.migrate();
  return { store, table };
}

sqlStoreSuite('MysqlStore on MariaDB (mysql2/promise Pool, 8 connections)', {
  fresh: () => freshStore(),
  insertRaw: async (table, userId, recordJson, version) => {
    await pool.query(`INSERT INTO \`${table}\` (user_id, record, version) VALUES (?, ?, ${version})`, [Buffer.from(userId), recordJson]);
  },
  readRaw: async (table, userId) => (await pool.query(`SELECT record, CAST(version AS CHAR) AS v FROM \`${table}\` WHERE user_id = ?`, [Buffer.from(userId)]))[0],
  ping: async () => (await pool.query('SELECT 1 AS one'))[0],
});

describe('MysqlStore on MariaDB', () => {
  test('mysqlSchema is the statement migrate() runs: binary key, utf8mb4 MEDIUMTEXT record, on a latin1 server', async () => {
    const { table } = await freshStore();
    expect(mysqlSchema(table)).toMatch(/^CREATE TABLE IF NOT EXISTS `t_\d+_\d+` \(/);
    const [[server]] = (await pool.query('SELECT @@character_set_server AS cs, VERSION() AS v')) as unknown as [[{ cs: string; v: string }]];
    expect(server.cs).toBe('latin1'); // the DDL must not depend on the server default
    expect(server.v).toMatch(/MariaDB/);
    const [columns] = await pool.query(
      `SELECT column_name AS name, column_type AS type, character_set_name AS cs, collation_name AS coll, is_nullable AS nullable
       FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`,
      [table],
    );
    expect(columns).toEqual([
      { name: 'user_id', type: 'varbinary(1024)', cs: null, coll: null, nullable: 'NO' },
      { name: 'record', type: 'mediumtext', cs: 'utf8mb4', coll: 'utf8mb4_bin', nullable: 'NO' },
      { name: 'version', type: 'bigint(20)', cs: null, coll: null, nullable: 'NO' },
      { name: 'updated_at', type: 'timestamp(3)', cs: null, coll: null, nullable: 'NO' },
    ]);
  });

  test('a utf8mb4_bin key would not do: it pads, so "a" and "a " collide (why the key is VARBINARY)', async () => {
    const table = freshTable('pad');
    await pool.query(`CREATE TABLE \`${table}\` (id VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY)`);
    await pool.query(`INSERT INTO \`${table}\` VALUES ('a')`);
    await expect(pool.query(`INSERT INTO \`${table}\` VALUES ('a ')`)).rejects.toMatchObject({ errno: 1062 });
  });

  test('migrate() is idempotent and keeps the rows; updated_at moves on each write', async () => {
    const { store, table } = await freshStore();
    await store.compareAndSet('u', null, pendingRecord());
    await store.migrate();
    expect((await store.get('u'))?.record).toEqual(pendingRecord());
    const [[row]] = (await pool.query(`SELECT updated_at FROM \`${table}\``)) as unknown as [[{ updated_at: Date }]];
    expect(row.updated_at).toBeInstanceOf(Date);
  });

  test('ids stay exact through a pool whose connections use latin1; a non-BMP record needs utf8mb4 (documented)', async () => {
    const { store, table } = await freshStore(latin1Pool);
    expect(await store.compareAndSet('用户 🔐', null, pendingRecord())).toBe(true);
    const [[row]] = (await pool.query(`SELECT HEX(user_id) AS hex FROM \`${table}\``)) as unknown as [[{ hex: string }]];
    expect(row.hex).toBe(Buffer.from('用户 🔐').toString('hex').toUpperCase());
    expect((await new MysqlStore(pool, { table }).get('用户 🔐'))?.record).toEqual(pendingRecord());
  });

  test('arrays, nesting and non-ASCII text round-trip unchanged', async () => {
    const { store } = await freshStore();
    const record = { ...pendingRecord(), extra: { used: [0, 3, 7], empty: [], text: 'Zoë “quoted” \\ \u2028 😀' } };
    expect(await store.compareAndSet('ü-ser 😀', null, record as never)).toBe(true);
    expect((await store.get('ü-ser 😀'))?.record).toEqual(record);
  });

  // Not the default name: the doc example of MysqlStore migrates `two_factor` in this database meanwhile.
  test.each(GOOD_TABLES.filter((t) => t !== 'two_factor'))('table %s works, quoted', async (table) => {
    await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
    const { store } = await freshStore(pool, table);
    expect(await store.compareAndSet('u', null, pendingRecord())).toBe(true);
    const [rows] = await pool.query(`SELECT CAST(user_id AS CHAR) AS id FROM \`${table}\``);
    expect(rows).toEqual([{ id: 'u' }]);
    await pool.query(`DROP TABLE \`${table}\``);
  });

  test('a database-qualified name reaches that database', async () => {
    const [[{ db }]] = (await pool.query('SELECT DATABASE() AS db')) as unknown as [[{ db: string }]];
    const { store, table } = await freshStore(pool, `${db}.${freshTable('Qualified')}`);
    await store.compareAndSet('u', null, pendingRecord());
    const [rows] = await pool.query(`SELECT version FROM ${table.split('.').map((p) => `\`${p}\``).join('.')}`);
    expect(rows).toHaveLength(1);
  });

  test.each(HOSTILE_TABLES)('table %j is refused with INVALID_OPTION naming "table", and nothing runs', (table) => {
    let error: unknown;
    try {
      new MysqlStore(pool, { table: table as string });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TwoFactorError);
    expect((error as TwoFactorError).code).toBe('INVALID_OPTION');
    expect((error as TwoFactorError).message).toMatch(/^"table" must be a table name/);
    expect(() => mysqlSchema(table as string)).toThrow(/"table"/);
  });

  test('malformed arguments throw INVALID_OPTION and write nothing; the callback API is refused', async () => {
    const { store } = await freshStore();
    await expect(store.compareAndSet('', null, pendingRecord())).rejects.toThrow(/"userId" must be a string of 1–256 characters/);
    await expect(store.compareAndSet('u', 2.5, pendingRecord())).rejects.toThrow(/"expectedVersion" must be null or a safe integer/);
    await expect(store.compareAndSet('u', null, { n: 1n } as never)).rejects.toThrow(/"next" must be null or a JSON-serialisable object/);
    expect(await store.get('u')).toBeNull();
    expect(() => new MysqlStore({} as never)).toThrow(/"pool" must be a mysql2\/promise Pool/);
    const callbackPool = { execute: () => ({ on() {} }) } as unknown as MysqlPool;
    await expect(new MysqlStore(callbackPool).get('u')).rejects.toThrow(/"pool" must be a mysql2\/promise Pool \(pool.promise\(\)\)/);
  });

  test('a pool of the callback API (as Kysely takes it) works through its promise() wrapper, and is not ended', async () => {
    const callbackPool = createCallbackPool({ uri: MYSQL_URL, connectionLimit: 2 });
    try {
      const { store } = await freshStore(callbackPool as never);
      await expectSingleUseThroughService(store);
      const rows = await new Promise((resolve, reject) => callbackPool.query('SELECT 1 AS one', (e, r) => (e ? reject(e) : resolve(r))));
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await new Promise((resolve) => callbackPool.end(resolve));
    }
  });

  test('through the service: a code works once, then is replayed', async () => {
    const { store } = await freshStore();
    await expectSingleUseThroughService(store);
  });

  test('a row locked by another session: the racing write waits, then loses cleanly to the version change', async () => {
    const { store, table } = await freshStore();
    await store.compareAndSet('u', null, pendingRecord());
    const { version } = (await store.get('u'))!;
    const locker = await pool.getConnection();
    try {
      await locker.query('START TRANSACTION');
      await locker.query(`UPDATE \`${table}\` SET version = version + 1 WHERE user_id = ?`, [Buffer.from('u')]);
      const pending = store.compareAndSet('u', version, pendingRecord(1));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await locker.query('COMMIT');
      expect(await pending).toBe(false); // InnoDB re-read the row under the lock: the version had moved
    } finally {
      locker.release();
    }
    expect((await store.get('u'))?.version).toBe(version + 1);
  });
});

describe('faults on a MariaDB server', () => {
  test('server stopped: calls fail with an error and write nothing; server started again: the same pool works', async () => {
    const dir = mkdtempSync(join(pgBaseDir(), 'two-factor-mariadb-restart-'));
    chmodSync(dir, 0o755); // the server's user (mysql, under root) must reach its state directory inside
    const env = { ...process.env, TWO_FACTOR_MYSQL_DIR: join(dir, 'state'), TWO_FACTOR_MYSQL_PORT: String(await freePort()) };
    const server = (command: string) => execFileSync(SCRIPT, [command], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const own = mysql.createPool({ uri: server('start'), connectionLimit: 4 });
    try {
      const { store } = await freshStore(own);
      const clock = new ManualClock(T0_MS);
      const twoFactor = serviceOn(store, clock);
      const { secret } = await enableUser(twoFactor, clock, 'carol');
      const before = await store.get('carol');
      const code = codeAt(secret, clock.now());

      server('stop');
      const error = await twoFactor.verify('carol', code).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwoFactorError);
      expect((error as TwoFactorError).code).toBe('STORE_ERROR');

      server('start');
      expect(await store.get('carol')).toEqual(before);
      expect(await twoFactor.verify('carol', code)).toMatchObject({ ok: true, method: 'totp' });
      expect(await twoFactor.verify('carol', code)).toMatchObject({ ok: false, reason: 'replayed' });
    } finally {
      await own.end();
      server('destroy');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
