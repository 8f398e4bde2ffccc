// What the MySQL-family stores (MysqlStore, and Kysely and Drizzle on MySQL) share: the table and the
// user-id key. Not an entry point; each store bundles its own copy.
import { assertUserId } from './sql.js';

/** The MySQL/MariaDB `CREATE TABLE IF NOT EXISTS` for an already quoted table name. */
export function mysqlTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
  user_id    VARBINARY(1024) NOT NULL,
  record     MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL CHECK (JSON_VALID(record)),
  version    BIGINT NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id)
) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`;
}

/**
 * The user id as the key column holds it: its UTF-8 bytes, sent as a Buffer so the connection's character
 * set cannot change them (at most 256 UTF-16 units = 768 bytes, within the column's 1024).
 */
export function userIdKey(userId: unknown): Uint8Array {
  return Buffer.from(assertUserId(userId), 'utf8');
}
