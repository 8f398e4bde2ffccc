import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { SqliteStore, sqliteSchema, type SqliteDatabase } from '../../src/stores/sqlite.js';
import { GOOD_TABLES, HOSTILE_TABLES, freshTable, pendingRecord } from '../support/store-fixtures.js';
import { runStoreContract } from '../../src/testing/index.js';
import type { TwoFactorStore } from '../../src/server/index.js';
import { ManualClock, T0_MS, codeAt, enableUser, serviceOn } from '../support/fixtures.js';
import { expectSingleUseThroughService } from '../support/store-service.js';

const dir = mkdtempSync(join(tmpdir(), 'two-factor-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A fresh database file in WAL mode, as the docs recommend. */
function openFile(file = join(dir, `db-${++files}.sqlite`)) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return { db, file };
}

async function freshStore(table = freshTable()) {
  const { db, file } = openFile();
  const store = new SqliteStore(db, { table });
  await store.migrate();
  return { db, file, store, table };
}

// A better-sqlite3 Database must satisfy the structural type the store asks for (checked by tsc).
const typeCheck: (db: Database.Database) => SqliteDatabase = (db) => db;
void typeCheck;

// One file for the whole suite (the contract uses fresh user ids); each test gets its own connection to it.
let contractFile: { file: string; table: string } | undefined;
runStoreContract('SqliteStore (file, WAL)', async () => {
  if (!contractFile) {
    const { file, table } = await freshStore();
    contractFile = { file, table };
  }
  return new SqliteStore(openFile(contractFile.file).db, { table: contractFile.table });
}, { describe, it: test, expect });

describe('SqliteStore on a WAL file', () => {
  test('the file really is in WAL mode', async () => {
    const { db } = await freshStore();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  test('two connections to one file see each other and conflict on the same version', async () => {
    const { file, store: a, table } = await freshStore();
    const b = new SqliteStore(openFile(file).db, { table });
    expect(await a.compareAndSet('u', null, pendingRecord(1))).toBe(true);
    const seen = await b.get('u');
    expect(seen?.record).toEqual(pendingRecord(1));
    expect(await b.compareAndSet('u', seen!.version, pendingRecord(2))).toBe(true);
    expect(await a.compareAndSet('u', seen!.version, pendingRecord(3))).toBe(false);
    expect((await a.get('u'))?.record).toEqual(pendingRecord(2));
  });
});

describe('schema', () => {
  test('sqliteSchema is the statement migrate() runs, with the documented columns', async () => {
    const { db, table } = await freshStore();
    expect(sqliteSchema(table)).toMatch(/^CREATE TABLE IF NOT EXISTS "t_\d+_\d+" \(/);
    const columns = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
    expect(columns.map((c) => [c.name, c.type, c.pk])).toEqual([
      ['user_id', 'TEXT', 1],
      ['record', 'TEXT', 0],
      ['version', 'INTEGER', 0],
      ['updated_at', 'TEXT', 0],
    ]);
    expect(sqliteSchema()).toContain('"two_factor"');
  });

  test('migrate() is idempotent and keeps the rows', async () => {
    const { store } = await freshStore();
    await store.compareAndSet('u', null, pendingRecord());
    await store.migrate();
    await store.migrate();
    expect((await store.get('u'))?.record).toEqual(pendingRecord());
  });

  test('the table refuses text that is not JSON', async () => {
    const { db, table } = await freshStore();
    expect(() => db.prepare(`INSERT INTO "${table}" (user_id, record, version) VALUES ('x', 'not json', 1)`).run()).toThrow(/CHECK/);
  });

  test('updated_at records the write time', async () => {
    const { db, store, table } = await freshStore();
    const before = Date.now();
    await store.compareAndSet('u', null, pendingRecord());
    const { updated_at } = db.prepare(`SELECT updated_at FROM "${table}"`).get() as { updated_at: string };
    expect(Date.parse(updated_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(updated_at)).toBeLessThanOrEqual(Date.now() + 1000);
  });
});

describe('table option', () => {
  test.each(GOOD_TABLES)('%s works, quoted', async (table) => {
    const { db, store } = await freshStore(table);
    expect(await store.compareAndSet('u', null, pendingRecord())).toBe(true);
    expect((db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n).toBe(1);
  });

  test('a schema-qualified name reaches the attached database', async () => {
    const { db } = openFile();
    db.exec(`ATTACH DATABASE '${join(dir, 'attached.sqlite')}' AS auth`);
    const store = new SqliteStore(db, { table: 'auth.two_factor' });
    await store.migrate();
    await store.compareAndSet('u', null, pendingRecord());
    expect((db.prepare('SELECT count(*) AS n FROM auth.two_factor').get() as { n: number }).n).toBe(1);
    expect(sqliteSchema('auth.two_factor')).toContain('"auth"."two_factor"');
  });

  test.each(HOSTILE_TABLES)('%j is refused with INVALID_OPTION naming "table", and nothing runs', (table) => {
    const { db } = openFile();
    db.exec('CREATE TABLE victim (id INTEGER)');
    db.exec('INSERT INTO victim VALUES (1)');
    const attempt = () => new SqliteStore(db, { table: table as string });
    expect(attempt).toThrow(TwoFactorError);
    expect(attempt).toThrow(/^"table" must be a table name/);
    try {
      attempt();
    } catch (e) {
      expect((e as TwoFactorError).code).toBe('INVALID_OPTION');
    }
    expect(() => sqliteSchema(table as string)).toThrow(/"table"/);
    expect((db.prepare('SELECT count(*) AS n FROM victim').get() as { n: number }).n).toBe(1);
  });

  test('options and db are checked', () => {
    const { db } = openFile();
    expect(() => new SqliteStore(db, 'two_factor' as never)).toThrow(/"options" must be an object/);
    expect(() => new SqliteStore({} as never)).toThrow(/"db" must be a better-sqlite3 Database/);
    expect(() => new SqliteStore(null as never)).toThrow(/"db" must be a better-sqlite3 Database, got null/);
  });
});

describe('arguments and stored data', () => {
  test('malformed compareAndSet arguments throw INVALID_OPTION and write nothing', async () => {
    const { store } = await freshStore();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const cases: [string, unknown, unknown, RegExp][] = [
      ['', null, pendingRecord(), /"userId" must be a string of 1–256 characters/],
      ['x'.repeat(257), null, pendingRecord(), /"userId" must be a string of 1–256 characters/],
      // The service's rule, shared: SQLite would keep these, PostgreSQL would refuse or alter them.
      ['a\0b', null, pendingRecord(), /"userId" must be text without NUL or unpaired surrogates/],
      ['a\uD800', null, pendingRecord(), /"userId" must be text without NUL or unpaired surrogates/],
      ['u', 1.5, pendingRecord(), /"expectedVersion" must be null or a safe integer, got 1.5/],
      ['u', '1', pendingRecord(), /"expectedVersion" must be null or a safe integer/],
      ['u', null, [pendingRecord()], /"next" must be null or a JSON-serialisable object, got an array/],
      ['u', null, { big: 1n }, /"next" must be null or a JSON-serialisable object/],
      ['u', null, cycle, /"next" must be null or a JSON-serialisable object/],
    ];
    for (const [userId, version, next, message] of cases) {
      await expect(store.compareAndSet(userId, version as number, next as never)).rejects.toThrow(message);
    }
    await expect(store.get(7 as never)).rejects.toThrow(/"userId" must be a string of 1–256 characters, got 7/);
    expect(await store.get('u')).toBeNull();
  });

  test.each([
    ['a JSON array', `'[1,2]'`, 1, /"record" must be a JSON object, got an array/],
    ['JSON null', `'null'`, 1, /"record" must be a JSON object, got null/],
    ['a JSON string', `'"text"'`, 1, /"record" must be a JSON object, got a string/],
    ['a text version', `'{}'`, `'seven'`, /"version" must be a safe integer, got a string of length 5/],
    ['a real version', `'{}'`, 1.5, /"version" must be a safe integer, got 1.5/],
  ])('a row holding %s is a STORE_ERROR', async (_, record, version, message) => {
    const { db, store, table } = await freshStore();
    db.prepare(`INSERT INTO "${table}" (user_id, record, version) VALUES ('u', ${record}, ${version})`).run();
    await expect(store.get('u')).rejects.toSatisfy((e) => e instanceof TwoFactorError && e.code === 'STORE_ERROR');
    await expect(store.get('u')).rejects.toThrow(message);
  });

  test('a row whose text is not JSON (CHECK dropped by hand) is a STORE_ERROR without its content', async () => {
    const { db } = openFile();
    db.exec('CREATE TABLE loose (user_id TEXT PRIMARY KEY, record TEXT, version INTEGER, updated_at TEXT)');
    db.exec(`INSERT INTO loose VALUES ('u', '{"secret": "JBSWY3DP', 1, '')`);
    const store = new SqliteStore(db, { table: 'loose' });
    const error = await store.get('u').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorError);
    expect((error as TwoFactorError).code).toBe('STORE_ERROR');
    expect((error as TwoFactorError).message).not.toContain('JBSWY3DP');
  });
});

describe('through the service', () => {
  test('the documented wiring: a code works once, a backup code once', async () => {
    const { store } = await freshStore();
    const twoFactor = await expectSingleUseThroughService(store);
    await twoFactor.reset('alice');
    expect(await store.get('alice')).toBeNull();
  });

  test('the database closed between the read and the write of verify(): STORE_ERROR, no partial record, the code still works after reopening', async () => {
    const { db, file, store, table } = await freshStore();
    const clock = new ManualClock(T0_MS);
    const { secret } = await enableUser(serviceOn(store, clock), clock, 'bob');
    const before = await store.get('bob');
    // The real store; the fault is real too: the handle is closed right after the read.
    const closingAfterRead: TwoFactorStore = {
      get: async (userId) => {
        const row = await store.get(userId);
        db.close();
        return row;
      },
      compareAndSet: (...args) => store.compareAndSet(...args),
    };
    const code = codeAt(secret, clock.now());
    const error = await serviceOn(closingAfterRead, clock).verify('bob', code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorError);
    expect((error as TwoFactorError).code).toBe('STORE_ERROR');
    expect(String((error as TwoFactorError).cause)).toMatch(/not open/);

    const reopened = new SqliteStore(openFile(file).db, { table });
    expect(await reopened.get('bob')).toEqual(before);
    expect(await serviceOn(reopened, clock).verify('bob', code)).toMatchObject({ ok: true, method: 'totp' });
  });
});

describe('faults', () => {
  test('a closed database rejects every call (a promise, not a synchronous throw) and the row is intact', async () => {
    const { db, file, store, table } = await freshStore();
    await store.compareAndSet('u', null, pendingRecord(1));
    const { version } = (await store.get('u'))!;
    db.close();
    const write = store.compareAndSet('u', version, pendingRecord(2));
    expect(write).toBeInstanceOf(Promise);
    await expect(write).rejects.toThrow(/not open/);
    await expect(store.get('u')).rejects.toThrow(/not open/);
    const reopened = new SqliteStore(openFile(file).db, { table });
    expect(await reopened.get('u')).toEqual({ record: pendingRecord(1), version });
  });

  test('a write blocked by another writer past the busy timeout rejects with SQLITE_BUSY and changes nothing', async () => {
    const { file, store: first, table } = await freshStore();
    await first.compareAndSet('u', null, pendingRecord(1));
    const { version } = (await first.get('u'))!;
    const impatient = new Database(file, { timeout: 50 });
    const store = new SqliteStore(impatient, { table });
    const locker = openFile(file).db;
    locker.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.compareAndSet('u', version, pendingRecord(2))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      // WAL: readers are not blocked by the writer.
      expect((await store.get('u'))?.record).toEqual(pendingRecord(1));
    } finally {
      locker.exec('ROLLBACK');
    }
    expect(await store.compareAndSet('u', version, pendingRecord(2))).toBe(true);
    expect((await first.get('u'))?.record).toEqual(pendingRecord(2));
  });
});
