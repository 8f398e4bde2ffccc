// One separate Node process of the cross-process single-use test of the stores over an app's own
// connection (bundled by esbuild before it runs; the Prisma client is a bundle of its own, loaded by path).
//
// argv[2]: JSON { kind, url, table, prismaClient? } with kind one of 'mysql' | 'kysely-pg' | 'kysely-mysql'
//          | 'drizzle-pg' | 'drizzle-mysql' | 'prisma-pg'
// stdout:  "ready" once connected, then one JSON line per command
// stdin:   one JSON line per command { userId, code, nowMs, goAtMs, parallel }: the worker sets its clock to
//          nowMs, spins until the wall clock reaches goAtMs, starts `parallel` verify(userId, code) calls at
//          once and answers { results, errors, conflicts } (conflicts: its compareAndSet calls that lost).
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { Kysely, MysqlDialect, PostgresDialect } from 'kysely';
import { createPool as createCallbackPool } from 'mysql2';
import mysql from 'mysql2/promise';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { TwoFactorStore } from '../../src/server/index.js';
import { DrizzleStore, mysqlTwoFactorTable, pgTwoFactorTable } from '../../src/stores/drizzle.js';
import { KyselyStore } from '../../src/stores/kysely.js';
import { MysqlStore } from '../../src/stores/mysql.js';
import { PrismaStore } from '../../src/stores/prisma.js';
import { ManualClock, T0_MS, serviceOn } from './fixtures.js';
import { countingConflicts } from './worker-process.js';

export type SqlWorkerConfig = {
  kind: 'mysql' | 'kysely-pg' | 'kysely-mysql' | 'drizzle-pg' | 'drizzle-mysql' | 'prisma-pg';
  url: string;
  table: string;
  prismaClient?: string;
  prismaSchema?: string;
};

/** The store of `config`, over a connection of its own, and how to close that connection. */
export async function openSqlStore(config: SqlWorkerConfig): Promise<{ store: TwoFactorStore; close: () => Promise<void> }> {
  const pgPool = () => {
    const pool = new pg.Pool({ connectionString: config.url, max: 4 });
    pool.on('error', () => {});
    return pool;
  };
  switch (config.kind) {
    case 'mysql': {
      const pool = mysql.createPool({ uri: config.url, connectionLimit: 4 });
      return { store: new MysqlStore(pool, { table: config.table }), close: () => pool.end() };
    }
    case 'kysely-pg':
    case 'kysely-mysql': {
      const dialect = config.kind === 'kysely-pg' ? new PostgresDialect({ pool: pgPool() }) : new MysqlDialect({ pool: createCallbackPool({ uri: config.url, connectionLimit: 4 }) });
      const db = new Kysely<any>({ dialect });
      return { store: new KyselyStore(db, { table: config.table }), close: () => db.destroy() };
    }
    case 'drizzle-pg': {
      const pool = pgPool();
      return { store: new DrizzleStore(drizzlePg(pool), pgTwoFactorTable(config.table)), close: () => pool.end() };
    }
    case 'drizzle-mysql': {
      const pool = mysql.createPool({ uri: config.url, connectionLimit: 4 });
      return { store: new DrizzleStore(drizzleMysql(pool), mysqlTwoFactorTable(config.table)), close: () => pool.end() };
    }
    case 'prisma-pg': {
      const { PrismaClient } = (await import(pathToFileURL(config.prismaClient!).href)) as { PrismaClient: new (o: object) => any };
      const { PrismaPg } = await import('@prisma/adapter-pg');
      const pool = pgPool();
      const client = new PrismaClient({ adapter: new PrismaPg(pool, { schema: config.prismaSchema }) });
      return {
        store: new PrismaStore(client.twoFactorRecord),
        close: async () => {
          await client.$disconnect();
          await pool.end();
        },
      };
    }
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as SqlWorkerConfig;
  const { store: inner, close } = await openSqlStore(config);
  const { store, take: takeConflicts } = countingConflicts(inner);
  const clock = new ManualClock(T0_MS);
  const twoFactor = serviceOn(store, clock);
  // Warm up (connections, JIT, statement preparation) on a user nobody has, so the race measures the real calls.
  await Promise.all(Array.from({ length: 4 }, () => twoFactor.status('warm-up')));

  const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  out('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    const { userId, code, nowMs, goAtMs, parallel } = JSON.parse(line) as { userId: string; code: string; nowMs: number; goAtMs: number; parallel: number };
    clock.set(nowMs);
    takeConflicts(); // count from here
    while (Date.now() < goAtMs) {
      // spin: a timer would wake each process at a different moment
    }
    const settled = await Promise.allSettled(Array.from({ length: parallel }, () => twoFactor.verify(userId, code)));
    out({
      results: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
      errors: settled.flatMap((s) => (s.status === 'rejected' ? [{ code: (s.reason as { code?: string }).code, message: String((s.reason as Error).message) }] : [])),
      conflicts: takeConflicts(),
    });
  }
  await close();
}

// Only as a spawned worker: the test file imports openSqlStore from here too.
if (process.env.TWO_FACTOR_SQL_WORKER === '1') await main();
