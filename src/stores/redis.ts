// Redis store over a connected node-redis (`redis`) client or cluster the application creates and owns.
// The driver is never imported here (optional peer dependency); the store calls hGetAll/evalSha/eval on it.
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { TwoFactorError } from '../errors.js';
import { fail, optionsObject } from '../internal/assert.js';
import type { StoredRecord, TwoFactorRecord, TwoFactorStore } from '../server/index.js';
import { assertUserId } from '../server/record/user-id.js';
import { casArguments, initialVersion, storedRow } from './sql.js';

/** The arguments of a script call, as node-redis takes them. */
export interface RedisScriptOptions {
  keys: string[];
  arguments: string[];
}

/**
 * The part of a node-redis client this store uses. A connected `createClient()` and `createCluster()`
 * (redis 5.x and 6.x) satisfy it; an ioredis client does through a few lines of adapter (see the README).
 * Replies may be strings or byte arrays (a `Buffer` type mapping); anything else is a `STORE_ERROR`.
 */
export interface RedisClient {
  /** True once `connect()` has resolved and until the client is closed. */
  readonly isOpen: boolean;
  /** False while the client is reconnecting: the store then fails fast instead of queuing the call. */
  readonly isReady?: boolean;
  /** `HGETALL key`: an object (or Map) of field → value; empty when the key does not exist. */
  hGetAll(key: string): Promise<unknown>;
  /** `EVALSHA sha1 numkeys key… arg…`. */
  evalSha(sha1: string, options: RedisScriptOptions): Promise<unknown>;
  /** `EVAL script numkeys key… arg…`: also caches the script on that server. */
  eval(script: string, options: RedisScriptOptions): Promise<unknown>;
}

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /**
   * Put in front of every key, default `"two-factor:"`: 1–64 printable ASCII characters other than space,
   * `{` and `}` (braces would move the Redis Cluster hash tag).
   */
  keyPrefix?: string;
}

/** The key prefix used when `keyPrefix` is not given. */
export const DEFAULT_KEY_PREFIX = 'two-factor:';
const KEY_PREFIX = /^[!-z|~]{1,64}$/; // 0x21–0x7E without { (0x7B) and } (0x7D)
const KEY_PREFIX_RULE = '1–64 printable ASCII characters without space, { or }';

