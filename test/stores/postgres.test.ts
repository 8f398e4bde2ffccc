// The PostgreSQL store on PGlite and on a real server through a pg.Pool (TWO_FACTOR_PG_URL: `npm test`
// starts a throwaway server and sets it; unset, this file fails to load).
import { PGlite } from '@electric-sql/pglite';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { PostgresStore, postgresSchema, type PostgresClient } from '../../src/stores/postgres.js';
import { runStoreContract } from '../../src/testing/index.js';
import { GOOD_TABLES, HOSTILE_TABLES, freshTable, pendingRecord } from '../support/store-fixtures.js';
import { ManualClock, T0_MS, codeAt, enableUser, serviceOn } from '../support/fixtures.js';
import { expectSingleUseThroughService } from '../support/store-service.js';
import { requiredEnv } from '../support/required-env.js';

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const SCRIPT = fileURLToPath(new URL('../../scripts/pg-test-server.sh', import.meta.url));

// pg.Pool, pg.Client and PGlite must satisfy the structural type the store asks for (checked by tsc).
const typeCheck: (c: pg.Pool | pg.Client | PGlite) => PostgresClient = (c) => c;
void typeCheck;

let lite: PGlite;
beforeAll(async () => {
  lite = new PGlite();
  await lite.waitReady;
});
afterAll(() => lite.close());

/** A pool of several connections, so concurrent calls really run in parallel on the server. */
function serverPool(url: string, max = 8, options?: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, options });
  // pg emits 'error' when the server drops an idle connection; unhandled, that would end the process.
  pool.on('error', () => {});
  return pool;
}
const pool = serverPool(PG_URL);
// A server whose default isolation is SERIALIZABLE: losers of a race get error 40001 instead of no row.
const serializablePool = serverPool(PG_URL, 8, '-c default_transaction_isolation=serializable');
afterAll(() => Promise.all([pool.end(), serializablePool.end()]));

async function freshStore(client: PostgresClient, table = freshTable()) {
  const store = new PostgresStore(client, { table });
  await store.migrate();
  return { store, table };
}

