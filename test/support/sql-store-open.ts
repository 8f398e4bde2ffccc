// The stores over an app's own connection as the cross-process test opens them, in its test file and in
// its worker processes (sql-store-worker.ts): each kind over a connection of its own.
import { drizzle as drizzleMysql } from 'drizzle-orm/mysql2';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { Kysely, MysqlDialect, PostgresDialect } from 'kysely';
import { createPool as createCallbackPool } from 'mysql2';
import mysql from 'mysql2/promise';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { TwoFactorStore } from '../../src/server/index.js';
import { DrizzleStore, mysqlTwoFactorTable, pgTwoFactorTable } from '../../src/stores/drizzle.js';
import { KyselyStore } from '../../src/stores/kysely.js';
import { MysqlStore } from '../../src/stores/mysql.js';
import { PrismaStore } from '../../src/stores/prisma.js';

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
