// The packed tarball in a fresh project, entry by entry: `require()` of every entry the exports map offers
// to require, `import` of every entry, and TypeScript consumers (this repository's TypeScript, by path)
// with module/moduleResolution node16 in an ESM and a CommonJS package, and with `bundler` — type-checked
// against the shipped .d.ts/.d.cts (no skipLibCheck), and the node16 builds run.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfMissing, installFresh, packTarball, root, run } from '../support/pack.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | Record<string, unknown>>;
  devDependencies: Record<string, string>;
};
const NAME = pkg.name;
const TSC = join(root, 'node_modules/typescript/bin/tsc');

// Every code entry of the exports map (not ./package.json), with what each must hold and a probe that
// proves the loaded module works. `lib` is the loaded entry; probes may be async.
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 6238 SHA-1 seed: 94287082 at 59 s
const ENTRIES: Record<string, { src: string; probe: string; expected: unknown }> = {
  '.': { src: '../../src/index.ts', probe: `lib.generateTotp('${SECRET}', { digits: 8, now: 59000 })`, expected: '94287082' },
  './qr': { src: '../../src/qr.ts', probe: `lib.renderQrSvg('otpauth://totp/a?secret=${SECRET}').slice(0, 4)`, expected: '<svg' },
  './server': {
    src: '../../src/server/index.ts',
    probe: `(await lib.createTwoFactor({ store: new lib.MemoryStore(), issuer: 'X' }).status('alice')).state`,
    expected: 'disabled',
  },
  './testing': { src: '../../src/testing/index.ts', probe: `lib.codeAt('${SECRET}', 59000, { digits: 8 })`, expected: '94287082' },
  './stores/sqlite': { src: '../../src/stores/sqlite.ts', probe: `lib.sqliteSchema().includes('CREATE TABLE')`, expected: true },
  './stores/postgres': { src: '../../src/stores/postgres.ts', probe: `lib.postgresSchema().includes('CREATE TABLE')`, expected: true },
  // No server here: the probe is the store's own refusal of a client that is not connected.
  './stores/redis': {
    src: '../../src/stores/redis.ts',
    probe: `(() => { try { new lib.RedisStore({ isOpen: false, hGetAll() {}, evalSha() {}, eval() {} }); } catch (e) { return e.code + ' ' + e.message.slice(0, 8); } })()`,
    expected: 'INVALID_OPTION "client"',
  },
  './stores/mysql': { src: '../../src/stores/mysql.ts', probe: `lib.mysqlSchema().includes('user_id    VARBINARY(1024)')`, expected: true },
  // The Kysely and Drizzle entries load the app's own kysely / drizzle-orm (installed beside the tarball).
  './stores/kysely': { src: '../../src/stores/kysely.ts', probe: `lib.kyselySchema('sqlite').startsWith('CREATE TABLE')`, expected: true },
  './stores/drizzle': { src: '../../src/stores/drizzle.ts', probe: `lib.pgTwoFactorTable().userId.name`, expected: 'user_id' },
  './stores/prisma': { src: '../../src/stores/prisma.ts', probe: `lib.PRISMA_MODEL.split('\\n')[0]`, expected: 'model TwoFactorRecord {' },
};
const codeEntries = Object.keys(pkg.exports).filter((e) => e !== './package.json');
const requirable = codeEntries.filter((e) => typeof pkg.exports[e] === 'object' && 'require' in (pkg.exports[e] as object));
const specifier = (entry: string) => (entry === '.' ? NAME : `${NAME}/${entry.slice(2)}`);

let work = '';
let app = '';

