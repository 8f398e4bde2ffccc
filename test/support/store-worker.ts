// One separate Node process of the cross-process single-use test (bundled by esbuild before it runs).
//
// argv[2]: JSON { kind: 'sqlite', file, table } | { kind: 'postgres', url, table }
//          | { kind: 'redis', url, keyPrefix } | { kind: 'redis-cluster', urls, keyPrefix }
// stdout:  "ready" once connected, then one JSON line per command
// stdin:   one JSON line per command { userId, code, nowMs, goAtMs, mode?, options? }: the worker sets its clock to nowMs,
//          spins until the wall clock reaches goAtMs (so all workers start within a fraction of a
//          millisecond), makes the call and answers { result } or { error }, plus how many of its
//          compareAndSet calls lost to another writer. The call, by `mode`:
//          'verify' (default) and 'hotp': verify(userId, code, options);
//          'add-remove' with action 'add': confirmEnrollment(userId, code, { proof });
//          'add-remove' with action 'remove': removeFactor(userId, factorId, code);
//          'sign-in': completeSignIn(challenge, code).
import Database from 'better-sqlite3';
import pg from 'pg';
import { createInterface } from 'node:readline';
import type { TwoFactorStore } from '../../src/server/index.js';
import { PostgresStore } from '../../src/stores/postgres.js';
import { RedisStore } from '../../src/stores/redis.js';
import { connectCluster, connectRedis } from './redis-client.js';
import { SqliteStore } from '../../src/stores/sqlite.js';
import { ManualClock, T0_MS, serviceOn } from './fixtures.js';
import { countingConflicts } from './worker-process.js';

type Config =
  | { kind: 'sqlite'; file: string; table: string }
  | { kind: 'postgres'; url: string; table: string }
  | { kind: 'redis'; url: string; keyPrefix: string }
  | { kind: 'redis-cluster'; urls: string[]; keyPrefix: string };
const config = JSON.parse(process.argv[2]!) as Config;

let close: () => Promise<void> | void;
let inner: TwoFactorStore;
if (config.kind === 'sqlite') {
  const db = new Database(config.file); // default timeout (busy_timeout) 5000 ms
  db.pragma('journal_mode = WAL');
  inner = new SqliteStore(db, { table: config.table });
  close = () => void db.close();
} else if (config.kind === 'postgres') {
  const pool = new pg.Pool({ connectionString: config.url, max: 2 });
  pool.on('error', () => {});
  inner = new PostgresStore(pool, { table: config.table });
  await pool.query('SELECT 1'); // connect before the start signal, not during the race
  close = () => pool.end();
} else {
  const client = config.kind === 'redis' ? await connectRedis(config.url) : await connectCluster(config.urls);
  inner = new RedisStore(client, { keyPrefix: config.keyPrefix });
  close = () => client.close();
}

const { store, take: takeConflicts } = countingConflicts(inner);
const clock = new ManualClock(T0_MS);
const twoFactor = serviceOn(store, clock);
// Warm up (JIT, statement preparation) on a user nobody has, so the race measures the real calls.
await twoFactor.status('warm-up');

type Command = { userId: string; code: string; nowMs: number; goAtMs: number } & (
  | { mode?: 'verify' | 'hotp'; options?: Parameters<typeof twoFactor.verify>[2] }
  | { mode: 'add-remove'; action: 'add'; proof: string }
  | { mode: 'add-remove'; action: 'remove'; factorId: string }
  | { mode: 'sign-in'; challenge: string }
);

function run(command: Command) {
  const { userId, code } = command;
  if (command.mode === 'sign-in') return twoFactor.completeSignIn(command.challenge, code);
  if (command.mode !== 'add-remove') return twoFactor.verify(userId, code, command.options);
  if (command.action === 'add') return twoFactor.confirmEnrollment(userId, code, { proof: command.proof });
  return twoFactor.removeFactor(userId, command.factorId, code);
}

const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
out('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as Command;
  const { nowMs, goAtMs } = command;
  clock.set(nowMs);
  takeConflicts(); // count from here
  while (Date.now() < goAtMs) {
    // spin: a timer would wake each process at a different moment
  }
  try {
    const result = await run(command);
    out({ result, conflicts: takeConflicts() });
  } catch (error) {
    out({ error: { name: (error as Error).name, code: (error as { code?: string }).code, message: (error as Error).message }, conflicts: takeConflicts() });
  }
}
await close();
