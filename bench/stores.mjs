// verify() throughput and latency through the service on each store, with 1 and 8 concurrent clients.
//   node bench/stores.mjs                 uses dist/ (run `npx tsup` first): server.js, index.js and stores/*.js
//   node bench/stores.mjs --dist=DIR      another build directory with the same files
//   node bench/stores.mjs --seconds=N     measuring time per row (default 3; plus 0.5 s warm-up)
//   TWO_FACTOR_PG_URL=postgres://…        adds the PostgreSQL server (scripts/pg-test-server.sh start), through
//                                         PostgresStore and through DrizzleStore (drizzle-orm/node-postgres),
//                                         each on its own pg.Pool of 8
//   TWO_FACTOR_MYSQL_URL=mysql://…        adds the MariaDB server (scripts/mariadb-test-server.sh start), MysqlStore
//                                         on a mysql2/promise pool of 8
//   redis-server on PATH                  adds Redis rows: a server started here on a free loopback port in a
//                                         temporary directory (AOF, appendfsync always, then everysec), one
//                                         node-redis connection shared by the clients, killed afterwards
//
// Every call is a success path that does a real compare-and-set: each client is its own user with 2FA
// enabled and its own service instance whose manual clock moves one 30 s step before each call, so each
// code is fresh (replay protection never refuses it) and each verify() reads the record and writes the new
// last step. Codes are computed before the timer starts. No encryption of secrets, default throttle.
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createClient } from 'redis';

const args = process.argv.slice(2);
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = args.find((a) => a.startsWith('--dist='))?.slice('--dist='.length) ?? join(root, 'dist');
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.slice('--seconds='.length) ?? 3);
const load = async (file) => {
  const path = join(dist, file);
  if (!existsSync(path)) throw new Error(`${path} is missing: build first (npx tsup) or pass --dist=DIR`);
  return import(pathToFileURL(path).href);
};
const { createTwoFactor, MemoryStore } = await load('server.js');
const { SqliteStore } = await load('stores/sqlite.js');
const { PostgresStore } = await load('stores/postgres.js');
const { RedisStore } = await load('stores/redis.js');
const { MysqlStore } = await load('stores/mysql.js');
const { DrizzleStore, pgTwoFactorTable } = await load('stores/drizzle.js');
const { generateTotp } = await load('index.js');

const STEP_MS = 30_000;
const T0_MS = Date.UTC(2026, 0, 1);

