// Records written by release 0.1.0 (test/fixtures/records-v0.1.0.json, produced by the 0.1.0 code through
// scripts/make-v010-records.mjs) are migrated on read and keep working, through every store: inserted the
// way each store keeps them, then used with codes computed from the fixture's secrets.
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoFactor, MemoryStore, type TwoFactorStore } from '../../../src/server/index.js';
import { PostgresStore, type PostgresClient } from '../../../src/stores/postgres.js';
import { RedisStore } from '../../../src/stores/redis.js';
import { SqliteStore } from '../../../src/stores/sqlite.js';
import { CHEAP_SCRYPT, codeAt, ManualClock, STEP_MS } from '../../support/fixtures.js';
import { freshTable } from '../../support/store-fixtures.js';
import { requiredEnv } from '../../support/required-env.js';
import { connectRedis } from '../../support/redis-client.js';

interface Scenario {
  name: string;
  now: number;
  userId: string;
  secret: string;
  pendingSecret?: string;
  backupCodes?: string[];
  usedBackupCodes?: string[];
  lastStepAt?: number;
  encryption?: { kid: string; keyHex: string };
  totp?: { algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; period: number };
  record: Record<string, unknown> & { schema: 1 };
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/records-v0.1.0.json', import.meta.url), 'utf8')) as { producedBy: string; scenarios: Scenario[] };

/** A store and a way to put a 0.1 record into it as that store keeps rows, and read the raw JSON back. */
interface Target {
  store: TwoFactorStore;
  insert(userId: string, record: object): Promise<void>;
  raw(userId: string): Promise<Record<string, unknown>>;
}

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');
let redis: Awaited<ReturnType<typeof connectRedis>>;
let lite: PGlite;
let pool: pg.Pool;
let sqlite: Database.Database;
beforeAll(async () => {
  lite = new PGlite();
  await lite.waitReady;
  sqlite = new Database(':memory:');
  pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  redis = await connectRedis(REDIS_URL);
});
afterAll(async () => {
  await lite.close();
  sqlite.close();
  await pool.end();
  await redis.close();
});

const targets: Record<string, () => Promise<Target>> = {
  memory: async () => {
    const store = new MemoryStore();
    return {
      store,
      insert: async (userId, record) => void expect(await store.compareAndSet(userId, null, record as never)).toBe(true),
      raw: async (userId) => (await store.get(userId))!.record as never,
    };
  },
  sqlite: async () => {
    const table = freshTable('mig');
    const store = new SqliteStore(sqlite, { table });
    await store.migrate();
    return {
      store,
      insert: async (userId, record) => void sqlite.prepare(`INSERT INTO "${table}" (user_id, record, version) VALUES (?, ?, 1)`).run(userId, JSON.stringify(record)),
      raw: async (userId) => JSON.parse((sqlite.prepare(`SELECT record FROM "${table}" WHERE user_id = ?`).get(userId) as { record: string }).record),
    };
  },
  pglite: async () => postgresTarget(lite),
  // The Redis store's layout (one hash per user: record JSON and version), written directly.
  redis: async () => {
    const keyPrefix = `${freshTable('mig')}:`;
    return {
      store: new RedisStore(redis, { keyPrefix }),
      insert: async (userId, record) => void (await redis.hSet(`${keyPrefix}{${userId}}`, { record: JSON.stringify(record), version: '1' })),
      raw: async (userId) => JSON.parse((await redis.hGet(`${keyPrefix}{${userId}}`, 'record'))!),
    };
  },
  postgres: async () => postgresTarget(pool),
};

async function postgresTarget(client: PostgresClient): Promise<Target> {
  const table = freshTable('mig');
  const store = new PostgresStore(client, { table });
  await store.migrate();
  return {
    store,
    insert: async (userId, record) => void (await client.query(`INSERT INTO "${table}" (user_id, record, version) VALUES ($1, $2::jsonb, 1)`, [userId, JSON.stringify(record)])),
    raw: async (userId) => ((await client.query(`SELECT record FROM "${table}" WHERE user_id = $1`, [userId])).rows[0] as { record: Record<string, unknown> }).record,
  };
}

function serviceFor(scenario: Scenario, store: TwoFactorStore, clock: ManualClock) {
  const { encryption } = scenario;
  return createTwoFactor({
    store,
    issuer: 'Migration',
    now: clock.now,
    backupCodes: { cost: CHEAP_SCRYPT },
    ...(encryption ? { encryption: { keys: { [encryption.kid]: Buffer.from(encryption.keyHex, 'hex') }, current: encryption.kid } } : {}),
  });
}

it('the fixture was produced by the 0.1.0 code and covers every 0.1 record shape', () => {
  expect(fixture.producedBy).toMatch(/^@inworkjobs\/two-factor 0\.1\.0 /);
  expect(fixture.scenarios.map((s) => s.name)).toEqual(['pending', 'enabled-plain', 'enabled-sealed', 'enabled-sha256-8-60', 'enabled-with-reenrolment-and-failure']);
  expect(fixture.scenarios.every((s) => s.record.schema === 1)).toBe(true);
});

describe.each(Object.keys(targets))('0.1 records through the %s store', (kind) => {
  it.each(fixture.scenarios.filter((s) => s.record.state === 'enabled'))('$name: signs in, a backup code works once, a used one is refused, rewritten as schema 2', async (scenario) => {
    const { store, insert, raw } = await targets[kind]!();
    await insert(scenario.userId, scenario.record);
    const clock = new ManualClock(scenario.lastStepAt! + (scenario.totp?.period ?? 30) * 1000);
    const twoFactor = serviceFor(scenario, store, clock);
    expect(await twoFactor.status(scenario.userId)).toMatchObject({ state: 'enabled', factors: [{ id: 'f_aaaaaaaaaa', type: 'totp', label: 'Authenticator app' }] });
    // Read-only calls do not rewrite it.
    expect((await raw(scenario.userId)).schema).toBe(1);
    const code = codeAt(scenario.secret, clock.now(), scenario.totp);
    expect(await twoFactor.verify(scenario.userId, code)).toMatchObject({ ok: true, method: 'totp', factorId: 'f_aaaaaaaaaa' });
    expect(await twoFactor.verify(scenario.userId, code)).toEqual({ ok: false, reason: 'replayed' });
    const rewritten = await raw(scenario.userId);
    expect(rewritten).toMatchObject({ schema: 2, factors: [{ id: 'f_aaaaaaaaaa', type: 'totp' }], enabledAt: (scenario.record.factor as { enabledAt: number }).enabledAt });
    expect(rewritten).not.toHaveProperty('factor');
    const used = scenario.usedBackupCodes ?? [];
    const unused = scenario.backupCodes!.filter((c) => !used.includes(c));
    const remaining = unused.length - 1;
    expect(await twoFactor.verify(scenario.userId, unused[0]!)).toEqual({ ok: true, method: 'backup-code', backupCodesRemaining: remaining });
    expect(await twoFactor.verify(scenario.userId, unused[0]!)).toEqual({ ok: false, reason: 'invalid' });
    for (const code of used) expect(await twoFactor.verify(scenario.userId, code)).toEqual({ ok: false, reason: 'invalid' });
    if (scenario.encryption) expect(JSON.stringify(rewritten)).not.toContain(scenario.secret);
  });

  it('pending: the 0.1 enrolment confirms as the first factor, with backup codes', async () => {
    const scenario = fixture.scenarios.find((s) => s.name === 'pending')!;
    const { store, insert, raw } = await targets[kind]!();
    await insert(scenario.userId, scenario.record);
    const clock = new ManualClock(scenario.now + STEP_MS);
    const twoFactor = serviceFor(scenario, store, clock);
    expect(await twoFactor.status(scenario.userId)).toMatchObject({ state: 'pending' });
    const confirmed = await twoFactor.confirmEnrollment(scenario.userId, codeAt(scenario.secret, clock.now()));
    expect(confirmed).toMatchObject({ ok: true, backupCodes: expect.any(Array) });
    expect(await raw(scenario.userId)).toMatchObject({ schema: 2, factors: [{ type: 'totp', label: 'Authenticator app' }], pending: null });
  });

  it('a 0.1 re-enrolment beside the factor becomes an addition that needs proof; the counted failure carries over', async () => {
    const scenario = fixture.scenarios.find((s) => s.name === 'enabled-with-reenrolment-and-failure')!;
    const { store, insert, raw } = await targets[kind]!();
    await insert(scenario.userId, scenario.record);
    const clock = new ManualClock(scenario.now + 1000);
    const twoFactor = serviceFor(scenario, store, clock);
    const newCode = codeAt(scenario.pendingSecret!, clock.now());
    expect(await twoFactor.confirmEnrollment(scenario.userId, newCode)).toEqual({ ok: false, reason: 'proof-required' });
    expect(await raw(scenario.userId)).toMatchObject({ schema: 1, failures: 1 });
    const proof = codeAt(scenario.secret, clock.now());
    expect(await twoFactor.confirmEnrollment(scenario.userId, newCode, { proof })).toMatchObject({ ok: true, backupCodes: [] });
    const rewritten = await raw(scenario.userId);
    expect(rewritten).toMatchObject({ schema: 2, failures: 0, pending: null });
    expect((rewritten.factors as unknown[]).length).toBe(2);
    clock.advance(STEP_MS);
    expect(await twoFactor.verify(scenario.userId, codeAt(scenario.pendingSecret!, clock.now()))).toMatchObject({ ok: true });
    expect(await twoFactor.verify(scenario.userId, scenario.backupCodes![0]!)).toMatchObject({ ok: true, backupCodesRemaining: 9 });
  });
});
