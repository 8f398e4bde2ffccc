// `npm run demo`: the two-factor flows as a small web app — sign in, enable 2FA with a QR code rendered in
// the browser, backup codes, the second sign-in step, throttling, several factors, trusted browsers,
// regenerate, disable — the sensitive ones behind "confirm your password". Plain node:http, no framework.
// This file starts it: storage, key, the seeded account, the browser script, then app.mjs on a port.
//
// The library is imported by its package name (Node resolves a package's own name through its "exports"),
// so the demo reads exactly as it would in an application that installed @inworkjobs/two-factor.
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { seedUser } from './accounts.mjs';
import { ISSUER, createApp } from './app.mjs';
import { error } from './pages/layout.mjs';
import { openStorage, loadEncryptionKey } from './storage.mjs';
import { bundleClient, createAssets } from './web/assets.mjs';
import { send } from './web/respond.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The seeded account, printed at start. */
export const DEMO_USER = Object.freeze({ id: 'demo-user-1', email: 'demo@example.com', password: 'correct horse battery staple' });
export { ISSUER };
export const DEFAULT_DB_FILE = join(here, '.data', 'demo.db');

/**
 * Starts the demo. Resolves once it listens.
 *
 * @param {object} [options]
 * @param {number} [options.port] TCP port, 0 = any free port (default 0)
 * @param {string} [options.host] default 127.0.0.1 — the demo is for this machine only
 * @param {string} [options.dbFile] SQLite file (default examples/demo/.data/demo.db); ignored with databaseUrl
 * @param {string} [options.databaseUrl] PostgreSQL connection string: use the PostgreSQL store instead
 * @param {string} [options.redisUrl] Redis URL (redis://host:port): use the Redis store instead
 * @param {Uint8Array} [options.encryptionKey] 32-byte AES key for secrets at rest; default from
 *   DEMO_ENCRYPTION_KEY (base64) or a key file beside the database, generated on first start
 * @param {() => number} [options.now] clock, epoch milliseconds (tests pass a manual one)
 * @param {(line: string) => void} [options.log] where start-up and audit lines go (default console.log)
 * @param {number} [options.maxSessions] most sessions held in memory (default 10,000)
 * @param {number} [options.maxThrottleEntries] most sign-in throttle counters held in memory (default 10,000)
 * @param {boolean} [options.trustProxy] take `X-Forwarded-Proto: https` from a reverse proxy as https (the
 *   trusted-browser cookie gets `Secure`); default DEMO_TRUST_PROXY=1, else false
 */
export async function start(options = {}) {
  const {
    port = 0,
    host = '127.0.0.1',
    dbFile = DEFAULT_DB_FILE,
    databaseUrl,
    redisUrl,
    now = Date.now,
    log = (line) => console.log(line),
    maxSessions,
    maxThrottleEntries,
    trustProxy = process.env.DEMO_TRUST_PROXY === '1',
  } = options;

  const storage = await openStorage({ dbFile, databaseUrl, redisUrl });
  const key = options.encryptionKey ? { bytes: options.encryptionKey, source: 'given by the caller' } : loadEncryptionKey(databaseUrl || redisUrl ? DEFAULT_DB_FILE : dbFile);
  if (!(key.bytes instanceof Uint8Array) || key.bytes.length !== 32) throw new Error('The encryption key must be 32 bytes');

  const users = [await seedUser(DEMO_USER)];
  const assets = createAssets(await bundleClient());
  const app = createApp({ store: storage.store, encryptionKey: key.bytes, users, assets, now, log, host, maxSessions, maxThrottleEntries, trustProxy });
  const { server, url, address } = await listen(app, { port, host, log });

  return {
    url,
    port: address.port,
    storage: storage.description,
    encryptionKeySource: key.source,
    twoFactor: app.twoFactor,
    /** Sessions held in memory now (for tests and monitoring; never sent to a client). */
    sessionCount: () => app.sessions.size,
    /** Sign-in throttle counters held in memory now (likewise). */
    throttleEntryCount: () => app.loginThrottle.size,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
      await storage.close();
    },
  };
}

/** Serves `app` on `host:port`; an error in a flow is logged and answered with a plain 500 page. */
async function listen(app, { port, host, log }) {
  const server = createServer((req, res) => {
    app.handle(req, res).catch((failure) => {
      log(`[demo] ${req.method} ${req.url} failed: ${failure?.stack ?? failure}`);
      if (!res.headersSent) send(res, 500, error({ message: 'Something went wrong. Please try again.' }));
      else res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return { server, address, url: `http://${host}:${address.port}/` };
}

// --- command line -------------------------------------------------------------------------------------

async function main() {
  const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got ${process.env.PORT}`);
  const demo = await start({ port, databaseUrl: process.env.DATABASE_URL || undefined, redisUrl: process.env.REDIS_URL || undefined });
  console.log(
    [
      '',
      `  ${ISSUER}: two-factor authentication, end to end`,
      '',
      `  Storage:     ${demo.storage}`,
      `  Secrets:     AES-256-GCM at rest, key from ${demo.encryptionKeySource}`,
      ...(process.env.DEMO_ENCRYPTION_KEY ? [] : ['               (set DEMO_ENCRYPTION_KEY to base64 of 32 bytes to use your own)']),
      `  Sign in as:  ${DEMO_USER.email} / ${DEMO_USER.password}`,
      '',
      `  Open ${demo.url}   (Ctrl+C to stop)`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error?.message ?? error);
    process.exit(1);
  });
}
