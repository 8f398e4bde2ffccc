// The Redis store over the other clients it supports, on the redis-server `npm test` starts
// (TWO_FACTOR_REDIS_URL; a missing server is a failure): node-redis 5 (the peer range is ^5 || ^6; 6 is
// the main suite's), and ioredis through the adapter the README shows (the same lines).
import { Redis } from 'ioredis';
import { createClient as createClient5 } from 'redis-5';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RedisStore, type RedisClient } from '../../src/stores/redis.js';
import { runStoreContract } from '../../src/testing/index.js';
import { countingScripts } from '../support/redis-client.js';
import { pendingRecord } from '../support/store-fixtures.js';
import { requiredEnv } from '../support/required-env.js';
import { expectSingleUseThroughService } from '../support/store-service.js';

const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');

// README, "Redis with ioredis": the adapter, verbatim.
function ioredisClient(redis: Redis): RedisClient {
  return {
    get isOpen() { return redis.status === 'ready'; },
    get isReady() { return redis.status === 'ready'; },
    hGetAll: (key) => redis.hgetall(key),
    evalSha: (sha, { keys, arguments: args }) => redis.evalsha(sha, keys.length, ...keys, ...args),
    eval: (script, { keys, arguments: args }) => redis.eval(script, keys.length, ...keys, ...args),
  };
}

// A node-redis 5 client satisfies the structural type too (checked by tsc).
const typeCheck5: (c: ReturnType<typeof createClient5>) => RedisClient = (c) => c;
void typeCheck5;

let prefixes = 0;
const freshPrefix = () => `io${process.pid}-${++prefixes}:`;

let redis: Redis;
let client5: ReturnType<typeof createClient5>;
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
  redis.on('error', () => {});
  await redis.connect();
  client5 = createClient5({ url: REDIS_URL, disableOfflineQueue: true });
  client5.on('error', () => {});
  await client5.connect();
});
afterAll(async () => {
  await redis?.quit();
  await client5?.close();
});

runStoreContract('RedisStore (node-redis 5 client)', () => new RedisStore(client5, { keyPrefix: freshPrefix() }), { describe, it: test, expect });

test('node-redis 5: single use through the service, and a closed client is a STORE_ERROR', async () => {
  await expectSingleUseThroughService(new RedisStore(client5, { keyPrefix: freshPrefix() }));
  const own = createClient5({ url: REDIS_URL });
  own.on('error', () => {});
  await own.connect();
  const store = new RedisStore(own, { keyPrefix: freshPrefix() });
  await own.close();
  await expect(store.get('u')).rejects.toMatchObject({ code: 'STORE_ERROR' });
});

runStoreContract('RedisStore (ioredis through the README adapter)', () => new RedisStore(ioredisClient(redis), { keyPrefix: freshPrefix() }), {
  describe,
  it: test,
  expect,
});

describe('RedisStore over ioredis', () => {
  test('after SCRIPT FLUSH the NOSCRIPT fallback works with ioredis errors too', async () => {
    const { client: counting, counts } = countingScripts(ioredisClient(redis));
    const store = new RedisStore(counting, { keyPrefix: freshPrefix() });
    await redis.script('FLUSH');
    expect(await store.compareAndSet('u', null, pendingRecord(1))).toBe(true);
    expect(counts.eval).toBe(1);
    const { version } = (await store.get('u'))!;
    expect(await store.compareAndSet('u', version, pendingRecord(2))).toBe(true);
    expect(counts).toEqual({ evalSha: 2, eval: 1 });
    expect((await store.get('u'))!.record).toEqual(pendingRecord(2));
  });

  test('a client that is not connected yet is refused naming "client"', () => {
    const idle = new Redis(REDIS_URL, { lazyConnect: true });
    expect(() => new RedisStore(ioredisClient(idle))).toThrow(/^"client" must be connected/);
    idle.disconnect();
  });

  test('through the service: a code works once, then is replayed', async () => {
    await expectSingleUseThroughService(new RedisStore(ioredisClient(redis), { keyPrefix: freshPrefix() }));
  });
});
