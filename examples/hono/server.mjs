// Starts the Hono example on Node: `node examples/hono/server.mjs` → http://127.0.0.1:3000/
// app.mjs is the whole app; this file is the Node part (SQLite, the key file, the listener). On Workers or Bun,
// build `twoFactor` with a store for that platform (README.md) and export `createApp(…)` as the fetch handler.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { createTwoFactor } from '@inworkjobs/two-factor/server';
import { SqliteStore } from '@inworkjobs/two-factor/stores/sqlite';
import { createApp } from './app.mjs';
import { createUsers, DEMO_USER } from './users.mjs';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '.data');

/**
 * @param {{ port?: number, dbFile?: string, key?: Uint8Array, now?: () => number, trustProxy?: boolean, log?: (line: string) => void,
 *   storage?: { store: import('@inworkjobs/two-factor/server').TwoFactorStore, close: () => Promise<void> | void } }} [options]
 *   `storage`: another store than SQLite on `dbFile`, and how to close its connection
 */
export async function start({ port = 0, dbFile = join(DATA, 'app.db'), storage, key = loadKey(), now = Date.now, trustProxy = false, log = console.log } = {}) {
  const { store, close } = storage ?? (await openSqlite(dbFile)); // README.md: PostgreSQL or Redis instead
  // Secrets sealed with AES-256-GCM; events carry no secret or code, so they can go to the log.
  const encryption = { keys: { k1: key }, current: 'k1' };
  const onEvent = (event) => log(`[2fa] ${JSON.stringify(event)}`);
  const twoFactor = createTwoFactor({ store, issuer: 'Hono Example', encryption, now, onEvent });
  const users = await createUsers({ now });
  const app = createApp({ twoFactor, users, now, trustProxy, log });
  const server = await new Promise((resolve) => { const s = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s)); });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: async () => { server.closeAllConnections?.(); await new Promise((r) => server.close(r)); await close(); },
  };
}

/** The 2FA records on SQLite (better-sqlite3, WAL), in `dbFile`. */
async function openSqlite(dbFile) {
  mkdirSync(dirname(dbFile), { recursive: true });
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const store = new SqliteStore(db);
  await store.migrate();
  return { store, close: () => db.close() };
}

/** TWO_FACTOR_KEY (base64 of 32 bytes), else a key file made on first start (use your secret manager). */
function loadKey() {
  if (process.env.TWO_FACTOR_KEY) return new Uint8Array(Buffer.from(process.env.TWO_FACTOR_KEY, 'base64'));
  const file = join(DATA, 'app.key');
  if (!existsSync(file)) mkdirSync(DATA, { recursive: true }), writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return new Uint8Array(Buffer.from(readFileSync(file, 'utf8'), 'base64'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await start({ port: Number(process.env.PORT ?? 3000), trustProxy: process.env.TRUST_PROXY === '1' });
  console.log(`Hono example on ${url}/ — sign in as ${DEMO_USER.email} / ${DEMO_USER.password}`);
}
