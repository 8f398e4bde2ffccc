// One separate Node process of the cross-process single-use test of the stores over an app's own
// connection (bundled by esbuild before it runs; the Prisma client is a bundle of its own, loaded by path).
//
// argv[2]: JSON SqlWorkerConfig { kind, url, table, prismaClient?, prismaSchema? } (sql-store-open.ts)
// stdout:  "ready" once connected, then one JSON line per command
// stdin:   one JSON line per command { userId, code, nowMs, goAtMs, parallel }: the worker sets its clock to
//          nowMs, spins until the wall clock reaches goAtMs, starts `parallel` verify(userId, code) calls at
//          once and answers { results, errors, conflicts } (conflicts: its compareAndSet calls that lost).
import { createInterface } from 'node:readline';
import { ManualClock, T0_MS, serviceOn } from './fixtures.js';
import { openSqlStore, type SqlWorkerConfig } from './sql-store-open.js';
import { countingConflicts } from './worker-process.js';

const config = JSON.parse(process.argv[2]!) as SqlWorkerConfig;
const { store: inner, close } = await openSqlStore(config);
const { store, take: takeConflicts } = countingConflicts(inner);
const clock = new ManualClock(T0_MS);
const twoFactor = serviceOn(store, clock);
// Warm up (connections, JIT, statement preparation) on a user nobody has, so the race measures the real calls.
await Promise.all(Array.from({ length: 4 }, () => twoFactor.status('warm-up')));

const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
out('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const { userId, code, nowMs, goAtMs, parallel } = JSON.parse(line) as { userId: string; code: string; nowMs: number; goAtMs: number; parallel: number };
  clock.set(nowMs);
  takeConflicts(); // count from here
  while (Date.now() < goAtMs) {
    // spin: a timer would wake each process at a different moment
  }
  const settled = await Promise.allSettled(Array.from({ length: parallel }, () => twoFactor.verify(userId, code)));
  out({
    results: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    errors: settled.flatMap((s) => (s.status === 'rejected' ? [{ code: (s.reason as { code?: string }).code, message: String((s.reason as Error).message) }] : [])),
    conflicts: takeConflicts(),
  });
}
await close();