/** One client: its own user, service and clock, verifying a fresh valid code per call. */
async function makeClient(store, userId) {
  const clock = { nowMs: T0_MS };
  const twoFactor = createTwoFactor({ store, issuer: 'Bench', now: () => clock.nowMs, backupCodes: { cost: { N: 1024, r: 8, p: 1 } } });
  const { secret } = await twoFactor.beginEnrollment(userId, { accountName: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, generateTotp(secret, { now: clock.nowMs }));
  if (!confirmed.ok) throw new Error(`enrolment failed: ${confirmed.reason}`);
  return async () => {
    clock.nowMs += STEP_MS;
    const code = generateTotp(secret, { now: clock.nowMs });
    const t0 = process.hrtime.bigint();
    const result = await twoFactor.verify(userId, code);
    const ns = Number(process.hrtime.bigint() - t0);
    if (!result.ok) throw new Error(`verify refused a valid code: ${result.reason}`);
    return ns;
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function measure(store, clients, label) {
  const calls = [];
  for (let i = 0; i < clients; i++) calls.push(await makeClient(store, `bench-${label}-${clients}-${i}-${Date.now()}`));
  const run = async (ms, latencies) => {
    const end = performance.now() + ms;
    await Promise.all(
      calls.map(async (call) => {
        while (performance.now() < end) {
          const ns = await call();
          latencies?.push(ns);
        }
      }),
    );
  };
  await run(500); // warm-up: JIT, prepared statements, connections
  const latencies = [];
  const t0 = performance.now();
  await run(seconds * 1000, latencies);
  const elapsedS = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsedS, p50Ms: percentile(latencies, 50) / 1e6, p99Ms: percentile(latencies, 99) / 1e6, n: latencies.length };
}

const backends = [];
backends.push({ name: 'MemoryStore', open: async () => ({ store: new MemoryStore(), close: () => {} }) });

const dir = mkdtempSync(join(os.tmpdir(), 'two-factor-bench-'));
let sqliteInfo = '';
backends.push({
  name: 'SQLite (file, WAL)',
  open: async () => {
    const db = new Database(join(dir, `bench-${Date.now()}.sqlite`));
    db.pragma('journal_mode = WAL');
    sqliteInfo = `SQLite ${db.prepare('SELECT sqlite_version() AS v').get().v}, synchronous=${db.pragma('synchronous', { simple: true })}`;
    const store = new SqliteStore(db);
    await store.migrate();
    return { store, close: () => db.close() };
  },
});
backends.push({
  name: 'PostgreSQL (PGlite, in-process)',
  open: async () => {
    const lite = new PGlite();
    await lite.waitReady;
    const store = new PostgresStore(lite);
    await store.migrate();
    return { store, close: () => lite.close() };
  },
});
let pgInfo = '';
if (process.env.TWO_FACTOR_PG_URL) {
  backends.push({
    name: 'PostgreSQL server (pg.Pool, max 8)',
    open: async () => {
      const pool = new pg.Pool({ connectionString: process.env.TWO_FACTOR_PG_URL, max: 8 });
      pool.on('error', () => {});
      const table = `bench_${process.pid}`;
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      const store = new PostgresStore(pool, { table });
      await store.migrate();
      const { rows } = await pool.query(`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS s, current_setting('fsync') AS f`);
      pgInfo = `PostgreSQL ${rows[0].v} on loopback, synchronous_commit=${rows[0].s}, fsync=${rows[0].f}`;
      return { store, close: async () => { await pool.query(`DROP TABLE IF EXISTS "${table}"`); await pool.end(); } };
    },
  });
}

if (process.env.TWO_FACTOR_PG_URL) {
  // The same server and table layout through an ORM: what Drizzle adds to each statement.
  backends.push({
    name: 'PostgreSQL server, DrizzleStore (drizzle-orm/node-postgres, pg.Pool max 8)',
    open: async () => {
      const pool = new pg.Pool({ connectionString: process.env.TWO_FACTOR_PG_URL, max: 8 });
      pool.on('error', () => {});
      const table = `bench_drizzle_${process.pid}`;
      await pool.query(`DROP TABLE IF EXISTS "${table}"`);
      await new PostgresStore(pool, { table }).migrate(); // the same DDL drizzle-kit writes for pgTwoFactorTable
      const store = new DrizzleStore(drizzle(pool), pgTwoFactorTable(table));
      return { store, close: async () => { await pool.query(`DROP TABLE IF EXISTS "${table}"`); await pool.end(); } };
    },
  });
}
let mysqlInfo = '';
if (process.env.TWO_FACTOR_MYSQL_URL) {
  backends.push({
    name: 'MariaDB server, MysqlStore (mysql2/promise pool, 8 connections)',
    open: async () => {
      const pool = mysql.createPool({ uri: process.env.TWO_FACTOR_MYSQL_URL, connectionLimit: 8 });
      const table = `bench_${process.pid}`;
      await pool.query(`DROP TABLE IF EXISTS \`${table}\``);
      const store = new MysqlStore(pool, { table });
      await store.migrate();
      const [[row]] = await pool.query('SELECT VERSION() AS v, @@innodb_flush_log_at_trx_commit AS f, @@sync_binlog AS b, @@log_bin AS l');
      mysqlInfo = `MariaDB ${row.v.split('-')[0]} on loopback, innodb_flush_log_at_trx_commit=${row.f}, binary log ${row.l ? 'on' : 'off'}`;
      return { store, close: async () => { await pool.query(`DROP TABLE IF EXISTS \`${table}\``); await pool.end(); } };
    },
  });
}

/** A redis-server on a free loopback port in `dir`, killed when this process exits. */
async function startRedis(dir, config) {
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...config], { stdio: 'ignore' });
  process.once('exit', () => child.kill('SIGKILL'));
  const client = createClient({ url: `redis://127.0.0.1:${port}`, disableOfflineQueue: true, socket: { reconnectStrategy: 20 } });
  client.on('error', () => {});
  await client.connect();
  await client.ping();
  return { client, child };
}

let redisInfo = '';
if (spawnSync('redis-server', ['--version']).status === 0) {
  for (const fsync of ['always', 'everysec']) {
    backends.push({
      name: `Redis server (node-redis, 1 connection), appendfsync ${fsync}`,
      open: async () => {
        const redisDir = mkdtempSync(join(dir, 'redis-'));
        const { client, child } = await startRedis(redisDir, ['--appendonly', 'yes', '--appendfsync', fsync]);
        const version = /redis_version:(\S+)/.exec(await client.info('server'))?.[1];
        redisInfo = `Redis ${version} on loopback, AOF on (appendfsync as in the row), no RDB snapshots`;
        return {
          store: new RedisStore(client, { keyPrefix: 'bench:' }),
          close: async () => {
            await client.close();
            child.kill('SIGKILL');
          },
        };
      },
    });
  }
}

const rows = [];
for (const backend of backends) {
  const { store, close } = await backend.open();
  for (const clients of [1, 8]) {
    const r = await measure(store, clients, backend.name.replace(/\W+/g, '').slice(0, 12));
    rows.push({ store: backend.name, clients, ...r });
    console.error(`${backend.name}, ${clients} client(s): ${r.perSecond.toFixed(0)}/s`);
  }
  await close();
}
rmSync(dir, { recursive: true, force: true });

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`verify() through createTwoFactor, ${seconds} s per row; Node ${process.version}, ${os.cpus().length} × ${cpu}`);
console.log([sqliteInfo, pgInfo, mysqlInfo, redisInfo].filter(Boolean).join('; '));
console.log('');
console.log('| store | clients | verify()/s | p50 ms | p99 ms | calls |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.store} | ${r.clients} | ${r.perSecond.toFixed(0)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.n} |`);
}
