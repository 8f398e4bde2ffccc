// Single use across processes: several separate Node processes verify the same code against one database
// at the same moment, as instances of an app behind a load balancer would; exactly one may succeed.
// SQLite (a file in WAL mode), the PostgreSQL server of TWO_FACTOR_PG_URL and the Redis server of
// TWO_FACTOR_REDIS_URL, which `npm test` starts (PGlite is in-process, so it cannot be shared), and a
// 3-master Redis Cluster started here.
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TwoFactorStore } from '../../src/server/index.js';
import { PostgresStore } from '../../src/stores/postgres.js';
import { RedisStore } from '../../src/stores/redis.js';
import { SqliteStore } from '../../src/stores/sqlite.js';
import { connectCluster, connectRedis } from '../support/redis-client.js';
import { startCluster } from '../support/redis-server.js';
import { freshTable } from '../support/store-fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { ManualClock, STEP_MS, T0_MS, codeAt, enableUser, serviceOn } from '../support/fixtures.js';
import { oathHotp } from '../support/oathtool.js';
import { WorkerProcess } from '../support/worker-process.js';
import { encodeBase32, generateSecret } from '../../src/index.js';

const WORKERS = 6;
const ROUNDS = 4;
const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside the repository, so the bundle's `import 'better-sqlite3'` / `import 'pg'` resolve from node_modules.
const workerFile = join(root, 'test-artifacts', `store-worker-${process.pid}.mjs`);
const dir = mkdtempSync(join(tmpdir(), 'two-factor-multiprocess-'));

