// The errors a losing writer of a compare-and-set can get instead of matching no row, on every engine the
// stores reach. Each means "another writer got there first": the caller re-reads and decides again.
// Not an entry point; each store bundles its own copy.

// MySQL/MariaDB errno: a duplicate key on the insert of a user that now exists, a deadlock between racing
// inserts, MariaDB 11.8's snapshot-isolation check ("record has changed since last read").
const MYSQL = new Set([1062, 1213, 1020]);
// PostgreSQL SQLSTATE: a serialization failure (REPEATABLE READ / SERIALIZABLE), a unique violation.
const POSTGRES = new Set(['40001', '23505']);
// SQLite (better-sqlite3's code) and Prisma (a unique constraint failed).
const OTHER = new Set(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE', 'P2002']);

/** Whether `error`, or an error it wraps (ORMs set `cause`), says another writer won. @internal */
export function lostRace(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { errno, code } = e as { errno?: unknown; code?: unknown };
    if (MYSQL.has(errno as number) || POSTGRES.has(code as string) || OTHER.has(code as string)) return true;
  }
  return false;
}
