// The Drizzle table definitions of the store, one per engine, for the app's schema file: the same columns
// (names and types) as the raw store of that engine creates, so drizzle-kit's migration makes that table.
import { sql } from 'drizzle-orm';
import { bigint as myBigint, customType, mysqlSchema as myDatabase, mysqlTable, timestamp as myTimestamp } from 'drizzle-orm/mysql-core';
import { bigint, jsonb, pgSchema, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { integer, sqliteTable, text as sqliteText } from 'drizzle-orm/sqlite-core';
import { fail } from '../internal/assert.js';
import { userIdKey } from './mysql-rules.js';
import { DEFAULT_TABLE, tableParts } from './sql.js';

/** `[schema, table]` of a name checked by the raw stores' rule; schema undefined when unqualified. */
function split(name: unknown): [string | undefined, string] {
  const parts = tableParts(name ?? DEFAULT_TABLE);
  return parts.length === 2 ? [parts[0], parts[1]!] : [undefined, parts[0]!];
}

const pgColumns = () => ({
  userId: text('user_id').primaryKey(),
  record: jsonb('record').notNull(),
  version: bigint('version', { mode: 'number' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The store's table for a PostgreSQL schema file (drizzle-orm `pg-core`): `user_id text` primary key,
 * `record jsonb`, `version bigint`, `updated_at timestamptz` — the table `PostgresStore` creates, so both
 * stores can share it. Export it from your schema file and drizzle-kit's migrations create it.
 *
 * @param name - table name, default `"two_factor"`; `"schema.table"` puts it in that schema (`pgSchema`)
 * @returns a Drizzle `PgTable` with the columns `userId`, `record`, `version`, `updatedAt`
 * @throws TwoFactorError `INVALID_OPTION` when `name` is not a plain identifier
 *
 * @example
 * ```ts
 * // db/schema.ts: `export const twoFactor = pgTwoFactorTable();`
 * const twoFactor = pgTwoFactorTable('auth.two_factor');
 * twoFactor.userId.name; // 'user_id'
 * ```
 */
export function pgTwoFactorTable(name: string = DEFAULT_TABLE) {
  const [schema, table] = split(name);
  return schema === undefined ? pgTable(table, pgColumns()) : pgSchema(schema).table(table, pgColumns());
}

// The user id's UTF-8 bytes in a binary key (compared byte for byte; utf8mb4_bin would pad trailing spaces).
const userIdBytes = customType<{ data: string; driverData: Uint8Array }>({
  dataType: () => 'varbinary(1024)',
  // Bytes already (the store's prepared statements pass them; Drizzle encodes some placeholders again).
  toDriver: (value: unknown) => (value instanceof Uint8Array ? value : userIdKey(value)),
  fromDriver: (value) => new TextDecoder().decode(value),
});
// A column type of drizzle's MySQL core cannot name a character set: utf8mb4 is written into the type.
const utf8mb4Text = customType<{ data: string }>({ dataType: () => 'mediumtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' });

const mysqlColumns = () => ({
  userId: userIdBytes('user_id').primaryKey(),
  record: utf8mb4Text('record').notNull(),
  version: myBigint('version', { mode: 'number' }).notNull(),
  updatedAt: myTimestamp('updated_at', { fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
});

/**
 * The store's table for a MySQL 8 / MariaDB schema file (drizzle-orm `mysql-core`): `user_id
 * varbinary(1024)` primary key (the id's UTF-8 bytes), `record mediumtext` utf8mb4, `version bigint`,
 * `updated_at timestamp(3)` — the table `MysqlStore` creates, without its `JSON_VALID` check.
 *
 * @param name - table name, default `"two_factor"`; `"database.table"` puts it in that database
 * @returns a Drizzle `MySqlTable` with the columns `userId`, `record`, `version`, `updatedAt`
 * @throws TwoFactorError `INVALID_OPTION` when `name` is not a plain identifier
 *
 * @example
 * ```ts
 * // db/schema.ts: `export const twoFactor = mysqlTwoFactorTable();`
 * const twoFactor = mysqlTwoFactorTable();
 * twoFactor.userId.getSQLType(); // 'varbinary(1024)'
 * ```
 */
export function mysqlTwoFactorTable(name: string = DEFAULT_TABLE) {
  const [schema, table] = split(name);
  return schema === undefined ? mysqlTable(table, mysqlColumns()) : myDatabase(schema).table(table, mysqlColumns());
}

/**
 * The store's table for a SQLite schema file (drizzle-orm `sqlite-core`): `user_id text` primary key,
 * `record text` (JSON), `version integer`, `updated_at text` (ISO-8601 UTC) — the table `SqliteStore`
 * creates, without its `json_valid` check.
 *
 * @param name - table name, default `"two_factor"` (SQLite tables here are unqualified)
 * @returns a Drizzle `SQLiteTable` with the columns `userId`, `record`, `version`, `updatedAt`
 * @throws TwoFactorError `INVALID_OPTION` when `name` is not a plain identifier or is qualified
 *
 * @example
 * ```ts
 * // db/schema.ts: `export const twoFactor = sqliteTwoFactorTable();`
 * const twoFactor = sqliteTwoFactorTable();
 * twoFactor.version.name; // 'version'
 * ```
 */
export function sqliteTwoFactorTable(name: string = DEFAULT_TABLE) {
  const [schema, table] = split(name);
  if (schema !== undefined) fail('INVALID_OPTION', 'table', 'an unqualified table name for SQLite', name);
  return sqliteTable(table, {
    userId: sqliteText('user_id').primaryKey().notNull(),
    record: sqliteText('record').notNull(),
    version: integer('version', { mode: 'number' }).notNull(),
    updatedAt: sqliteText('updated_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  });
}