function suite(name: string, client: () => PostgresClient) {
  // One table for the whole contract suite: it uses fresh user ids, so tests do not see each other.
  let contractStore: Promise<PostgresStore> | undefined;
  runStoreContract(name, () => (contractStore ??= freshStore(client()).then((s) => s.store)), { describe, it: test, expect });

  describe(name, () => {
    test('postgresSchema is the statement migrate() runs, with the documented columns', async () => {
      const { table } = await freshStore(client());
      expect(postgresSchema(table)).toMatch(/^CREATE TABLE IF NOT EXISTS "t_\d+_\d+" \(/);
      const { rows } = await client().query(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      expect(rows).toEqual([
        { column_name: 'user_id', data_type: 'text', is_nullable: 'NO' },
        { column_name: 'record', data_type: 'jsonb', is_nullable: 'NO' },
        { column_name: 'version', data_type: 'bigint', is_nullable: 'NO' },
        { column_name: 'updated_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      ]);
    });

    test('migrate() is idempotent and keeps the rows', async () => {
      const { store } = await freshStore(client());
      await store.compareAndSet('u', null, pendingRecord());
      await store.migrate();
      expect((await store.get('u'))?.record).toEqual(pendingRecord());
    });

    test('arrays, nesting and non-ASCII text round-trip unchanged (no PostgreSQL array conversion)', async () => {
      const { store } = await freshStore(client());
      const record = { ...pendingRecord(), extra: { used: [0, 3, 7], empty: [], text: 'Zoë “quoted” \\ \u2028 😀' } };
      expect(await store.compareAndSet('ü-ser 😀', null, record as never)).toBe(true);
      expect((await store.get('ü-ser 😀'))?.record).toEqual(record);
    });

    test.each(GOOD_TABLES)('table %s works, quoted', async (table) => {
      const c = client();
      await c.query(`DROP TABLE IF EXISTS "${table}"`);
      const { store } = await freshStore(c, table);
      expect(await store.compareAndSet('u', null, pendingRecord())).toBe(true);
      expect((await c.query(`SELECT user_id FROM "${table}"`)).rows).toEqual([{ user_id: 'u' }]);
    });

    test('a schema-qualified name reaches that schema, and case is kept', async () => {
      const c = client();
      const schema = freshTable('auth');
      await c.query(`CREATE SCHEMA "${schema}"`);
      const { store } = await freshStore(c, `${schema}.TwoFactor`);
      await store.compareAndSet('u', null, pendingRecord());
      expect((await c.query(`SELECT user_id FROM "${schema}"."TwoFactor"`)).rows).toEqual([{ user_id: 'u' }]);
      await expect(c.query(`SELECT user_id FROM ${schema}.twofactor`)).rejects.toThrow(/does not exist/);
    });

    test.each(HOSTILE_TABLES)('table %j is refused with INVALID_OPTION naming "table", and nothing runs', async (table) => {
      const c = client();
      await c.query('CREATE TABLE IF NOT EXISTS victim (id INTEGER)');
      await c.query('DELETE FROM victim');
      await c.query('INSERT INTO victim VALUES (1)');
      let error: unknown;
      try {
        new PostgresStore(c, { table: table as string });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TwoFactorError);
      expect((error as TwoFactorError).code).toBe('INVALID_OPTION');
      expect((error as TwoFactorError).message).toMatch(/^"table" must be a table name/);
      expect(() => postgresSchema(table as string)).toThrow(/"table"/);
      expect((await c.query('SELECT count(*)::int AS n FROM victim')).rows).toEqual([{ n: 1 }]);
    });

    test.each([
      ['a JSON array', `'[1,2]'`, '1', /"record" must be a JSON object, got an array/],
      ['JSON null', `'null'`, '1', /"record" must be a JSON object, got null/],
      ['a JSON string', `'"text"'`, '1', /"record" must be a JSON object, got a string/],
      ['a version beyond 2^53', `'{}'`, '1152921504606846976', /"version" must be a safe integer/],
    ])('a row holding %s is a STORE_ERROR', async (_, record, version, message) => {
      const c = client();
      const { store, table } = await freshStore(c);
      await c.query(`INSERT INTO "${table}" (user_id, record, version) VALUES ('u', ${record}::jsonb, ${version})`);
      const error = await store.get('u').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TwoFactorError);
      expect((error as TwoFactorError).code).toBe('STORE_ERROR');
      expect((error as TwoFactorError).message).toMatch(message);
    });

    test('malformed arguments throw INVALID_OPTION and write nothing', async () => {
      const { store } = await freshStore(client());
      await expect(store.compareAndSet('', null, pendingRecord())).rejects.toThrow(/"userId" must be a string of 1–256 characters/);
      // PostgreSQL refuses a NUL in text and turns a lone surrogate into U+FFFD: both are refused before the query.
      await expect(store.compareAndSet('a\0b', null, pendingRecord())).rejects.toThrow(/"userId" must be text without NUL or unpaired surrogates/);
      await expect(store.get('a\uDC00')).rejects.toThrow(/"userId" must be text without NUL or unpaired surrogates/);
      await expect(store.compareAndSet('u', 2.5, pendingRecord())).rejects.toThrow(/"expectedVersion" must be null or a safe integer/);
      await expect(store.compareAndSet('u', null, { n: 1n } as never)).rejects.toThrow(/"next" must be null or a JSON-serialisable object/);
      expect(await store.get('u')).toBeNull();
      expect(() => new PostgresStore({} as never)).toThrow(/"client" must be a pg-compatible client/);
    });

    test('through the service: a code works once, then is replayed', async () => {
      const { store } = await freshStore(client());
      await expectSingleUseThroughService(store);
    });
  });
}

suite('PostgresStore on PGlite', () => lite);

// The real server (a block only to keep the history of these lines readable).
{
  suite('PostgresStore on a PostgreSQL server (pg.Pool, 8 connections)', () => pool);

  runStoreContract('PostgresStore on a server with default_transaction_isolation = serializable', () =>
    freshStore(serializablePool).then((s) => s.store),
    { describe, it: test, expect },
  );

  test('the serializable pool really runs SERIALIZABLE', async () => {
    expect((await serializablePool.query('SHOW transaction_isolation')).rows).toEqual([{ transaction_isolation: 'serializable' }]);
  });

  describe('faults on a PostgreSQL server', () => {
    test('the connection killed in the middle of verify(): an error, no partial write, the pool carries on', async () => {
      const { store, table } = await freshStore(pool);
      const clock = new ManualClock(T0_MS);
      const twoFactor = serviceOn(store, clock);
      const { secret } = await enableUser(twoFactor, clock, 'bob');
      const before = await store.get('bob');
      const code = codeAt(secret, clock.now());

      // Another session locks the row, so verify() reads it and then blocks inside its UPDATE.
      const locker = await pool.connect();
      try {
        await locker.query('BEGIN');
        await locker.query(`SELECT 1 FROM "${table}" WHERE user_id = 'bob' FOR UPDATE`);
        const attempt = twoFactor.verify('bob', code).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        let pid: number | undefined;
        for (let i = 0; i < 200 && pid === undefined; i++) {
          const { rows } = await pool.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE "${table}"%'`,
          );
          pid = rows[0]?.pid;
          if (pid === undefined) await new Promise((r) => setTimeout(r, 25));
        }
        expect(pid).toBeTypeOf('number');
        await pool.query('SELECT pg_terminate_backend($1)', [pid]);
        const outcome = await attempt;
        expect(outcome).toHaveProperty('error');
        const error = (outcome as { error: TwoFactorError }).error;
        expect(error).toBeInstanceOf(TwoFactorError);
        expect(error.code).toBe('STORE_ERROR');
        expect((error.cause as { code?: string }).code).toBe('57P01'); // admin_shutdown: the backend was terminated
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      expect(await store.get('bob')).toEqual(before);
      // The code was not consumed by the failed call, and the same pool serves the retry.
      expect(await twoFactor.verify('bob', code)).toMatchObject({ ok: true, method: 'totp' });
    });

    test('server stopped: calls fail with an error; server started again: the same pool works', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'two-factor-pg-restart-'));
      const env = { ...process.env, TWO_FACTOR_PG_DIR: dir, TWO_FACTOR_PG_PORT: '55432' };
      const server = (command: string) => execFileSync(SCRIPT, [command], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      const own = serverPool(server('start'), 4);
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
        await expect(store.get('carol')).rejects.toThrow(/ECONNREFUSED|connect/);

        server('start');
        expect(await store.get('carol')).toEqual(before);
        expect(await twoFactor.verify('carol', code)).toMatchObject({ ok: true, method: 'totp' });
        expect(await twoFactor.verify('carol', code)).toMatchObject({ ok: false, reason: 'replayed' });
      } finally {
        await own.end();
        server('destroy');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
