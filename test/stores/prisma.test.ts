// The Prisma store over a real Prisma 7 client (the engine-free `prisma-client` generator, generated here
// by `prisma generate`) with driver adapters: @prisma/adapter-pg on the PostgreSQL server of
// TWO_FACTOR_PG_URL (unset, this file fails to load) and @prisma/adapter-better-sqlite3 on a file.
// Prisma's CLI downloads a schema engine first and cannot here; `generate` needs no engine, so
// PRISMA_SCHEMA_ENGINE_BINARY points at any existing file. `db push`/`migrate` cannot run here (they exit 0
// having done nothing): the tables are created with the documented SQL (prismaSchemaSql).
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { PRISMA_MODEL, PrismaStore, prismaSchemaSql, type PrismaTwoFactorDelegate } from '../../src/stores/prisma.js';
import { freshTable, pendingRecord } from '../support/store-fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { sqlStoreSuite } from '../support/sql-store-checks.js';

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so the generated client resolves @prisma/client from node_modules.
const work = join(root, 'test-artifacts', `prisma-${process.pid}`);

type Client = { twoFactorRecord: PrismaTwoFactorDelegate; $queryRawUnsafe(sql: string): Promise<unknown>; $disconnect(): Promise<void> };

/** Writes a schema with the documented model (its version Int or BigInt) and generates its client. */
async function generate(name: string, provider: 'postgresql' | 'sqlite', versionType = 'BigInt'): Promise<new (options: object) => Client> {
  const schema = join(work, `${name}.prisma`);
  const model = PRISMA_MODEL.replace('version BigInt', `version ${versionType}`);
  writeFileSync(schema, `generator client {\n  provider = "prisma-client"\n  output   = "./${name}"\n}\n\ndatasource db {\n  provider = "${provider}"\n}\n\n${model}\n`);
  execFileSync(join(root, 'node_modules/.bin/prisma'), ['generate', '--schema', schema], {
    cwd: work,
    stdio: 'pipe',
    timeout: 120_000,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  return ((await import(pathToFileURL(join(work, name, 'client.ts')).href)) as { PrismaClient: new (options: object) => Client }).PrismaClient;
}

const pgPool = new pg.Pool({ connectionString: PG_URL, max: 8 });
pgPool.on('error', () => {});
const pgSchema = freshTable('prisma');
const sqliteFile = join(work, 'prisma.sqlite');
let pgClient: Client;
let sqliteClient: Client;
let sqliteRaw: Database.Database;

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  const [PgClient, SqliteClient] = [await generate('pg', 'postgresql'), await generate('sqlite', 'sqlite')];
  await pgPool.query(`CREATE SCHEMA "${pgSchema}"`);
  await pgPool.query(prismaSchemaSql('postgresql').replace('"two_factor_record"', `"${pgSchema}"."two_factor_record"`));
  pgClient = new PgClient({ adapter: new PrismaPg(pgPool, { schema: pgSchema }) });
  sqliteRaw = new Database(sqliteFile);
  sqliteRaw.pragma('journal_mode = WAL');
  sqliteRaw.exec(prismaSchemaSql('sqlite'));
  sqliteClient = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${sqliteFile}` }) });
}, 180_000);

afterAll(async () => {
  await Promise.all([pgClient?.$disconnect(), sqliteClient?.$disconnect()]);
  sqliteRaw?.close();
  await pgPool.query(`DROP SCHEMA IF EXISTS "${pgSchema}" CASCADE`);
  await pgPool.end();
  rmSync(work, { recursive: true, force: true });
});

const engines = {
  postgresql: {
    label: 'PostgreSQL (@prisma/adapter-pg over a pg.Pool)',
    client: () => pgClient,
    // The model's table is fixed; each check starts from an empty one (tests in a file run one at a time).
    clear: () => pgPool.query(`DELETE FROM "${pgSchema}"."two_factor_record"`),
    insert: (id: string, json: string, v: string) => pgPool.query(`INSERT INTO "${pgSchema}"."two_factor_record" VALUES ($1, $2, ${v})`, [id, json]),
    read: async (id: string) => (await pgPool.query(`SELECT record, version::text AS v FROM "${pgSchema}"."two_factor_record" WHERE user_id = $1`, [id])).rows,
  },
  sqlite: {
    label: 'SQLite (@prisma/adapter-better-sqlite3, a file)',
    client: () => sqliteClient,
    clear: async () => sqliteRaw.exec('DELETE FROM "two_factor_record"'),
    insert: async (id: string, json: string, v: string) => sqliteRaw.prepare(`INSERT INTO "two_factor_record" VALUES (?, ?, ${v})`).run(id, json),
    read: async (id: string) => sqliteRaw.prepare('SELECT record, CAST(version AS TEXT) AS v FROM "two_factor_record" WHERE user_id = ?').all(id),
  },
};

for (const engine of Object.values(engines)) {
  sqlStoreSuite(`PrismaStore on ${engine.label}`, {
    fresh: async () => {
      await engine.clear();
      return { store: new PrismaStore(engine.client().twoFactorRecord), table: 'two_factor_record' };
    },
    insertRaw: async (_, userId, json, version) => void (await engine.insert(userId, json, version)),
    readRaw: (_, userId) => engine.read(userId),
    // The store never disconnects the client: it still answers a query through its adapter.
    ping: () => engine.client().$queryRawUnsafe('SELECT 1 AS one'),
  });
}

describe('PrismaStore', () => {
  test('a model with version Int: versions start below 2^31 - 2^24, so a 32-bit column never overflows', async () => {
    const IntClient = await generate('sqlite_int', 'sqlite', 'Int');
    const file = join(work, 'int.sqlite');
    new Database(file).exec(prismaSchemaSql('sqlite')).close();
    const client = new IntClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
    try {
      const store = new PrismaStore(client.twoFactorRecord);
      const versions: number[] = [];
      for (let i = 0; i < 50; i++) {
        const user = `int-${i}`;
        expect(await store.compareAndSet(user, null, pendingRecord())).toBe(true);
        versions.push((await store.get(user))!.version);
      }
      expect(Math.max(...versions)).toBeLessThan(2 ** 31 - 2 ** 24 + 1);
      expect(new Set(versions).size).toBe(50);
    } finally {
      await client.$disconnect();
    }
  }, 120_000);

  test('a BigInt model gets versions beyond 2^31 (the 48-bit range of the raw stores)', async () => {
    await engines.sqlite.clear();
    const store = new PrismaStore(sqliteClient.twoFactorRecord);
    const versions: number[] = [];
    for (let i = 0; i < 20; i++) {
      await store.compareAndSet(`big-${i}`, null, pendingRecord());
      versions.push((await store.get(`big-${i}`))!.version);
    }
    expect(Math.max(...versions)).toBeGreaterThan(2 ** 31);
  });

  test('the documented SQL is the table of the model; other providers are refused', () => {
    expect(prismaSchemaSql('postgresql')).toContain('"version" BIGINT NOT NULL');
    expect(() => prismaSchemaSql('mysql' as never)).toThrow(/"provider" must be 'postgresql' or 'sqlite'/);
  });

  test('a delegate without the four methods is INVALID_OPTION naming "delegate"', () => {
    const error = (() => {
      try {
        new PrismaStore({ findUnique() {} } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TwoFactorError);
    expect((error as TwoFactorError).code).toBe('INVALID_OPTION');
    expect((error as TwoFactorError).message).toMatch(/^"delegate" must be a Prisma model delegate/);
  });
});
