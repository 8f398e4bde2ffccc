// Single use across processes for the stores over an app's own connection: 4 separate Node processes,
// each with 4 concurrent verify() calls, all with one code at the same moment, against one MariaDB
// (TWO_FACTOR_MYSQL_URL) or PostgreSQL (TWO_FACTOR_PG_URL) server; exactly one of the 16 may succeed.
// `npm test` starts both servers; unset, this file fails to load. The approach of multiprocess.test.ts.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MysqlStore } from '../../src/stores/mysql.js';
import { PRISMA_MODEL, prismaSchemaSql } from '../../src/stores/prisma.js';
import { ManualClock, STEP_MS, T0_MS, codeAt, enableUser, serviceOn } from '../support/fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { openSqlStore, type SqlWorkerConfig } from '../support/sql-store-open.js';
import { freshTable } from '../support/store-fixtures.js';
import { WorkerProcess } from '../support/worker-process.js';

const PROCESSES = 4;
const PARALLEL = 4;
const ROUNDS = 4;
const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const MYSQL_URL = requiredEnv('TWO_FACTOR_MYSQL_URL');
const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so the bundles' imports of pg, mysql2, kysely, drizzle-orm and Prisma resolve.
const work = join(root, 'test-artifacts', `sql-race-${process.pid}`);
const workerFile = join(work, 'worker.mjs');
const prismaClient = join(work, 'prisma-client.mjs');
const prismaSchema = freshTable('prisma_race');

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' } as const;
  await build({ ...common, entryPoints: [join(root, 'test/support/sql-store-worker.ts')], outfile: workerFile });
  // The generated Prisma client is TypeScript: generated here, then bundled for the plain-Node workers.
  writeFileSync(join(work, 'schema.prisma'), `generator client {\n  provider = "prisma-client"\n  output   = "./prisma"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\n${PRISMA_MODEL}\n`);
  execFileSync(join(root, 'node_modules/.bin/prisma'), ['generate', '--schema', join(work, 'schema.prisma')], {
    cwd: work,
    stdio: 'pipe',
    timeout: 120_000,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  await build({ ...common, entryPoints: [join(work, 'prisma/client.ts')], outfile: prismaClient });
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Outcome = { results: { ok: boolean; reason?: string }[]; errors: { code?: string; message: string }[]; conflicts: number };

/** A worker process of the SQL store worker. */
class Worker extends WorkerProcess {
  constructor(config: SqlWorkerConfig) {
    super(workerFile, config, { cwd: root });
  }
}

/** Creates the table the kind's store works on. */
async function prepare(kind: SqlWorkerConfig['kind'], url: string, table: string): Promise<void> {
  if (kind === 'mysql' || kind === 'kysely-mysql' || kind === 'drizzle-mysql') {
    const pool = mysql.createPool({ uri: url, connectionLimit: 1 });
    await new MysqlStore(pool, { table }).migrate();
    return pool.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  if (kind === 'prisma-pg') {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${prismaSchema}"`);
    await pool.query(prismaSchemaSql('postgresql').replace('"two_factor_record"', `"${prismaSchema}"."two_factor_record"`));
  } else {
    const { PostgresStore } = await import('../../src/stores/postgres.js');
    await new PostgresStore(pool, { table }).migrate();
  }
  await pool.end();
}

function raceSuite(name: string, kind: SqlWorkerConfig['kind'], url: string) {
  describe(`${PROCESSES} processes × ${PARALLEL} concurrent verify(), one database: ${name}`, () => {
    const config: SqlWorkerConfig = { kind, url, table: freshTable('race'), prismaClient, prismaSchema };
    let workers: Worker[] = [];
    let close: () => Promise<void> = async () => {};
    const clock = new ManualClock(T0_MS);
    let twoFactor: ReturnType<typeof serviceOn>;
    let secret = '';

    beforeAll(async () => {
      await prepare(kind, url, config.table);
      const opened = await openSqlStore(config);
      close = opened.close;
      twoFactor = serviceOn(opened.store, clock);
      ({ secret } = await enableUser(twoFactor, clock, 'racer'));
      workers = Array.from({ length: PROCESSES }, () => new Worker(config));
      expect(await Promise.all(workers.map((w) => w.next()))).toEqual(Array(PROCESSES).fill('ready'));
    }, 60_000);

    afterAll(async () => {
      const codes = await Promise.all(workers.map((w) => w.stop()));
      await close();
      expect(codes).toEqual(Array(PROCESSES).fill(0));
    });

    test(`one TOTP code: exactly one of ${PROCESSES * PARALLEL} calls succeeds, the rest are replays, ${ROUNDS} rounds; the processes overlapped`, async () => {
      let conflicts = 0;
      for (let round = 0; round < ROUNDS; round++) {
        clock.advance(STEP_MS);
        const command = { userId: 'racer', code: codeAt(secret, clock.now()), nowMs: clock.now(), goAtMs: Date.now() + 300, parallel: PARALLEL };
        workers.forEach((w) => w.proc.stdin.write(`${JSON.stringify(command)}\n`));
        const outcomes = (await Promise.all(workers.map((w) => w.next()))) as Outcome[];
        expect(outcomes.flatMap((o) => o.errors)).toEqual([]);
        const results = outcomes.flatMap((o) => o.results);
        expect(results).toHaveLength(PROCESSES * PARALLEL);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok).map((r) => r.reason)).toEqual(Array(PROCESSES * PARALLEL - 1).fill('replayed'));
        conflicts += outcomes.reduce((n, o) => n + o.conflicts, 0);
      }
      // Without overlap the runs would be sequential and prove nothing about atomicity.
      expect(conflicts).toBeGreaterThan(0);
      expect(await twoFactor.status('racer')).toMatchObject({ state: 'enabled' });
    }, 60_000);
  });
}

raceSuite('MysqlStore on MariaDB', 'mysql', MYSQL_URL);
raceSuite('KyselyStore on MariaDB', 'kysely-mysql', MYSQL_URL);
raceSuite('DrizzleStore on MariaDB', 'drizzle-mysql', MYSQL_URL);
raceSuite('KyselyStore on PostgreSQL', 'kysely-pg', PG_URL);
raceSuite('DrizzleStore on PostgreSQL', 'drizzle-pg', PG_URL);
raceSuite('PrismaStore on PostgreSQL', 'prisma-pg', PG_URL);