beforeAll(async () => {
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  await build({
    entryPoints: [join(root, 'test/support/store-worker.ts')],
    outfile: workerFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pg', 'redis'],
    logLevel: 'error',
  });
});
afterAll(() => {
  rmSync(workerFile, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

type Outcome = {
  result?: { ok: boolean; userId?: string; method?: string; reason?: string; trustedDevice?: { deviceId: string; token: string } };
  error?: { code?: string; message: string };
  conflicts: number;
};

/** A worker process of this file's store worker. */
class Worker extends WorkerProcess {
  constructor(config: object) {
    super(workerFile, config, { cwd: root });
  }
}

/** Sends one command to every worker at once; all start verify() at the same wall-clock instant. */
async function race(workers: Worker[], command: { userId: string; code: string; nowMs: number; options?: object } | ((i: number) => object)): Promise<Outcome[]> {
  const goAtMs = Date.now() + 200;
  workers.forEach((w, i) => w.proc.stdin.write(`${JSON.stringify({ ...(typeof command === 'function' ? command(i) : command), goAtMs })}\n`));
  return (await Promise.all(workers.map((w) => w.next()))) as Outcome[];
}

function raceSuite(name: string, open: () => Promise<{ store: TwoFactorStore; config: object; close: () => Promise<void> | void }>) {
  describe(`${WORKERS} processes, one database: ${name}`, () => {
    let workers: Worker[] = [];
    let close: () => Promise<void> | void = () => {};
    let twoFactor: ReturnType<typeof serviceOn>;
    const clock = new ManualClock(T0_MS);
    let secret = '';
    let backupCodes: string[] = [];
    let trusterSecret = '';
    let conflicts = 0;

    beforeAll(async () => {
      const opened = await open();
      close = opened.close;
      twoFactor = serviceOn(opened.store, clock);
      ({ secret, backupCodes } = await enableUser(twoFactor, clock, 'racer'));
      ({ secret: trusterSecret } = await enableUser(twoFactor, clock, 'truster'));
      workers = Array.from({ length: WORKERS }, () => new Worker(opened.config));
      expect(await Promise.all(workers.map((w) => w.next()))).toEqual(Array(WORKERS).fill('ready'));
    });

    afterAll(async () => {
      const codes = await Promise.all(workers.map((w) => w.stop()));
      await close();
      expect(codes).toEqual(Array(WORKERS).fill(0));
    });

    test(`one TOTP code: exactly one process succeeds, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        clock.advance(STEP_MS);
        const outcomes = await race(workers, { userId: 'racer', code: codeAt(secret, clock.now()), nowMs: clock.now() });
        expect(outcomes.filter((o) => o.error)).toEqual([]);
        expect(outcomes.filter((o) => o.result?.ok).map((o) => o.result)).toEqual([{ ok: true, method: 'totp', factorId: expect.any(String), backupCodesRemaining: 10, verifiedAt: expect.any(Number) }]);
        expect(outcomes.filter((o) => !o.result?.ok).map((o) => o.result?.reason)).toEqual(Array(WORKERS - 1).fill('replayed'));
        conflicts += outcomes.reduce((n, o) => n + o.conflicts, 0);
      }
    });

    test(`one backup code: exactly one process succeeds, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        clock.advance(STEP_MS);
        const outcomes = await race(workers, { userId: 'racer', code: backupCodes[round]!, nowMs: clock.now() });
        expect(outcomes.filter((o) => o.error)).toEqual([]);
        expect(outcomes.filter((o) => o.result?.ok).map((o) => o.result)).toEqual([
          { ok: true, method: 'backup-code', backupCodesRemaining: 10 - round - 1, verifiedAt: clock.now() },
        ]);
        expect(outcomes.filter((o) => !o.result?.ok).map((o) => o.result?.reason)).toEqual(Array(WORKERS - 1).fill('invalid'));
        conflicts += outcomes.reduce((n, o) => n + o.conflicts, 0);
      }
      expect(await twoFactor.status('racer')).toMatchObject({ state: 'enabled', backupCodesRemaining: 10 - ROUNDS });
    });

    test(`one TOTP code with trustDevice: one process succeeds and exactly one trusted device exists, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        clock.advance(STEP_MS);
        const options = { trustDevice: { label: `round ${round}` } };
        const outcomes = await race(workers, { userId: 'truster', code: codeAt(trusterSecret, clock.now()), nowMs: clock.now(), options });
        expect(outcomes.filter((o) => o.error)).toEqual([]);
        const winners = outcomes.filter((o) => o.result?.ok);
        expect(winners).toHaveLength(1);
        expect(outcomes.filter((o) => o.result?.trustedDevice)).toHaveLength(1);
        const { deviceId, token } = winners[0]!.result!.trustedDevice!;
        const devices = await twoFactor.listTrustedDevices('truster');
        expect(devices.map((d) => [d.deviceId, d.label])).toEqual([[deviceId, `round ${round}`]]);
        expect(await twoFactor.verifyTrustedDevice('truster', token)).toEqual({ ok: true, deviceId });
        expect(await twoFactor.revokeTrustedDevices('truster')).toBe(1);
        conflicts += outcomes.reduce((n, o) => n + o.conflicts, 0);
      }
    });

    test(`one sign-in challenge and one TOTP code: exactly one process completes the sign-in, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        clock.advance(STEP_MS);
        const begun = await twoFactor.beginSignIn('racer');
        if (!begun.required) throw new Error('expected a challenge');
        const code = codeAt(secret, clock.now());
        const outcomes = await race(workers, () => ({ mode: 'sign-in', challenge: begun.challenge, userId: 'racer', code, nowMs: clock.now() }));
        expect(outcomes.filter((o) => o.error)).toEqual([]);
        expect(outcomes.filter((o) => o.result?.ok).map((o) => o.result)).toEqual([
          { ok: true, userId: 'racer', method: 'totp', factorId: expect.any(String), backupCodesRemaining: 10 - ROUNDS, verifiedAt: clock.now() },
        ]);
        expect(outcomes.filter((o) => !o.result?.ok).map((o) => o.result?.reason)).toEqual(Array(WORKERS - 1).fill('challenge-invalid'));
        conflicts += outcomes.reduce((n, o) => n + o.conflicts, 0);
      }
    });

    test(`one HOTP code of a hardware token: exactly one process succeeds, ${ROUNDS} rounds`, async () => {
      const token = encodeBase32(generateSecret());
      clock.advance(STEP_MS);
      const added = await twoFactor.addHotpToken('racer', { secret: token, codes: oathHotp(token, 0, 2) as [string, string], proof: codeAt(secret, clock.now()) });
      expect(added).toMatchObject({ ok: true });
      const codes = oathHotp(token, 2, ROUNDS);
      for (let round = 0; round < ROUNDS; round++) {
        const outcomes = await race(workers, () => ({ mode: 'hotp', userId: 'racer', code: codes[round]!, nowMs: clock.now() }));
        expect(outcomes.filter((o) => o.error)).toEqual([]);
        expect(outcomes.filter((o) => o.result?.ok).map((o) => o.result)).toEqual([
          { ok: true, method: 'hotp', factorId: (added as { factorId: string }).factorId, backupCodesRemaining: 10 - ROUNDS, verifiedAt: clock.now() },
        ]);
        expect(outcomes.filter((o) => !o.result?.ok).map((o) => o.result?.reason)).toEqual(Array(WORKERS - 1).fill('invalid'));
        conflicts += outcomes.reduce((n, o) => n + o.conflicts, 0);
      }
    });

    test(`concurrent add and remove with one code each: exactly one process succeeds, ${ROUNDS} rounds`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const fresh = await twoFactor.beginEnrollment('racer', { accountName: 'racer', label: `Phone ${round}` });
        clock.advance(STEP_MS);
        const proof = codeAt(secret, clock.now());
        const newCode = codeAt(fresh.secret, clock.now());
        const added = await race(workers, () => ({ mode: 'add-remove', action: 'add', userId: 'racer', code: newCode, proof, nowMs: clock.now() }));
        expect(added.filter((o) => o.error)).toEqual([]);
        expect(added.filter((o) => o.result?.ok)).toHaveLength(1);
        const factorId = (await twoFactor.listFactors('racer')).find((f) => f.label === `Phone ${round}`)!.id;
        clock.advance(STEP_MS);
        // Half the processes remove the new factor, half sign in, all with one code of the first app.
        const code = codeAt(secret, clock.now());
        const mixed = await race(workers, (i) => ({
          ...(i % 2 ? { mode: 'add-remove', action: 'remove', factorId } : { mode: 'verify' }),
          userId: 'racer',
          code,
          nowMs: clock.now(),
        }));
        expect(mixed.filter((o) => o.error)).toEqual([]);
        expect(mixed.filter((o) => o.result?.ok)).toHaveLength(1);
        const removed = mixed.some((o, i) => i % 2 === 1 && o.result?.ok);
        expect((await twoFactor.listFactors('racer')).some((f) => f.id === factorId)).toBe(!removed);
        if (!removed) {
          clock.advance(STEP_MS);
          expect(await twoFactor.removeFactor('racer', factorId, codeAt(fresh.secret, clock.now()))).toEqual({ ok: true });
        }
        conflicts += [...added, ...mixed].reduce((n, o) => n + o.conflicts, 0);
      }
      expect((await twoFactor.listFactors('racer')).map((f) => f.type)).toEqual(['totp', 'hotp']);
    });

    test('the processes really overlapped: some compareAndSet calls lost to another process', () => {
      // Without overlap the runs would be sequential and prove nothing about atomicity.
      expect(conflicts).toBeGreaterThan(0);
    });
  });
}

