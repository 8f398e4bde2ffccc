// Several factors (src/server/factors.ts, proof.ts, hotp-tokens.ts) under concurrency, on every store: of 50
// concurrent requests with one TOTP or HOTP code, or one proof, exactly one succeeds (test/support/store-service.ts).
// PostgreSQL on PGlite and on the server of TWO_FACTOR_PG_URL, Redis on the server of TWO_FACTOR_REDIS_URL
// (`npm test` starts both; a missing server is a failure), SQLite on a WAL file.
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { PostgresStore } from '../../../src/stores/postgres.js';
import { RedisStore } from '../../../src/stores/redis.js';
import { SqliteStore } from '../../../src/stores/sqlite.js';
import { connectRedis } from '../../support/redis-client.js';
import { freshTable, LastWriterWins, YieldingMemoryStore, yieldingReads } from '../../support/store-fixtures.js';
import { expectConcurrentFactorUse } from '../../support/store-service.js';
import { requiredEnv } from '../../support/required-env.js';

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');
const dir = mkdtempSync(join(tmpdir(), 'two-factor-factors-'));
const closers: (() => unknown)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('50 concurrent uses of one code or proof: exactly one succeeds', () => {
  test('MemoryStore (reads yield to the event loop, so the 50 calls interleave between read and write)', () => expectConcurrentFactorUse(new YieldingMemoryStore()));

  test('RedisStore on a server (TWO_FACTOR_REDIS_URL)', async () => {
    const client = await connectRedis(REDIS_URL);
    closers.push(() => client.close());
    await expectConcurrentFactorUse(new RedisStore(client, { keyPrefix: `${freshTable('fc')}:` }));
  });

  test('SqliteStore (WAL file; reads yield to the event loop, as better-sqlite3 never does)', async () => {
    const db = new Database(join(dir, 'factors.db'));
    db.pragma('journal_mode = WAL');
    closers.push(() => db.close());
    const store = new SqliteStore(db, { table: freshTable('fc') });
    await store.migrate();
    await expectConcurrentFactorUse(yieldingReads(store));
  });

  test('PostgresStore on PGlite', async () => {
    const lite = new PGlite();
    closers.push(() => lite.close());
    const store = new PostgresStore(lite, { table: freshTable('fc') });
    await store.migrate();
    await expectConcurrentFactorUse(store);
  });

  test('PostgresStore on a server (TWO_FACTOR_PG_URL)', async () => {
    const client = new pg.Pool({ connectionString: PG_URL, max: 8 });
    closers.push(() => client.end());
    const store = new PostgresStore(client, { table: freshTable('fc') });
    await store.migrate();
    await expectConcurrentFactorUse(store);
  });
});

describe('the race check can fail', () => {
  test('on a store without compare-and-set, several of the 50 requests succeed and the check says so', async () => {
    await expect(expectConcurrentFactorUse(new LastWriterWins())).rejects.toThrow(/TOTP sign-in: expected \d+ to be 1/);
  });

  test('on a SqliteStore whose compareAndSet ignores the version, the same check fails', async () => {
    class SqliteLastWriterWins extends SqliteStore {
      override async compareAndSet(userId: string, _expected: number | null, next: Parameters<SqliteStore['compareAndSet']>[2]): Promise<boolean> {
        return super.compareAndSet(userId, (await this.get(userId))?.version ?? null, next);
      }
    }
    const db = new Database(':memory:');
    closers.push(() => db.close());
    const store = new SqliteLastWriterWins(db, { table: freshTable('lww') });
    await store.migrate();
    await expect(expectConcurrentFactorUse(yieldingReads(store))).rejects.toThrow(/TOTP sign-in: expected \d+ to be 1/);
  });
});
