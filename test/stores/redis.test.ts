// The Redis store on a real redis-server: the one `npm test` starts (TWO_FACTOR_REDIS_URL; a missing server
// is a failure, not a skip). The cluster, crash and fault tests start their own servers
// (redis-cluster, redis-durability and redis-faults.test.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient, type RedisClientType, type RedisClusterType } from 'redis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import { DEFAULT_KEY_PREFIX, RedisStore, type RedisClient } from '../../src/stores/redis.js';
import { runStoreContract } from '../../src/testing/index.js';
import { buildIfMissing } from '../support/pack.js';
import { connectRedis as connect, countingScripts } from '../support/redis-client.js';
import { pendingRecord } from '../support/store-fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { expectSingleUseThroughService } from '../support/store-service.js';
import { ManualClock, T0_MS, codeAt } from '../support/fixtures.js';

const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');
const root = fileURLToPath(new URL('../..', import.meta.url));

// A node-redis client and cluster must satisfy the structural type the store asks for (checked by tsc).
const typeCheck: (c: RedisClientType | RedisClusterType) => RedisClient = (c) => c;
void typeCheck;

let prefixes = 0;
const freshPrefix = () => `t${process.pid}-${++prefixes}:`;

async function thrown(promise: Promise<unknown> | (() => unknown)): Promise<TwoFactorError> {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(TwoFactorError);
  return error as TwoFactorError;
}

let client: Awaited<ReturnType<typeof connect>>;
beforeAll(async () => {
  client = await connect(REDIS_URL);
});
afterAll(() => client?.close());

runStoreContract('RedisStore (node-redis client)', () => new RedisStore(client, { keyPrefix: freshPrefix() }), { describe, it: test, expect });

