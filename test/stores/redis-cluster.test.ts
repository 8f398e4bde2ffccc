// The Redis store on a Redis Cluster of three masters on loopback (redis-server --cluster-enabled yes ×3,
// redis-cli --cluster create), started here and killed afterwards, through node-redis's createCluster.
// The cross-process single-use race on the same kind of cluster is in multiprocess.test.ts (suite "Redis Cluster, 3 masters").
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RedisStore } from '../../src/stores/redis.js';
import { runStoreContract } from '../../src/testing/index.js';
import { connectCluster, countingScripts } from '../support/redis-client.js';
import { rawCommand, startCluster } from '../support/redis-server.js';
import { pendingRecord } from '../support/store-fixtures.js';
import { expectSingleUseThroughService } from '../support/store-service.js';

let cluster: Awaited<ReturnType<typeof startCluster>>;
let client: Awaited<ReturnType<typeof connectCluster>>;
beforeAll(async () => {
  cluster = await startCluster(3);
  client = await connectCluster(cluster.nodes.map((n) => n.url));
});
afterAll(async () => {
  await client?.close();
  await cluster?.destroy();
});

let prefixes = 0;
const freshPrefix = () => `c${process.pid}-${++prefixes}:`;

runStoreContract('RedisStore (node-redis cluster, 3 masters)', () => new RedisStore(client, { keyPrefix: freshPrefix() }), { describe, it: test, expect });

describe('RedisStore on a 3-master Redis Cluster', () => {
  test('the cluster is what the test claims: 3 masters, all 16384 slots served, state ok', async () => {
    const info = await rawCommand(cluster.nodes[0]!.port, 'CLUSTER', 'INFO');
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_assigned:16384/);
    expect(info).toMatch(/cluster_size:3/);
    expect(client.masters).toHaveLength(3);
  });

  test("users spread over all masters; each user's key is in the hash slot of the user id alone", async () => {
    const prefix = freshPrefix();
    const store = new RedisStore(client, { keyPrefix: prefix });
    const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    for (const user of users) expect(await store.compareAndSet(user, null, pendingRecord())).toBe(true);

    const perNode: string[][] = [];
    for (const node of cluster.nodes) {
      const direct = createClient({ url: node.url });
      direct.on('error', () => {});
      await direct.connect();
      perNode.push(await direct.keys(`${prefix}*`));
      await direct.close();
    }
    expect(perNode.every((keys) => keys.length > 0)).toBe(true);
    expect(perNode.flat().sort()).toEqual(users.map((u) => `${prefix}{${u}}`).sort());
    const port = cluster.nodes[0]!.port;
    for (const user of users.slice(0, 5)) {
      expect(await rawCommand(port, 'CLUSTER', 'KEYSLOT', `${prefix}{${user}}`)).toBe(await rawCommand(port, 'CLUSTER', 'KEYSLOT', user));
    }
  });

  test('every master gets the script by EVAL on its first call, then by EVALSHA (script caches are per node)', async () => {
    await Promise.all(client.masters.map(async (m) => (await client.nodeClient(m)).scriptFlush()));
    const { client: counting, counts } = countingScripts(client);
    const store = new RedisStore(counting, { keyPrefix: freshPrefix() });
    for (let i = 0; i < 30; i++) expect(await store.compareAndSet(`u${i}`, null, pendingRecord(i))).toBe(true);
    for (let i = 0; i < 30; i++) expect((await store.get(`u${i}`))!.record).toEqual(pendingRecord(i));
    // 30 users over 3 masters: one EVAL per master, the other 27 calls ran by SHA1.
    expect(counts).toEqual({ evalSha: 30, eval: 3 });
  });

  test('through the service: a code works once, then is replayed', async () => {
    await expectSingleUseThroughService(new RedisStore(client, { keyPrefix: freshPrefix() }));
  });
});