// Compare-and-set as one server-side step. KEYS[1]: the user's hash. ARGV[1]: the expected version
// ('' = no record), ARGV[2]: the record as JSON ('' = delete), ARGV[3]: the version of a new record.
// The version is compared as text and raised with HINCRBY, never turned into a Lua number (a double,
// printed with 14 digits). HGET fails on a key of another type before anything is written; once the
// first write is done, Redis lets a script finish, so no call leaves half a write behind.
const CAS_SCRIPT = `local key, expected, record = KEYS[1], ARGV[1], ARGV[2]
if expected == '' then
  if redis.call('EXISTS', key) == 1 then return 0 end
  if record ~= '' then redis.call('HSET', key, 'record', record, 'version', ARGV[3]) end
  return 1
end
if redis.call('HGET', key, 'version') ~= expected then return 0 end
if record == '' then
  redis.call('DEL', key)
else
  redis.call('HINCRBY', key, 'version', 1)
  redis.call('HSET', key, 'record', record)
end
return 1`;
const CAS_SHA1 = bytesToHex(sha1(new TextEncoder().encode(CAS_SCRIPT)));

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A {@link TwoFactorStore} in Redis, over a connected node-redis client (`createClient`) or cluster
 * (`createCluster`). One hash per user at `${keyPrefix}{${userId}}` with the fields `record` (the JSON
 * record) and `version` (an integer); the braces make the user id the Redis Cluster hash tag. Nothing to
 * migrate: keys appear on the first write and vanish when a user's record is deleted.
 *
 * `compareAndSet` is one Lua script (EVALSHA; after a `SCRIPT FLUSH` or on a new cluster node, EVAL sends
 * it again), so single use holds across any number of application instances. A new record starts at a
 * random version in [1, 2^48) and every update adds 1, so versions do not repeat across delete and
 * re-insert (no ABA).
 *
 * Every failure of the client or server (closed or reconnecting client, dropped connection, socket
 * timeout, a key of another type) rejects with `STORE_ERROR`, the client's error as `cause`; a call
 * either wrote its whole record or nothing. Create the client as in the example, so that calls fail at
 * once during an outage and a hung server is noticed, instead of calls waiting without end. Keep
 * `maxmemory-policy` at `noeviction` (or a `volatile-*` policy): an evicted key is a user whose
 * two-factor authentication silently vanished. Persistence decides what a crash can undo (README).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createTwoFactor } from '@inworkjobs/two-factor/server';
 * import { RedisStore } from '@inworkjobs/two-factor/stores/redis';
 *
 * const client = createClient({
 *   url: process.env.REDIS_URL,
 *   disableOfflineQueue: true,         // while disconnected, fail calls instead of queuing them
 *   pingInterval: 1_000,               // keeps an idle connection talking, so that…
 *   socket: { socketTimeout: 5_000 },  // …5 s of silence means a hung server: calls fail, it reconnects
 * });
 * client.on('error', (err) => console.error('Redis connection failed', err));
 * await client.connect();
 * const twoFactor = createTwoFactor({ store: new RedisStore(client), issuer: 'InworkJobs' });
 * ```
 */
export class RedisStore implements TwoFactorStore {
  readonly #client: RedisClient;
  readonly #prefix: string;

  /**
   * @param client - a connected node-redis client or cluster; the store never closes it
   * @param options - `{ keyPrefix }`
   * @throws TwoFactorError `INVALID_OPTION` for a bad `keyPrefix`, or a `client` that is not a connected
   *   node-redis client
   */
  constructor(client: RedisClient, options?: RedisStoreOptions) {
    const methods = ['hGetAll', 'evalSha', 'eval'] as const;
    if (client === null || typeof client !== 'object' || methods.some((m) => typeof client[m] !== 'function')) {
      fail('INVALID_OPTION', 'client', 'a node-redis client (createClient or createCluster)', client);
    }
    if (client.isOpen !== true) {
      throw new TwoFactorError('INVALID_OPTION', '"client" must be connected (await client.connect() first), got a client that is not open');
    }
    const { keyPrefix = DEFAULT_KEY_PREFIX } = optionsObject(options);
    if (typeof keyPrefix !== 'string' || !KEY_PREFIX.test(keyPrefix)) fail('INVALID_OPTION', 'keyPrefix', KEY_PREFIX_RULE, keyPrefix);
    this.#client = client;
    this.#prefix = keyPrefix;
  }

  /**
   * The user's record and its version, or null when the user has none.
   *
   * @throws TwoFactorError `STORE_ERROR` when the key holds no record of this library, or the client fails
   */
  async get(userId: string): Promise<StoredRecord | null> {
    assertUserId(userId);
    const reply = await this.#call('HGETALL', () => this.#client.hGetAll(this.#key(userId)));
    const fields = hashFields(reply);
    if (fields.size === 0) return null;
    if (!fields.has('record') || !fields.has('version')) {
      fail('STORE_ERROR', 'redis hash', 'a record of this library (fields record and version)', 'a hash without them');
    }
    const { record, version } = storedRow({ record: fields.get('record'), version: fields.get('version') });
    return { record: record as unknown as TwoFactorRecord, version };
  }

  /**
   * Writes `next` (null deletes) only if the stored version is still `expectedVersion` (null = no record).
   * One Lua script, atomic on the server.
   *
   * @returns true when written; false when the record changed (or appeared, or vanished) since it was read
   * @throws TwoFactorError `INVALID_OPTION` for malformed arguments; `STORE_ERROR` when the client fails
   */
  async compareAndSet(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
    const json = casArguments(userId, expectedVersion, next);
    const options: RedisScriptOptions = {
      keys: [this.#key(userId)],
      arguments: [expectedVersion === null ? '' : String(expectedVersion), json ?? '', String(initialVersion())],
    };
    const reply = await this.#call('EVALSHA', () =>
      this.#client.evalSha(CAS_SHA1, options).catch((error: unknown) => {
        // The server's script cache is empty (restart, SCRIPT FLUSH, a new cluster node): EVAL runs the
        // same script and caches it again. NOSCRIPT means nothing ran, so this cannot write twice.
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return this.#client.eval(CAS_SCRIPT, options);
        throw error;
      }),
    );
    if (reply !== 1 && reply !== 0) fail('STORE_ERROR', 'redis script reply', '1 or 0', reply);
    return reply === 1;
  }

  #key(userId: string): string {
    return `${this.#prefix}{${userId}}`;
  }

  async #call(command: string, send: () => Promise<unknown>): Promise<unknown> {
    // A reconnecting client would queue the call until the server is back (or forever): fail it now.
    if (this.#client.isReady === false) {
      const cause = new Error('client.isReady is false: the connection is down and the client is reconnecting, or it was closed');
      throw new TwoFactorError('STORE_ERROR', `"client" must be ready for ${command}, got a client that is reconnecting or closed`, { cause });
    }
    try {
      return await send();
    } catch (cause) {
      throw new TwoFactorError('STORE_ERROR', `"client" must answer ${command}, got a rejection (see cause)`, { cause });
    }
  }
}

/** An HGETALL reply (a plain object, or a Map under RESP3 type mappings) as field → text. */
function hashFields(reply: unknown): Map<string, string> {
  let entries: [unknown, unknown][];
  if (reply instanceof Map) entries = [...reply.entries()];
  else if (reply !== null && typeof reply === 'object' && !Array.isArray(reply)) entries = Object.entries(reply);
  else fail('STORE_ERROR', 'redis HGETALL reply', 'an object', reply);
  const fields = new Map<string, string>();
  for (const [name, value] of entries) fields.set(text(name, 'redis hash field'), text(value, 'redis hash value'));
  return fields;
}

function text(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    try {
      return utf8.decode(value);
    } catch (cause) {
      throw new TwoFactorError('STORE_ERROR', `"${field}" must be UTF-8 text, got ${value.length} bytes`, { cause });
    }
  }
  return fail('STORE_ERROR', field, 'text', value);
}