raceSuite('SQLite file in WAL mode', async () => {
  const file = join(dir, 'race.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const store = new SqliteStore(db, { table: 'two_factor' });
  await store.migrate();
  return { store, config: { kind: 'sqlite', file, table: 'two_factor' }, close: () => void db.close() };
});

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
raceSuite('PostgreSQL server', async () => {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  pool.on('error', () => {});
  const table = freshTable('race');
  const store = new PostgresStore(pool, { table });
  await store.migrate();
  return { store, config: { kind: 'postgres', url: PG_URL, table }, close: () => pool.end() };
});

const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');
raceSuite('Redis server', async () => {
  const client = await connectRedis(REDIS_URL);
  const keyPrefix = `${freshTable('race')}:`;
  return { store: new RedisStore(client, { keyPrefix }), config: { kind: 'redis', url: REDIS_URL, keyPrefix }, close: () => client.close() };
});

raceSuite('Redis Cluster, 3 masters', async () => {
  const cluster = await startCluster(3);
  const urls = cluster.nodes.map((n) => n.url);
  const client = await connectCluster(urls);
  const keyPrefix = `${freshTable('race')}:`;
  return {
    store: new RedisStore(client, { keyPrefix }),
    config: { kind: 'redis-cluster', urls, keyPrefix },
    close: async () => {
      await client.close();
      await cluster.destroy();
    },
  };
});
