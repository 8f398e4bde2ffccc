// The full sign-in (beginSignIn + completeSignIn with a TOTP code) beside verify() with a TOTP code, through
// the service on SQLite (a WAL file), a PostgreSQL server and a Redis server, in one run (called by
// bench/service.mjs). Each store gets one client making sequential awaited calls; verify and sign-in rounds
// alternate (a different one first each round) so a change in machine load hits both. Every call succeeds:
// the clock moves one 30 s step per call, so each code is fresh. verify() costs one get and one
// compare-and-set; the full sign-in two of each, so the expected ratio is about 0.5.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { TestServers } from '../scripts/test-servers.mjs';

const T0 = Date.UTC(2026, 0, 1);
const STEP = 30_000;

/** One user enrolled on `store`, and two call makers that sign in with the next fresh code. */
async function client(lib, store, userId) {
  let now = T0;
  const twoFactor = lib.createTwoFactor({ store, issuer: 'Bench', now: () => now, backupCodes: { cost: { N: 1024, r: 8, p: 1 } } });
  const { secret } = await twoFactor.beginEnrollment(userId, { accountName: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, lib.generateTotp(secret, { now }));
  if (!confirmed.ok) throw new Error(`bench: enrolment failed: ${confirmed.reason}`);
  const next = () => lib.generateTotp(secret, { now: (now += STEP) });
  return {
    verify: async () => {
      const r = await twoFactor.verify(userId, next());
      if (!r.ok) throw new Error(`bench: verify refused a valid code: ${r.reason}`);
    },
    signIn: async () => {
      const begun = await twoFactor.beginSignIn(userId);
      if (!begun.required) throw new Error('bench: no challenge');
      const r = await twoFactor.completeSignIn(begun.challenge, next());
      if (!r.ok) throw new Error(`bench: completeSignIn refused a valid code: ${r.reason}`);
    },
  };
}

async function rate(op, count) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await op();
  return (count * 1e9) / Number(process.hrtime.bigint() - t0);
}

/** Alternating rounds of verify and sign-in on one store; medians of ops/s. */
async function compare(lib, store, label, { count, rounds, median }) {
  const v = await client(lib, store, `verify-${label}-${process.pid}`);
  const s = await client(lib, store, `signin-${label}-${process.pid}`);
  await rate(v.verify, Math.ceil(count / 4)); // warm-up: JIT, prepared statements, connections
  await rate(s.signIn, Math.ceil(count / 4));
  const verify = [];
  const signIn = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      verify.push(await rate(v.verify, count));
      signIn.push(await rate(s.signIn, count));
    } else {
      signIn.push(await rate(s.signIn, count));
      verify.push(await rate(v.verify, count));
    }
  }
  return { verify: median(verify), signIn: median(signIn) };
}

/** The stores, each opened and closed here; servers from the environment or started for the run. */
async function openStores(lib, servers) {
  const env = { ...process.env, ...(await servers.start(process.env)) };
  const dir = mkdtempSync(join(os.tmpdir(), 'two-factor-bench-stores-'));
  const table = `bench_${process.pid}`;
  const db = new Database(join(dir, 'bench.sqlite'));
  db.pragma('journal_mode = WAL');
  const sqlite = new lib.SqliteStore(db, { table });
  await sqlite.migrate();
  const pool = new pg.Pool({ connectionString: env.TWO_FACTOR_PG_URL, max: 2 });
  pool.on('error', () => {});
  const postgres = new lib.PostgresStore(pool, { table });
  await postgres.migrate();
  const redis = createClient({ url: env.TWO_FACTOR_REDIS_URL, disableOfflineQueue: true });
  redis.on('error', () => {});
  await redis.connect();
  const info = [
    `SQLite ${db.prepare('SELECT sqlite_version() AS v').get().v} (WAL file, synchronous=${db.pragma('synchronous', { simple: true })})`,
    `PostgreSQL ${(await pool.query("SELECT current_setting('server_version') AS v")).rows[0].v} on loopback (pg.Pool)`,
    `Redis ${/redis_version:(\S+)/.exec(await redis.info('server'))?.[1]} on loopback (node-redis, AOF as the server is configured)`,
  ];
  const stores = [
    ['SQLite', sqlite],
    ['PostgreSQL', postgres],
    ['Redis', new lib.RedisStore(redis, { keyPrefix: `${table}:` })],
  ];
  const close = async () => {
    db.close();
    await pool.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
    await pool.end();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { stores, info, close };
}

/** Prints the table: verify()/s, full sign-ins/s and their ratio, per store. */
export async function signInBesideVerify(lib, { quick, rounds, median }) {
  console.log('\nFull sign-in (beginSignIn + completeSignIn, TOTP) beside verify() (TOTP), one client per store, sequential awaited calls');
  if (typeof lib.createTwoFactor({ store: new lib.MemoryStore(), issuer: 'x' }).beginSignIn !== 'function') {
    console.log('(skipped: this build has no beginSignIn)');
    return;
  }
  const servers = new TestServers();
  const { stores, info, close } = await openStores(lib, servers);
  try {
    console.log(`${info.join('; ')}; median of ${rounds} alternating rounds\n`);
    console.log('| store | verify()/s | sign-ins/s | sign-in ÷ verify | store calls per sign-in |');
    console.log('|---|---:|---:|---:|---|');
    for (const [name, store] of stores) {
      const r = await compare(lib, store, name, { count: quick ? 100 : name === 'SQLite' ? 1000 : 400, rounds, median });
      console.log(`| ${name} | ${Math.round(r.verify).toLocaleString('en-US')} | ${Math.round(r.signIn).toLocaleString('en-US')} | ${(r.signIn / r.verify).toFixed(2)} | 2 get + 2 compareAndSet (verify: 1 + 1) |`);
    }
  } finally {
    await close();
    await servers.stop();
  }
}
