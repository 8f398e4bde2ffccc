// What the MySQL-family stores (MysqlStore, and Kysely and Drizzle on MySQL) share: the table, the user-id
// key and the errors of a lost race. Not an entry point; each store bundles its own copy.
import { assertUserId } from './sql.js';

// Server errors a losing writer can get instead of matching no row (all mean "someone else wrote first"):
// a duplicate key on the insert of a user that now exists, a deadlock between racing inserts, and
// MariaDB 11.8's snapshot-isolation check ("record has changed since last read").
const LOST_RACE = new Set([1062, 1213, 1020]);

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

/** Whether a driver error, or an error wrapping it (ORMs set `cause`), is one of LOST_RACE. */
export function lostMysqlRace(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (LOST_RACE.has((e as { errno?: unknown }).errno as number)) return true;
  }
  return false;
}
