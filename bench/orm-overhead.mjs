// What Drizzle costs over the raw PostgreSQL store, measured so that machine load hits both alike:
// PostgresStore and DrizzleStore (drizzle-orm/node-postgres) on the same server, each with its own
// pg.Pool of 8 and 8 clients, in alternating slices of 1.5 s; the ratio is of the summed calls.
//   TWO_FACTOR_PG_URL=postgres://… node bench/orm-overhead.mjs [slices]   (default 8; dist/ built first)
import { drizzle } from 'drizzle-orm/node-postgres';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const load = (file) => import(pathToFileURL(dist + file).href);
const { createTwoFactor } = await load('server.js');
const { PostgresStore } = await load('stores/postgres.js');
const { DrizzleStore, pgTwoFactorTable } = await load('stores/drizzle.js');
const { generateTotp } = await load('index.js');
const url = process.env.TWO_FACTOR_PG_URL;
if (!url) throw new Error('TWO_FACTOR_PG_URL is not set (scripts/pg-test-server.sh start prints one)');
const slices = Number(process.argv[2] ?? 8);

async function open(kind) {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on('error', () => {});
  const table = `orm_overhead_${kind}_${process.pid}`;
  await pool.query(`DROP TABLE IF EXISTS "${table}"`);
  await new PostgresStore(pool, { table }).migrate();
  const store = kind === 'raw' ? new PostgresStore(pool, { table }) : new DrizzleStore(drizzle(pool), pgTwoFactorTable(table));
  const clients = [];
  for (let i = 0; i < 8; i++) {
    const clock = { nowMs: Date.UTC(2026, 0, 1) };
    const twoFactor = createTwoFactor({ store, issuer: 'Bench', now: () => clock.nowMs, backupCodes: { cost: { N: 1024, r: 8, p: 1 } } });
    const user = `${kind}-${i}`;
    const { secret } = await twoFactor.beginEnrollment(user, { accountName: user });
    await twoFactor.confirmEnrollment(user, generateTotp(secret, { now: clock.nowMs }));
    clients.push(async () => {
      clock.nowMs += 30_000;
      const result = await twoFactor.verify(user, generateTotp(secret, { now: clock.nowMs }));
      if (!result.ok) throw new Error(`verify refused a valid code: ${result.reason}`);
    });
  }
  const close = async () => {
    await pool.query(`DROP TABLE IF EXISTS "${table}"`);
    await pool.end();
  };
  return { clients, close };
}

/** Calls per second of all clients together during `ms`. */
async function slice(clients, ms) {
  let calls = 0;
  const end = performance.now() + ms;
  await Promise.all(clients.map(async (call) => {
    while (performance.now() < end) {
      await call();
      calls++;
    }
  }));
  return calls / (ms / 1000);
}

const raw = await open('raw');
const orm = await open('drizzle');
await slice(raw.clients, 500); // warm-up: JIT, connections, prepared statements
await slice(orm.clients, 500);
const rates = { raw: [], drizzle: [] };
for (let i = 0; i < slices; i++) {
  rates.raw.push(await slice(raw.clients, 1500));
  rates.drizzle.push(await slice(orm.clients, 1500));
}
const sum = (a) => a.reduce((x, y) => x + y, 0);
console.log(`PostgresStore /s: ${rates.raw.map(Math.round).join(' ')}`);
console.log(`DrizzleStore  /s: ${rates.drizzle.map(Math.round).join(' ')}`);
console.log(`DrizzleStore ÷ PostgresStore, ${slices} alternating slices of 1.5 s, 8 clients each: ${(sum(rates.drizzle) / sum(rates.raw)).toFixed(2)}`);
await raw.close();
await orm.close();
