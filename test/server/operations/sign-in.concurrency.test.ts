// Sign-in challenges under concurrency, on every store (test/support/sign-in-races.ts): one challenge and
// one code, 50 challenges and one code, 50 wrong codes on one challenge. MemoryStore and SQLite with reads
// that answer one event-loop turn late (so the 50 calls interleave between read and write), SQLite through
// five connections to one WAL file, PostgreSQL on PGlite and on the server of TWO_FACTOR_PG_URL (a pool of
// 8), Redis on the server of TWO_FACTOR_REDIS_URL (four connections); `npm test` starts both servers, and a
// missing one is a failure. Across processes: test/stores/multiprocess.test.ts. Each race's check is shown
// to fail on a store whose compare-and-set ignores the version.
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import type { TwoFactorStore } from '../../../src/server/index.js';
import { PostgresStore, type PostgresClient } from '../../../src/stores/postgres.js';
import { RedisStore } from '../../../src/stores/redis.js';
import { SqliteStore } from '../../../src/stores/sqlite.js';
import { connectRedis } from '../../support/redis-client.js';
import { requiredEnv } from '../../support/required-env.js';
import { expectSignInRaces, manyChallengesOneCode, oneChallengeOneBackupCode, oneChallengeOneCode, wrongCodesOneChallenge } from '../../support/sign-in-races.js';
import { freshTable, LastWriterWins, YieldingMemoryStore, yieldingReads } from '../../support/store-fixtures.js';

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');
const dir = mkdtempSync(join(tmpdir(), 'two-factor-sign-in-'));
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sign-in races: one winner per code, at most maxAttempts counted per challenge', () => {
  test('MemoryStore (reads yield to the event loop)', () => expectSignInRaces([new YieldingMemoryStore()]));

  test('SqliteStore: five connections to one WAL file, reads yielding (better-sqlite3 never waits)', async () => {
    const file = join(dir, 'sign-in.sqlite');
    const table = freshTable('si');
    const connections = Array.from({ length: 5 }, () => {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      closers.push(() => db.close());
      return db;
    });
    const stores = connections.map((db) => new SqliteStore(db, { table }));
    await stores[0]!.migrate();
    await expectSignInRaces(stores.map(yieldingReads));
  });

  test('PostgresStore on PGlite', async () => {
    const lite = new PGlite();
    closers.push(() => lite.close());
    const store = new PostgresStore(lite, { table: freshTable('si') });
    await store.migrate();
    await expectSignInRaces([store]);
  });

  test('PostgresStore on a server (TWO_FACTOR_PG_URL), 8 pooled connections', async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
    pool.on('error', () => {});
    closers.push(() => pool.end());
    const store = new PostgresStore(pool as PostgresClient, { table: freshTable('si') });
    await store.migrate();
    await expectSignInRaces([store]);
  });

  test('RedisStore: four connections to one server (TWO_FACTOR_REDIS_URL)', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => connectRedis(REDIS_URL)));
    for (const client of clients) closers.push(() => client.close());
    const keyPrefix = `${freshTable('si')}:`;
    await expectSignInRaces(clients.map((client) => new RedisStore(client, { keyPrefix })));
  });
});

describe('each race check can fail: on a store whose compare-and-set ignores the version', () => {
  const races: [string, (stores: TwoFactorStore[]) => Promise<void>, RegExp][] = [
    ['one challenge, one TOTP code', oneChallengeOneCode, /one challenge, one TOTP code: winners/],
    ['one challenge, one backup code', oneChallengeOneBackupCode, /one challenge, one backup code: winners/],
    ['50 challenges, one code', manyChallengesOneCode, /50 challenges, one code: winners/],
    ['50 wrong codes on one challenge', wrongCodesOneChallenge, /50 wrong codes on one challenge: counted/],
  ];
  for (const [name, run, message] of races) {
    test(`${name}: several succeed or count, and the check says so`, async () => {
      await expect(run([new LastWriterWins()])).rejects.toThrow(message);
    });
  }

  test('on a SqliteStore whose compareAndSet ignores the version, the one-code check fails too', async () => {
    class SqliteLastWriterWins extends SqliteStore {
      override async compareAndSet(userId: string, _expected: number | null, next: Parameters<SqliteStore['compareAndSet']>[2]): Promise<boolean> {
        return super.compareAndSet(userId, (await this.get(userId))?.version ?? null, next);
      }
    }
    const db = new Database(':memory:');
    closers.push(() => db.close());
    const store = new SqliteLastWriterWins(db, { table: freshTable('lww') });
    await store.migrate();
    await expect(oneChallengeOneCode([yieldingReads(store)])).rejects.toThrow(/one challenge, one TOTP code: winners/);
  });
});