beforeAll(() => {
  buildIfMissing();
  work = mkdtempSync(join(tmpdir(), 'two-factor-consumers-'));
  const tarball = packTarball(work);
  app = join(work, 'app');
  installFresh(app, [tarball]);
  // kysely and drizzle-orm, the peers of two entries, linked from this repository's node_modules (an app
  // using those entries has them; optional peers are not installed with the package).
  for (const peer of ['kysely', 'drizzle-orm']) symlinkSync(join(root, 'node_modules', peer), join(app, 'node_modules', peer), 'dir');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

it('the exports map and this test agree on the entries', () => {
  expect(codeEntries.sort()).toEqual(Object.keys(ENTRIES).sort());
  // Every entry is offered to require() as well as import: a CommonJS project can use all of it.
  expect(requirable.sort()).toEqual(codeEntries.sort());
});

describe('runtime, from the installed tarball', () => {
  const script = (load: (spec: string) => string) =>
    codeEntries
      .map(
        (entry) => `try {
  const lib = ${load(specifier(entry))};
  out[${JSON.stringify(entry)}] = { keys: Object.keys(lib).sort(), probe: ${ENTRIES[entry]!.probe} };
} catch (e) {
  out[${JSON.stringify(entry)}] = { error: String(e.message).split('\\n')[0] };
}`,
      )
      .join('\n');
  const expectedKeys = async (entry: string) => Object.keys(await import(ENTRIES[entry]!.src)).sort();

  it.each(['cjs', 'mjs'] as const)('every entry loads (%s) with the same exports as src/, and works', async (kind) => {
    const body =
      kind === 'cjs'
        ? `const out = {};\n(async () => {\n${script((s) => `require('${s}')`)}\nconsole.log(JSON.stringify(out));\n})().catch((e) => { console.error(e); process.exit(1); });\n`
        : `const out = {};\n${script((s) => `await import('${s}')`)}\nconsole.log(JSON.stringify(out));\n`;
    const file = join(app, `all-entries.${kind}`);
    writeFileSync(file, body);
    const out = JSON.parse(run(process.execPath, [file], { cwd: app })) as Record<string, { keys?: string[]; probe?: unknown; error?: string }>;
    const expected = Object.fromEntries(
      await Promise.all(codeEntries.map(async (entry) => [entry, { keys: await expectedKeys(entry), probe: ENTRIES[entry]!.expected }])),
    );
    expect(out).toEqual(expected);
  });

  it('a TwoFactorError from the CommonJS build is instanceof the ESM class and vice versa', () => {
    const file = join(app, 'cross.mjs');
    writeFileSync(
      file,
      `import { createRequire } from 'node:module';
const esm = await import('${NAME}');
const cjs = createRequire(import.meta.url)('${NAME}');
const caught = (lib) => { try { lib.generateTotp('not base32!'); } catch (e) { return e; } };
console.log(JSON.stringify([caught(cjs) instanceof esm.TwoFactorError, caught(esm) instanceof cjs.TwoFactorError, caught(cjs).code]));`,
    );
    expect(JSON.parse(run(process.execPath, [file], { cwd: app }))).toEqual([true, true, 'INVALID_SECRET']);
  });
});

// A consumer that uses every entry it can load, with types. Wrong calls (never run) carry an expect-error
// directive, so an entry whose types resolve to `any` (or not at all) fails the check too.
function consumerSource(entries: string[]): string {
  const has = (e: string) => entries.includes(e);
  return [
    `import { generateTotp, verifyTotp, buildOtpauthUri, parseOtpauthUri, TwoFactorError, type Algorithm, type TotpVerifyResult, type OtpauthParams } from '${NAME}';`,
    has('./qr') && `import { renderQrSvg, qrSvgDataUri } from '${NAME}/qr';`,
    has('./server') && `import { createTwoFactor, MemoryStore, type TwoFactor, type TwoFactorStore } from '${NAME}/server';`,
    has('./testing') && `import { ManualClock, codeAt, runStoreContract } from '${NAME}/testing';`,
    has('./stores/sqlite') && `import { SqliteStore, sqliteSchema, type SqliteDatabase } from '${NAME}/stores/sqlite';`,
    has('./stores/postgres') && `import { PostgresStore, postgresSchema, type PostgresClient } from '${NAME}/stores/postgres';`,
    has('./stores/redis') && `import { RedisStore, DEFAULT_KEY_PREFIX, type RedisClient } from '${NAME}/stores/redis';`,
    has('./stores/mysql') && `import { MysqlStore, mysqlSchema, type MysqlPool } from '${NAME}/stores/mysql';`,
    has('./stores/prisma') && `import { PrismaStore, prismaSchemaSql, type PrismaTwoFactorDelegate } from '${NAME}/stores/prisma';`,
    `
declare const console: { log(text: string): void }; // no @types/node in this project
const algorithm: Algorithm = 'SHA1';
const code: string = generateTotp('${SECRET}', { algorithm, digits: 8, now: 59_000 });
const result: TotpVerifyResult = verifyTotp('${SECRET}', code, { digits: 8, now: 59_000 });
const step: number | null = result.valid ? result.step : null;
const uri: string = buildOtpauthUri({ type: 'totp', secret: '${SECRET}', accountName: 'alice@example.com', issuer: 'InworkJobs' });
const params: OtpauthParams = parseOtpauthUri(uri);
const secretBytes: Uint8Array = params.secret;
let errorCode: string | null = null;
try { generateTotp('not base32!'); } catch (e) { if (e instanceof TwoFactorError) errorCode = e.code; }
// @ts-expect-error: the secret is a Secret (bytes or base32), not a number
void (() => generateTotp(42));
// @ts-expect-error: 'MD5' is not an Algorithm
void (() => verifyTotp('${SECRET}', code, { algorithm: 'MD5' }));
const out: Record<string, unknown> = { code, step, uriStart: uri.slice(0, 15), secretLength: secretBytes.length, errorCode };
`,
    has('./qr') &&
      `const svg: string = renderQrSvg(uri, { errorCorrection: 'M', margin: 4 });
out.qr = qrSvgDataUri(svg).startsWith('data:image/svg+xml');
// @ts-expect-error: error correction is 'L' | 'M' | 'Q' | 'H'
void (() => renderQrSvg(uri, { errorCorrection: 'X' }));`,
    has('./server') &&
      `const store: TwoFactorStore = new MemoryStore();
const service: TwoFactor = createTwoFactor({ store, issuer: 'InworkJobs', now: () => 59_000 });
// @ts-expect-error: issuer is required
void (() => createTwoFactor({ store }));`,
    has('./testing') &&
      `const clock = new ManualClock(59_000);
out.codeAt = codeAt('${SECRET}', clock.now(), { digits: 8 });
const contract: typeof runStoreContract = runStoreContract;`,
    has('./stores/sqlite') &&
      `const db: SqliteDatabase = { prepare: () => ({ run: () => ({ changes: 0 }), get: () => undefined }), exec: () => undefined };
const sqlite: TwoFactorStore = new SqliteStore(db, { table: 'two_factor' });
out.sqlite = sqliteSchema().includes('CREATE TABLE');`,
    has('./stores/postgres') &&
      `const client: PostgresClient = { query: async () => ({ rows: [] }) };
const postgres: TwoFactorStore = new PostgresStore(client);
out.postgres = postgresSchema('auth.two_factor').includes('auth');`,
    has('./stores/redis') &&
      `const redisClient: RedisClient = { isOpen: true, hGetAll: async () => ({}), evalSha: async () => 1, eval: async () => 1 };
const redis: TwoFactorStore = new RedisStore(redisClient, { keyPrefix: DEFAULT_KEY_PREFIX });
// @ts-expect-error: keyPrefix is a string
void (() => new RedisStore(redisClient, { keyPrefix: 2 }));`,
    has('./stores/mysql') &&
      `const mysqlPool: MysqlPool = { execute: async () => [[], []] };
const mysqlStore: TwoFactorStore = new MysqlStore(mysqlPool, { table: 'two_factor' });
out.mysql = mysqlSchema('auth.two_factor').includes('\`auth\`.\`two_factor\`');
// @ts-expect-error: table is a string
void (() => new MysqlStore(mysqlPool, { table: 2 }));`,
    has('./stores/prisma') &&
      `const delegate: PrismaTwoFactorDelegate = { findUnique: async () => null, create: async () => ({}), updateMany: async () => ({ count: 0 }), deleteMany: async () => ({ count: 0 }) };
const prismaStore: TwoFactorStore = new PrismaStore(delegate);
out.prisma = prismaSchemaSql('sqlite').includes('two_factor_record');
// @ts-expect-error: only 'postgresql' and 'sqlite'
void (() => prismaSchemaSql('mssql'));`,
    has('./server') && has('./stores/mysql') && has('./stores/prisma') && `void [mysqlStore, prismaStore];`,
    has('./server') && `service.status('alice').then((s) => { out.status = s.state; console.log(JSON.stringify(out)); });`,
    !has('./server') && `console.log(JSON.stringify(out));`,
    has('./server') && has('./stores/sqlite') && has('./stores/postgres') && `void [sqlite, postgres, contract];`,
    has('./server') && has('./stores/redis') && `void redis;`,
    `export {};`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** tsc's diagnostics for the project in `dir`; '' when it type-checks. */
function typeCheck(dir: string): string {
  try {
    run(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: dir });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout || error);
  }
}

const TS_VARIANTS = [
  // name, package.json "type", compilerOptions, whether tsc emits something node can run
  ['node16, "type": "module"', 'module', { module: 'node16', moduleResolution: 'node16' }, true],
  ['node16, "type": "commonjs"', 'commonjs', { module: 'node16', moduleResolution: 'node16' }, true],
  ['bundler, "type": "module"', 'module', { module: 'esnext', moduleResolution: 'bundler' }, false],
  ['bundler, "type": "commonjs"', 'commonjs', { module: 'preserve', moduleResolution: 'bundler' }, false],
] as const;

describe('TypeScript consumers (typescript from this repository)', () => {
  it.each(TS_VARIANTS)('%s: type-checks against the shipped declarations', (name, type, options, runs) => {
    const dir = join(app, `ts-${name.replace(/\W+/g, '-')}`);
    mkdirSync(dir, { recursive: true });
    // A CommonJS package compiled by node16 rules gets require() conditions; it can use only requirable entries.
    const entries = type === 'commonjs' && options.moduleResolution === 'node16' ? requirable : codeEntries;
    writeFileSync(join(dir, 'consumer.ts'), consumerSource(entries));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ts-consumer', private: true, type }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: 'es2022',
          lib: ['es2022'],
          types: [],
          strict: true,
          skipLibCheck: false,
          outDir: 'out',
          noEmit: !runs,
        },
        files: ['consumer.ts'],
      }),
    );
    expect(typeCheck(dir)).toBe('');
    if (runs) {
      const out = JSON.parse(run(process.execPath, [join(dir, 'out/consumer.js')], { cwd: dir })) as Record<string, unknown>;
      expect(out).toMatchObject({ code: '94287082', step: 1, uriStart: 'otpauth://totp/', secretLength: 20, errorCode: 'INVALID_SECRET' });
      if (entries.includes('./server')) expect(out.status).toBe('disabled');
      if (entries.includes('./testing')) expect(out.codeAt).toBe('94287082');
      if (entries.includes('./stores/mysql')) expect(out.mysql).toBe(true);
      if (entries.includes('./stores/prisma')) expect(out.prisma).toBe(true);
    }
  });

  it('the check can fail: a misuse without @ts-expect-error is reported', () => {
    const dir = join(app, 'ts-negative');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'consumer.ts'), `import { generateTotp } from '${NAME}';\ngenerateTotp(42);\nexport {};\n`);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, types: [] }, files: ['consumer.ts'] }));
    expect(typeCheck(dir)).toMatch(/consumer\.ts\(2,14\): error TS2345/);
  });
});