describe('RedisStore on a redis-server', () => {
  test('one hash per user at keyPrefix{userId}, fields record (JSON) and version; a delete removes the key', async () => {
    const prefix = freshPrefix();
    const store = new RedisStore(client, { keyPrefix: prefix });
    expect(await store.compareAndSet('alice', null, pendingRecord(1))).toBe(true);
    expect(await client.keys(`${prefix}*`)).toEqual([`${prefix}{alice}`]);
    const hash = await client.hGetAll(`${prefix}{alice}`);
    expect(Object.keys(hash).sort()).toEqual(['record', 'version']);
    expect(JSON.parse(hash.record!)).toEqual(pendingRecord(1));
    const { version } = (await store.get('alice'))!;
    expect(hash.version).toBe(String(version));
    expect(await client.type(`${prefix}{alice}`)).toBe('hash');
    expect(await client.ttl(`${prefix}{alice}`)).toBe(-1); // never expires
    expect(await store.compareAndSet('alice', version, pendingRecord(2))).toBe(true);
    expect(await client.hGet(`${prefix}{alice}`, 'version')).toBe(String(version + 1));
    expect(await store.compareAndSet('alice', version + 1, null)).toBe(true);
    expect(await client.exists(`${prefix}{alice}`)).toBe(0);
  });

  test('the default prefix is "two-factor:"', async () => {
    expect(DEFAULT_KEY_PREFIX).toBe('two-factor:');
    const store = new RedisStore(client);
    const user = `default-prefix-${process.pid}-${Date.now()}`;
    try {
      await store.compareAndSet(user, null, pendingRecord());
      expect(await client.exists(`two-factor:{${user}}`)).toBe(1);
    } finally {
      await client.del(`two-factor:{${user}}`);
    }
  });

  test('two prefixes on one server are two independent stores', async () => {
    const a = new RedisStore(client, { keyPrefix: freshPrefix() });
    const b = new RedisStore(client, { keyPrefix: freshPrefix() });
    await a.compareAndSet('u', null, pendingRecord(1));
    expect(await b.get('u')).toBeNull();
    expect(await b.compareAndSet('u', null, pendingRecord(2))).toBe(true);
    expect((await a.get('u'))!.record).toEqual(pendingRecord(1));
  });

  test('a user id with braces, spaces and non-ASCII is its own key', async () => {
    const store = new RedisStore(client, { keyPrefix: freshPrefix() });
    const ids = ['a}b', 'a}c', '{x}', '}', 'Zoë 用户 🔐', 'a:b', '*'];
    for (const [i, id] of ids.entries()) expect(await store.compareAndSet(id, null, pendingRecord(i))).toBe(true);
    for (const [i, id] of ids.entries()) expect((await store.get(id))!.record).toEqual(pendingRecord(i));
  });

  test('after SCRIPT FLUSH the script is sent again once (EVAL), then runs by its SHA1 (EVALSHA)', async () => {
    const { client: counting, counts } = countingScripts(client);
    const store = new RedisStore(counting, { keyPrefix: freshPrefix() });
    await client.scriptFlush();
    expect(await store.compareAndSet('u', null, pendingRecord(1))).toBe(true);
    expect(counts).toEqual({ evalSha: 1, eval: 1 });
    const { version } = (await store.get('u'))!;
    expect(await store.compareAndSet('u', version, pendingRecord(2))).toBe(true);
    expect(await store.compareAndSet('u', version, pendingRecord(3))).toBe(false);
    expect(counts).toEqual({ evalSha: 3, eval: 1 });
    await client.scriptFlush();
    expect(await store.compareAndSet('u', version + 1, pendingRecord(4))).toBe(true);
    expect(counts).toEqual({ evalSha: 4, eval: 2 });
    expect((await store.get('u'))!.record).toEqual(pendingRecord(4));
  });

  test('an error other than NOSCRIPT from EVALSHA is not retried with EVAL', async () => {
    let evals = 0;
    const failing: RedisClient = {
      isOpen: true,
      hGetAll: (key) => client.hGetAll(key),
      evalSha: () => Promise.reject(new Error('READONLY You can\'t write against a read only replica.')),
      eval: (script, options) => (evals++, client.eval(script, options)),
    };
    const error = await thrown(new RedisStore(failing, { keyPrefix: freshPrefix() }).compareAndSet('u', null, pendingRecord()));
    expect(error.code).toBe('STORE_ERROR');
    expect((error.cause as Error).message).toMatch(/^READONLY/);
    expect(evals).toBe(0);
  });

  const prefixOf = (key: string) => key.slice(0, key.indexOf('{'));
  test.each([
    ['a string', (k: string) => client.set(k, '{"schema":1}'), /WRONGTYPE/],
    ['a list', (k: string) => client.rPush(k, 'x'), /WRONGTYPE/],
    ['a hash without version', (k: string) => client.hSet(k, { record: '{}' }), /"redis hash" must be a record of this library/],
    ['a hash of another program', (k: string) => client.hSet(k, { name: 'x', email: 'y' }), /"redis hash" must be a record of this library/],
    ['a record that is not JSON', (k: string) => client.hSet(k, { record: '{nope', version: '1' }), /"record" must be a JSON object, got a string/],
    ['a record that is a JSON array', (k: string) => client.hSet(k, { record: '[1]', version: '1' }), /"record" must be a JSON object, got an array/],
    ['a version that is not an integer', (k: string) => client.hSet(k, { record: '{}', version: 'one' }), /"version" must be a safe integer/],
    ['a version beyond 2^53', (k: string) => client.hSet(k, { record: '{}', version: '1152921504606846976' }), /"version" must be a safe integer/],
  ])('a key holding %s is a STORE_ERROR on get, and compareAndSet writes nothing', async (_, plant, message) => {
    const prefix = freshPrefix();
    const key = `${prefix}{u}`;
    await plant(key);
    const dumped = await client.dump(key);
    const store = new RedisStore(client, { keyPrefix: prefixOf(key) });
    const error = await thrown(store.get('u'));
    expect(error.code).toBe('STORE_ERROR');
    expect(`${error.message} ${(error.cause as Error | undefined)?.message ?? ''}`).toMatch(message);
    // A write that does not name the stored version is refused (false, or STORE_ERROR for a key of another
    // type) and leaves the key exactly as it was.
    for (const expected of [null, 12345]) {
      await store.compareAndSet('u', expected, pendingRecord()).then(
        (done) => expect(done).toBe(false),
        (e: unknown) => expect((e as TwoFactorError).code).toBe('STORE_ERROR'),
      );
      await store.compareAndSet('u', expected, null).catch(() => {});
    }
    expect(await client.dump(key)).toEqual(dumped);
  });

  test('a reply that is not an object, or bytes that are not UTF-8, is a STORE_ERROR', async () => {
    const fake = (reply: unknown): RedisClient => ({
      isOpen: true,
      hGetAll: async () => reply,
      evalSha: async () => 'OK',
      eval: async () => 'OK',
    });
    expect((await thrown(new RedisStore(fake(['record', '{}'])).get('u'))).message).toMatch(/"redis HGETALL reply" must be an object, got an array/);
    expect((await thrown(new RedisStore(fake(new Map([['record', new Uint8Array([0xff])]]))).get('u'))).message).toMatch(
      /"redis hash value" must be UTF-8 text, got 1 bytes/,
    );
    expect((await thrown(new RedisStore(fake({ record: 1, version: 1 })).get('u'))).message).toMatch(/"redis hash value" must be text, got 1/);
    expect((await thrown(new RedisStore(fake({})).compareAndSet('u', null, null))).message).toMatch(/"redis script reply" must be 1 or 0/);
    // Bytes that are UTF-8 (a Buffer type mapping, or a Map under RESP3) are read as text.
    const bytes = new TextEncoder();
    const mapped = new Map<unknown, unknown>([[bytes.encode('record'), bytes.encode('{"a":1}')], ['version', bytes.encode('7')]]);
    const read = await new RedisStore(fake(mapped)).get('u');
    expect(read).toEqual({ record: { a: 1 }, version: 7 });
  });

  test.each([
    ['', /"keyPrefix" must be 1–64 printable ASCII characters without space, \{ or \}, got a string of length 0/],
    ['x'.repeat(65), /got a string of length 65/],
    ['app{2fa}:', /"keyPrefix"/],
    ['app}:', /"keyPrefix"/],
    ['two factor:', /"keyPrefix"/],
    ['tab\t', /"keyPrefix"/],
    ['nul\u0000', /"keyPrefix"/],
    ['ünïcode:', /"keyPrefix"/],
    [42, /"keyPrefix" must be .*, got 42/],
    [null, /"keyPrefix" must be .*, got null/],
  ])('keyPrefix %j is refused with INVALID_OPTION naming "keyPrefix"', async (keyPrefix, message) => {
    const error = await thrown(() => new RedisStore(client, { keyPrefix: keyPrefix as string }));
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toMatch(message);
  });

  test('keyPrefix of 1 and of 64 printable characters is accepted', () => {
    expect(() => new RedisStore(client, { keyPrefix: ':' })).not.toThrow();
    expect(() => new RedisStore(client, { keyPrefix: '~'.repeat(32) + '!|'.repeat(16) })).not.toThrow();
    expect(() => new RedisStore(client, 'x' as never)).toThrow(/"options" must be an object/);
  });

  test('a client that is not connected, or not a client, is refused with INVALID_OPTION naming "client"', async () => {
    const unconnected = createClient({ url: REDIS_URL });
    expect((await thrown(() => new RedisStore(unconnected))).message).toBe(
      '"client" must be connected (await client.connect() first), got a client that is not open',
    );
    const closed = await connect(REDIS_URL);
    await closed.close();
    expect((await thrown(() => new RedisStore(closed))).code).toBe('INVALID_OPTION');
    for (const notClient of [null, undefined, {}, 'redis://127.0.0.1', { isOpen: true, hGetAll() {} }]) {
      const error = await thrown(() => new RedisStore(notClient as never));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.message).toMatch(/^"client" must be a node-redis client \(createClient or createCluster\)/);
    }
  });

  test('a client closed after the store was made: every call is a STORE_ERROR with the client error as cause', async () => {
    const own = await connect(REDIS_URL);
    const store = new RedisStore(own, { keyPrefix: freshPrefix() });
    await store.compareAndSet('u', null, pendingRecord());
    await own.close();
    for (const call of [store.get('u'), store.compareAndSet('u', null, pendingRecord())]) {
      const error = await thrown(call);
      expect(error.code).toBe('STORE_ERROR');
      expect(error.message).toMatch(/^"client" must be ready for (HGETALL|EVALSHA), got a client that is reconnecting or closed$/);
    }
    // Without isReady (e.g. an adapter), the client's own rejection becomes the cause.
    const adapter: RedisClient = { isOpen: true, hGetAll: (k) => own.hGetAll(k), evalSha: (s, o) => own.evalSha(s, o), eval: (s, o) => own.eval(s, o) };
    const error = await thrown(new RedisStore(adapter).get('u'));
    expect(error.message).toBe('"client" must answer HGETALL, got a rejection (see cause)');
    expect((error.cause as Error).constructor.name).toBe('ClientClosedError');
  });

  test('malformed arguments throw INVALID_OPTION and write nothing', async () => {
    const store = new RedisStore(client, { keyPrefix: freshPrefix() });
    await expect(store.get('')).rejects.toThrow(/"userId" must be a string of 1–256 characters/);
    await expect(store.compareAndSet('', null, pendingRecord())).rejects.toThrow(/"userId" must be a string of 1–256 characters/);
    await expect(store.compareAndSet('u', 2.5, pendingRecord())).rejects.toThrow(/"expectedVersion" must be null or a safe integer/);
    await expect(store.compareAndSet('u', null, { n: 1n } as never)).rejects.toThrow(/"next" must be null or a JSON-serialisable object/);
    expect(await store.get('u')).toBeNull();
  });

  test('through the service: a code works once, then is replayed', async () => {
    await expectSingleUseThroughService(new RedisStore(client, { keyPrefix: freshPrefix() }));
  });

  test('the demo runs on Redis when given a Redis URL (REDIS_URL=… npm run demo)', async () => {
    // The demo imports the package by name (dist/, through the exports map).
    buildIfMissing();
    const { start, DEMO_USER } = await import('../../examples/demo/server.mjs');
    const clock = new ManualClock(T0_MS);
    const demo = await start({ port: 0, redisUrl: REDIS_URL, encryptionKey: new Uint8Array(32).fill(7), now: clock.now, log: () => {} });
    try {
      expect(demo.storage).toBe(`Redis ${new URL(REDIS_URL).href}`);
      await client.del(`two-factor:{${DEMO_USER.id}}`);
      const { secret } = await demo.twoFactor.beginEnrollment(DEMO_USER.id, { accountName: DEMO_USER.email });
      expect(await demo.twoFactor.confirmEnrollment(DEMO_USER.id, codeAt(secret, clock.now()))).toMatchObject({ ok: true });
      expect(await client.hGet(`two-factor:{${DEMO_USER.id}}`, 'record')).toMatch(/^\{"schema":2,"factors":\[\{"id":"f_/);
    } finally {
      await demo.close();
      await client.del(`two-factor:{${DEMO_USER.id}}`);
    }
  });

  test('the command itself: REDIS_URL=… npm run demo says it stores in that Redis and serves the sign-in page', async () => {
    buildIfMissing();
    // Its own process group, so the SIGINT at the end reaches npm and the demo under it.
    const env = { ...process.env, REDIS_URL, PORT: '0', DATABASE_URL: '', DEMO_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
    const child = spawn('npm', ['run', '--silent', 'demo'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let output = '';
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const open = /Open (http:\/\/\S+)/.exec(output);
          if (open) resolve(open[1]!);
        });
        child.once('exit', (code) => reject(new Error(`npm run demo exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`Storage:     Redis ${new URL(REDIS_URL).href}`);
      const page = await fetch(`${url}login`);
      expect(page.status).toBe(200);
    } finally {
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    }
  }, 60_000);
});
