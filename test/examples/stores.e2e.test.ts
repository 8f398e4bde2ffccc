// Both examples on PostgreSQL and on Redis, built with the lines their READMEs give for switching stores
// (a fresh table or key prefix per run): enable, sign in with a code and a backup code, disable.
import pg from 'pg';
import { createClient } from 'redis';
import { PostgresStore } from '../../src/stores/postgres.js';
import { RedisStore } from '../../src/stores/redis.js';
import { exampleStoreSuite, type Storage } from '../support/example-flow.js';
import { requiredEnv } from '../support/required-env.js';

const PG_URL = requiredEnv('TWO_FACTOR_PG_URL');
const REDIS_URL = requiredEnv('TWO_FACTOR_REDIS_URL');
const unique = () => `ex_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;

const stores: Record<string, () => Promise<Storage>> = {
  PostgreSQL: async () => {
    const table = unique();
    // README: const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL }); … new PostgresStore(pool); await store.migrate();
    const pool = new pg.Pool({ connectionString: PG_URL });
    const store = new PostgresStore(pool, { table });
    await store.migrate();
    return { store, close: async () => { await pool.query(`DROP TABLE ${table}`); await pool.end(); } };
  },
  Redis: async () => {
    const keyPrefix = `${unique()}:`;
    // README: const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect(); new RedisStore(client)
    const client = await createClient({ url: REDIS_URL, disableOfflineQueue: true }).connect();
    const store = new RedisStore(client, { keyPrefix });
    return {
      store,
      close: async () => {
        for await (const keys of client.scanIterator({ MATCH: `${keyPrefix}*` })) if (keys.length) await client.del(keys);
        client.destroy();
      },
    };
  },
};

exampleStoreSuite({ name: 'express', csrf: 'token' }, stores);
exampleStoreSuite({ name: 'hono', csrf: 'origin' }, stores);
