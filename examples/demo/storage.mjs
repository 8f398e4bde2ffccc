// Where the records live (SQLite by default, PostgreSQL or Redis when given a URL) and the key that seals
// the factor secrets in them.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The store named by the options, migrated; `description` for the start-up line (no password), `close` to end it. */
export async function openStorage({ dbFile, databaseUrl, redisUrl }) {
  if (redisUrl) {
    const { createClient } = await import('redis');
    const { RedisStore } = await import('@inworkjobs/two-factor/stores/redis');
    // Fail fast while the connection is down instead of queuing requests until it is back.
    const client = createClient({ url: redisUrl, disableOfflineQueue: true });
    client.on('error', (error) => console.error('[demo] Redis connection failed:', error.message));
    await client.connect();
    const shown = new URL(redisUrl);
    if (shown.password) shown.password = '***';
    return { store: new RedisStore(client), description: `Redis ${shown}`, close: () => client.close() };
  }
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const { PostgresStore } = await import('@inworkjobs/two-factor/stores/postgres');
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
    pool.on('error', (error) => console.error('[demo] idle PostgreSQL connection failed:', error.message));
    const store = new PostgresStore(pool);
    await store.migrate();
    const shown = new URL(databaseUrl);
    if (shown.password) shown.password = '***';
    return { store, description: `PostgreSQL ${shown}`, close: () => pool.end() };
  }
  const { default: Database } = await import('better-sqlite3');
  const { SqliteStore } = await import('@inworkjobs/two-factor/stores/sqlite');
  mkdirSync(dirname(dbFile), { recursive: true });
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const store = new SqliteStore(db);
  await store.migrate();
  return { store, description: `SQLite ${displayPath(dbFile)} (WAL)`, close: async () => db.close() };
}

/** DEMO_ENCRYPTION_KEY (base64 of 32 bytes), else a key file beside the database, made on first start. */
export function loadEncryptionKey(dbFile) {
  const fromEnv = process.env.DEMO_ENCRYPTION_KEY;
  if (fromEnv) {
    const bytes = new Uint8Array(Buffer.from(fromEnv, 'base64'));
    if (bytes.length !== 32) throw new Error(`DEMO_ENCRYPTION_KEY must be base64 of 32 bytes, got ${bytes.length} bytes`);
    return { bytes, source: 'DEMO_ENCRYPTION_KEY' };
  }
  const keyFile = join(dirname(dbFile), 'demo.key');
  if (existsSync(keyFile)) {
    const bytes = new Uint8Array(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64'));
    if (bytes.length !== 32) throw new Error(`${keyFile} must hold base64 of 32 bytes, got ${bytes.length} bytes`);
    return { bytes, source: `${displayPath(keyFile)}` };
  }
  mkdirSync(dirname(keyFile), { recursive: true });
  const bytes = new Uint8Array(randomBytes(32));
  writeFileSync(keyFile, `${Buffer.from(bytes).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { bytes, source: `${displayPath(keyFile)} (generated now)` };
}

function displayPath(path) {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
