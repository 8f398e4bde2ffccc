// Trusted devices on every store: 50 concurrent `verify` calls with one code and `trustDevice` — exactly one
// succeeds and exactly one device (its token) exists afterwards, because the device is minted in the same
// compare-and-set that consumes the code. MemoryStore; SQLite through five connections to one WAL file;
// Redis through four connections (TWO_FACTOR_REDIS_URL); PostgreSQL on PGlite and on a real server through a
// pool of 8 connections (TWO_FACTOR_PG_URL; `npm test` starts both servers). Then check, list and revoke on each.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { createTwoFactor, type TwoFactor, type TwoFactorStore } from '../../../src/server/index.js';
import { PostgresStore, type PostgresClient } from '../../../src/stores/postgres.js';
import { RedisStore } from '../../../src/stores/redis.js';
import { SqliteStore } from '../../../src/stores/sqlite.js';
import { CHEAP_SCRYPT, ManualClock, T0_MS, codeAt, enableUser } from '../../support/fixtures.js';
import { connectRedis } from '../../support/redis-client.js';
import { freshTable, LastWriterWins, YieldingMemoryStore, yieldingReads } from '../../support/store-fixtures.js';
import { requiredEnv } from '../../support/required-env.js';

const CALLS = 50;
const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');

/** The service as an application runs it (default throttle), over one of several connections to one database. */
function service(store: TwoFactorStore, clock: ManualClock): TwoFactor {
  return createTwoFactor({ store, issuer: 'Trusted devices', now: clock.now, backupCodes: { cost: CHEAP_SCRYPT } });
}

let users = 0;

/** 50 verifies of one code at once, spread over the stores (connections) given; checks the one winner and its one device. */
async function fiftyAtOnce(stores: TwoFactorStore[]): Promise<void> {
  const clock = new ManualClock(T0_MS);
  const services = stores.map((store) => service(store, clock));
  const userId = `user-${process.pid}-${++users}`;
  const { secret } = await enableUser(services[0]!, clock, userId);
  const code = codeAt(secret, clock.now());

  const results = await Promise.all(
    Array.from({ length: CALLS }, (_, i) => services[i % services.length]!.verify(userId, code, { trustDevice: { label: `tab ${i}` } })),
  );
  const winners = results.filter((r) => r.ok);
  expect(winners).toHaveLength(1);
  for (const r of results) if (!r.ok) expect(['replayed', 'throttled']).toContain(r.reason);
  const winner = winners[0]!;
  if (!winner.ok || !winner.trustedDevice) throw new Error('the winner has no device');
  const { token, deviceId } = winner.trustedDevice;

  const record = (await stores[0]!.get(userId))!.record;
  const hash = createHash('sha256')
    .update(Buffer.concat([Buffer.from('two-factor trusted device v1\0'), Buffer.from(`${userId}\0`), Buffer.from(token.slice(5), 'base64url')]))
    .digest('base64url');
  expect(record.devices).toEqual([expect.objectContaining({ id: deviceId, hash })]);

  const other = services.at(-1)!;
  expect(await other.verifyTrustedDevice(userId, token)).toEqual({ ok: true, deviceId });
  expect(await other.listTrustedDevices(userId)).toEqual([expect.objectContaining({ deviceId, label: expect.stringMatching(/^tab \d+$/) })]);
  expect(await other.revokeTrustedDevice(userId, deviceId)).toBe(true);
  expect(await services[0]!.verifyTrustedDevice(userId, token)).toEqual({ ok: false, reason: 'invalid' });
  expect('devices' in (await stores[0]!.get(userId))!.record).toBe(false);
}

describe(`${CALLS} concurrent verifies with one code and trustDevice: one success, one device`, () => {
  test('MemoryStore (reads yield to the event loop, so the 50 calls interleave between read and write)', async () => {
    await fiftyAtOnce([new YieldingMemoryStore()]);
  });

  test('SqliteStore: five connections to one WAL file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trusted-devices-sqlite-'));
    const file = join(dir, 'db.sqlite');
    const table = freshTable();
    const connections = Array.from({ length: 5 }, () => {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      return db;
    });
    try {
      const stores = connections.map((db) => new SqliteStore(db, { table }));
      await stores[0]!.migrate();
      // better-sqlite3 never waits: without the yield each verify would finish before the next one reads.
      await fiftyAtOnce(stores.map(yieldingReads));
    } finally {
      for (const db of connections) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('RedisStore: four connections to one server (TWO_FACTOR_REDIS_URL)', async () => {
    const clients = await Promise.all(Array.from({ length: 4 }, () => connectRedis(REDIS_URL)));
    try {
      const keyPrefix = `${freshTable()}:`;
      await fiftyAtOnce(clients.map((client) => new RedisStore(client, { keyPrefix })));
    } finally {
      for (const client of clients) await client.close();
    }
  });

  test('PostgresStore on PGlite', async () => {
    const lite = new PGlite();
    try {
      const store = new PostgresStore(lite, { table: freshTable() });
      await store.migrate();
      await fiftyAtOnce([store]);
    } finally {
      await lite.close();
    }
  });

  const pool = new pg.Pool({ connectionString: PG_URL, max: 8, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => {});
  afterAll(() => pool.end());
  test('PostgresStore on a real server, 8 pooled connections', async () => {
    const store = new PostgresStore(pool as PostgresClient, { table: freshTable() });
    await store.migrate();
    await fiftyAtOnce([store]);
  });
});

describe('the check can fail', () => {
  test('on a store without compare-and-set, several of the 50 verifies succeed and the check says so', async () => {
    await expect(fiftyAtOnce([new LastWriterWins()])).rejects.toThrow(/expected \[.*\] to have a length of 1/s);
  });
});
