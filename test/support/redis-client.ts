// Redis clients as the README recommends them, for the Redis store tests and the cross-process workers
// (which bundle this file), and a client wrapper that counts script calls.
import { createClient, createCluster, type RedisClientOptions } from 'redis';
import type { RedisClient } from '../../src/stores/redis.js';

/** A connected node-redis client that fails calls while disconnected instead of queuing them. */
export function connectRedis(url: string, options: Omit<RedisClientOptions, 'url'> = {}) {
  const client = createClient({ url, disableOfflineQueue: true, ...options });
  client.on('error', () => {}); // node-redis emits one per dropped connection; the calls report it
  return client.connect();
}

/** A connected node-redis cluster client, every node connection failing fast while disconnected. */
export function connectCluster(urls: string[]) {
  const client = createCluster({ rootNodes: urls.map((url) => ({ url })), defaults: { disableOfflineQueue: true } });
  client.on('error', () => {});
  return client.connect();
}

/** `base` with its EVALSHA and EVAL calls counted, to see when the store sends the script itself. */
export function countingScripts(base: RedisClient): { client: RedisClient; counts: { evalSha: number; eval: number } } {
  const counts = { evalSha: 0, eval: 0 };
  const client: RedisClient = {
    isOpen: true,
    hGetAll: (key) => base.hGetAll(key),
    evalSha: (sha, options) => (counts.evalSha++, base.evalSha(sha, options)),
    eval: (script, options) => (counts.eval++, base.eval(script, options)),
  };
  return { client, counts };
}
