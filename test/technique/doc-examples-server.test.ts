// Every ```ts example in the TSDoc of src/server/, src/stores/ and src/testing/ runs, with its stated
// results checked, by the checker of test/technique/doc-examples.test.ts (its header has the result conventions).
// The examples run against real parts: a service on a MemoryStore with a ManualClock and cheap scrypt, the
// PostgreSQL and Redis servers `npm test` starts, SQLite files in an empty temporary folder. The names an
// example takes from its surroundings (`twoFactor`, `record`, `row`, …) are declared per example in
// SETTINGS; `import` lines are answered with this repository's modules.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import * as server from '../../src/server/index.js';
import * as testing from '../../src/testing/index.js';
import { enabledRecord } from '../../src/testing/contract-records.js';
import { extractExamples, plan, run, type Plan } from '../support/doc-examples.js';
import { CHEAP_SCRYPT, ManualClock, START_MS, STEP_MS, codeAt } from '../support/fixtures.js';
import { requiredEnv } from '../support/required-env.js';

const FOLDERS = ['server', 'stores', 'testing'];
const SRC = new URL('../../src/', import.meta.url);

/** What an example needs besides the library: free names, modules for its imports, code to close what it opened. */
interface Setting {
  scope?: Record<string, unknown>;
  modules?: Record<string, unknown>;
  /** Run after the example's own lines, in its scope (an example opens connections it never closes). */
  epilogue?: string;
  /** Checks or cleanup after the example. */
  after?: () => Promise<void>;
}

/** Commented example lines that are deliberately not checked, by `file#symbol: line`, with the reason. */
const UNCHECKED: Record<string, string> = {
  "server/service.ts#createTwoFactor: const confirmed = await twoFactor.confirmEnrollment('user-1', '123456'); // { ok: true, factorId, backupCodes } once the app shows it":
    "'123456' stands for what the user's app shows; the confirmation flow is checked in test/server/service.test.ts",
  "server/service.ts#createTwoFactor: const login = await twoFactor.verify('user-1', '654321');                // { ok: true, method: 'totp', factorId, … }":
    "'654321' stands for what the user's app shows; sign-in is checked in test/server/service.test.ts",
  // Prose on the client options: why each is set. test/stores/redis-faults.test.ts checks what they do.
  'stores/redis.ts#RedisStore: disableOfflineQueue: true,         // while disconnected, fail calls instead of queuing them': 'prose on an option',
  'stores/redis.ts#RedisStore: pingInterval: 1_000,               // keeps an idle connection talking, so that…': 'prose on an option',
  'stores/redis.ts#RedisStore: socket: { socketTimeout: 5_000 },  // …5 s of silence means a hung server: calls fail, it reconnects': 'prose on an option',
};

/** A service as the examples' `twoFactor`: user 'u1' has 2FA on with one app, whose secret is `first`; the clock is a fresh step on. */
async function enabledService() {
  const clock = new ManualClock(START_MS);
  const twoFactor = server.createTwoFactor({ store: new server.MemoryStore(), issuer: 'InworkJobs', now: clock.now, backupCodes: { cost: CHEAP_SCRYPT } });
  const { secret: first } = await twoFactor.beginEnrollment('u1', { accountName: 'alice@example.com' });
  const confirmed = await twoFactor.confirmEnrollment('u1', codeAt(first, clock.now()));
  if (!confirmed.ok) throw new Error(`enrolment failed: ${confirmed.reason}`);
  clock.advance(STEP_MS);
  return { twoFactor, clock, first };
}

/** Runs the suites an example registers with `describe`/`it` (the store contract), after the example. */
function collectingRunner() {
  const tests: (() => Promise<void>)[] = [];
  const api = { describe: (_name: string, body: () => void) => body(), it: (_name: string, body: () => Promise<void>) => void tests.push(body), expect };
  return { api, runAll: async () => {
    for (const test of tests) await test();
    return tests.length;
  } };
}

/** `process.env` for the store examples; `console` collecting what an example prints. */
const env = (vars: Record<string, string>) => ({ process: { env: vars } });
function printed(): { console: { log: (line: string) => void; error: () => void }; lines: string[] } {
  const lines: string[] = [];
  return { console: { log: (line: string) => void lines.push(line), error: () => undefined }, lines };
}

/** A PostgreSQL URL whose connections work in a schema of their own, so the example's `two_factor` table is its own. */
async function pgUrlInOwnSchema(): Promise<string> {
  const url = requiredEnv('TWO_FACTOR_PG_URL');
  const schema = `doc_examples_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const withPath = new URL(url);
  withPath.searchParams.set('options', `-c search_path=${schema}`);
  return withPath.href;
}

const SETTINGS: Record<string, () => Promise<Setting>> = {
  'server/record/parse.ts#parseRecord': async () => ({ scope: { row: { record_json: JSON.stringify(enabledRecord(5)) } } }),
  'server/service.ts#confirmEnrollment': async () => {
    const { twoFactor, clock, first } = await enabledService();
    const { secret } = await twoFactor.beginEnrollment('u1', { accountName: 'alice@example.com' });
    return { scope: { twoFactor, newAppCode: codeAt(secret, clock.now()), oldAppCode: codeAt(first, clock.now()) } };
  },
  'server/service.ts#addHotpToken': async () => {
    const { twoFactor, clock, first } = await enabledService();
    return { scope: { twoFactor, proof: codeAt(first, clock.now()) } };
  },
  'server/service.ts#removeFactor': async () => {
    const { twoFactor, clock, first } = await enabledService();
    const { secret } = await twoFactor.beginEnrollment('u1', { accountName: 'alice@example.com' });
    const added = await twoFactor.confirmEnrollment('u1', codeAt(secret, clock.now()), { proof: codeAt(first, clock.now()) });
    if (!added.ok) throw new Error(`adding the new phone failed: ${added.reason}`);
    clock.advance(STEP_MS);
    return { scope: { twoFactor, codeFromNewPhone: codeAt(secret, clock.now()) } };
  },
  'server/service.ts#importFactor': async () => {
    const { twoFactor } = await enabledService();
    return { scope: { twoFactor, row: { otp_secret: 'JBSWY3DPEHPK3PXP', consumed_timestep: Math.floor(START_MS / STEP_MS) } } };
  },
  'server/record/store.ts#TwoFactorStore': async () => ({ scope: { record: enabledRecord(1) } }),
  'server/checks/throttle.ts#DEFAULT_THROTTLE': async () => ({ scope: { store: new server.MemoryStore() } }),
  'server/record/devices.ts#revokeAllDevices': async () => {
    const device = { id: 'AAAAAAAAAAAAAAAAAAAAAA', hash: 'LXEWQrcmsEQBYnyp-6wy9chTD7GQPMTbAiWHF5IaSIE', label: 'Laptop', createdAt: 1, expiresAt: 2 };
    return { scope: { record: { ...enabledRecord(1), devices: [device, { ...device, id: 'AQEBAQEBAQEBAQEBAQEBAQ' }] } } };
  },
  'stores/postgres.ts#postgresSchema': async () => {
    const out = printed();
    return { scope: { console: out.console }, after: async () => expect(out.lines).toEqual([(await import('../../src/stores/postgres.js')).postgresSchema('auth.two_factor')]) };
  },
  'stores/postgres.ts#PostgresStore': async () => ({ scope: { ...env({ DATABASE_URL: await pgUrlInOwnSchema() }), ...printed() }, epilogue: 'await pool.end();' }),
  'stores/redis.ts#RedisStore': async () => ({ scope: { ...env({ REDIS_URL: requiredEnv('TWO_FACTOR_REDIS_URL') }), ...printed() }, epilogue: 'client.destroy();' }),
  'stores/sqlite.ts#sqliteSchema': async () => {
    const out = printed();
    return { scope: { console: out.console }, after: async () => expect(out.lines).toEqual([(await import('../../src/stores/sqlite.js')).sqliteSchema('two_factor')]) };
  },
  'stores/sqlite.ts#SqliteStore': async () => {
    // The example opens 'app.db' in the working directory: an empty temporary one.
    const home = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'doc-examples-'));
    process.chdir(dir);
    return { epilogue: 'db.close();', after: async () => {
      process.chdir(home);
      expect(readdirSync(dir)).toContain('app.db');
      rmSync(dir, { recursive: true, force: true });
    } };
  },
  'testing/code-at.ts#codeAt': async () => {
    const clock = new ManualClock(START_MS);
    return { scope: { clock, twoFactor: server.createTwoFactor({ store: new server.MemoryStore(), issuer: 'Test', now: clock.now, backupCodes: { cost: CHEAP_SCRYPT } }) } };
  },
  'testing/store-contract.ts#runStoreContract': async () => {
    const runner = collectingRunner();
    return { modules: { vitest: runner.api }, after: async () => expect(await runner.runAll()).toBeGreaterThan(10) };
  },
};

async function modules(): Promise<Record<string, unknown>> {
  return {
    '@inworkjobs/two-factor/server': server,
    '@inworkjobs/two-factor/testing': testing,
    '@inworkjobs/two-factor/stores/sqlite': await import('../../src/stores/sqlite.js'),
    '@inworkjobs/two-factor/stores/postgres': await import('../../src/stores/postgres.js'),
    '@inworkjobs/two-factor/stores/redis': await import('../../src/stores/redis.js'),
    'better-sqlite3': await import('better-sqlite3'),
    pg: await import('pg'),
    redis: await import('redis'),
  };
}

const FILES = FOLDERS.flatMap((folder) =>
  (readdirSync(new URL(`${folder}/`, SRC), { recursive: true }) as string[])
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => `${folder}/${f}`),
);
const examples = FILES.flatMap((file) => extractExamples(file, readFileSync(new URL(file, SRC), 'utf8')));
const plans = examples.map(plan);

async function runExample(p: Plan): Promise<void> {
  const setting = (await SETTINGS[p.example.id]?.()) ?? {};
  // The example's own module first, for an @internal function it documents; then what it is given.
  const own = (await import(/* @vite-ignore */ new URL(p.example.file, SRC).href)) as Record<string, unknown>;
  const scope = { ...core, ...server, ...testing, ...own, ...setting.scope };
  try {
    await run(p, scope, { ...(await modules()), ...setting.modules }, setting.epilogue);
  } finally {
    await setting.after?.();
  }
}

describe('TSDoc examples of /server, /stores and /testing', () => {
  it('finds the examples, and every setting and unchecked line belongs to one', () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
    const ids = new Set(examples.map((e) => e.id));
    expect(Object.keys(SETTINGS).filter((id) => !ids.has(id))).toEqual([]);
    expect(plans.flatMap((p) => p.unchecked).sort()).toEqual(Object.keys(UNCHECKED).sort());
    for (const reason of Object.values(UNCHECKED)) expect(reason.length).toBeGreaterThan(10);
  });

  it('every exported function and class of /server, /testing and the stores has an example', async () => {
    const imports = await modules();
    const entries = ['server', 'testing', 'stores/sqlite', 'stores/postgres', 'stores/redis'].map((e) => imports[`@inworkjobs/two-factor/${e}`] as Record<string, unknown>);
    const callable = entries.flatMap((entry) => Object.entries(entry).filter(([, v]) => typeof v === 'function').map(([k]) => k));
    const documented = new Set(examples.map((e) => e.symbol));
    expect(callable.length).toBeGreaterThan(10);
    expect(callable.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('only setup examples state no result', () => {
    // Setup examples (a service, a store, a client) state no value; `after` checks what they print or make.
    expect(plans.filter((p) => p.checks.length === 0).map((p) => p.example.id)).toEqual([
      'server/checks/throttle.ts#DEFAULT_THROTTLE',
      'server/record/store.ts#MemoryStore',
      'server/service.ts#createTwoFactor',
      'stores/postgres.ts#postgresSchema',
      'stores/postgres.ts#PostgresStore',
      'stores/redis.ts#RedisStore',
      'stores/sqlite.ts#sqliteSchema',
      'stores/sqlite.ts#SqliteStore',
      'testing/store-contract.ts#runStoreContract',
    ]);
  });

  it.each(plans.map((p) => ({ id: p.example.id, plan: p })))('$id', async ({ plan: p }) => {
    await runExample(p);
  });
});
