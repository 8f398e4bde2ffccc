// Faults under load on the Redis store: the server killed and restarted, and every connection dropped,
// while clients keep calling verify(). Calls in the outage reject with STORE_ERROR (cause attached), no
// record is left half-written, no code is ever accepted twice, and the same client works again afterwards.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TwoFactorError } from '../../src/errors.js';
import type { TwoFactor } from '../../src/server/index.js';
import { RedisStore } from '../../src/stores/redis.js';
import { connectRedis } from '../support/redis-client.js';
import { RedisServer, sleep } from '../support/redis-server.js';
import { ManualClock, STEP_MS, T0_MS, codeAt, enableUser, serviceOn } from '../support/fixtures.js';

const USERS = 6;

let server: RedisServer;
let client: Awaited<ReturnType<typeof connect>>;
beforeAll(async () => {
  // AOF with fsync on every write, so a restart loses nothing that was acknowledged (see the durability test).
  server = await new RedisServer({ config: ['--appendonly', 'yes', '--appendfsync', 'always'] }).start();
  client = await connect(server.url);
});
afterAll(async () => {
  await client?.close().catch(() => {});
  await server?.destroy();
});

/**
 * The client options the README recommends: fail fast while disconnected; a PING every 250 ms keeps an idle
 * connection busy, so a socket silent for 1 s means a hung server (node-redis's per-command timeout does
 * not fire for a command already sent); reconnect every 50 ms.
 */
function connect(url: string) {
  return connectRedis(url, { pingInterval: 250, socket: { socketTimeout: 1_000, reconnectStrategy: 50, connectTimeout: 1_000 } });
}

type Tally = { accepted: Map<string, number>; storeErrors: TwoFactorError[]; other: unknown[]; okAfter: number };

type User = { userId: string; secret: string; clock: ManualClock; instances: TwoFactor[] };

/** A user with 2FA enabled, seen by two app instances (two services over one store). */
async function enabledUser(store: RedisStore, userId: string): Promise<User> {
  const clock = new ManualClock(T0_MS);
  const instances = [serviceOn(store, clock), serviceOn(store, clock)];
  const { secret } = await enableUser(instances[0]!, clock, userId);
  return { userId, secret, clock, instances };
}

/**
 * One user's load: both instances verify the same code at the same time and retry it until the store
 * answers one of them; then a code of the next step. Every acceptance is counted per code.
 */
async function userLoad({ userId, secret, clock, instances }: User, until: () => boolean, after: () => boolean, tally: Tally) {
  while (!until()) {
    const code = codeAt(secret, clock.now());
    const key = `${userId}@${clock.now()}`;
    for (let answered = false; !answered && !until(); ) {
      const outcomes = await Promise.all(instances.map((t) => t.verify(userId, code).catch((error: unknown) => ({ error }))));
      for (const outcome of outcomes) {
        if ('error' in outcome) {
          if (outcome.error instanceof TwoFactorError && outcome.error.code === 'STORE_ERROR') tally.storeErrors.push(outcome.error);
          else tally.other.push(outcome.error);
          continue;
        }
        answered = true;
        if (outcome.ok) {
          tally.accepted.set(key, (tally.accepted.get(key) ?? 0) + 1);
          if (after()) tally.okAfter++;
        } else if (outcome.reason !== 'replayed') {
          tally.other.push(outcome);
        }
      }
      if (!answered) await sleep(5);
    }
    clock.advance(STEP_MS);
  }
}

async function underFault(fault: () => Promise<void>) {
  const store = new RedisStore(client, { keyPrefix: `f${Date.now()}:` });
  const tally: Tally = { accepted: new Map(), storeErrors: [], other: [], okAfter: 0 };
  const users: User[] = [];
  for (let i = 0; i < USERS; i++) users.push(await enabledUser(store, `user-${i}`));
  let done = false;
  let faultOver = false;
  const loads = users.map((user) => userLoad(user, () => done, () => faultOver, tally));
  await sleep(400);
  await fault();
  faultOver = true;
  await sleep(600);
  done = true;
  await Promise.all(loads);
  return { tally, users };
}

async function expectSafe({ tally, users }: Awaited<ReturnType<typeof underFault>>) {
  expect(tally.other).toEqual([]);
  // The fault really hit calls in flight or waiting, and each says why: the store's STORE_ERROR, whose
  // cause is the client's error.
  expect(tally.storeErrors.length).toBeGreaterThan(0);
  for (const error of tally.storeErrors) {
    expect(error.message).toMatch(/^"store\.(get|compareAndSet)" must resolve, got a rejection \(see cause\)$/);
    expect((error.cause as TwoFactorError).code).toBe('STORE_ERROR');
    expect((error.cause as TwoFactorError).cause).toBeInstanceOf(Error);
  }
  // No code accepted twice, by either instance, before, during or after the fault.
  expect([...tally.accepted.values()].filter((n) => n !== 1)).toEqual([]);
  expect(tally.accepted.size).toBeGreaterThan(USERS);
  // The same client served calls again once the fault was over.
  expect(tally.okAfter).toBeGreaterThan(0);
  for (const { userId, secret, instances } of users) {
    // Every record reads back whole, and each accepted code stays refused.
    expect(await instances[0]!.status(userId)).toMatchObject({ state: 'enabled', backupCodesRemaining: 10 });
    for (const key of tally.accepted.keys()) {
      const [owner, at] = key.split('@');
      if (owner === userId) expect((await instances[1]!.verify(userId, codeAt(secret, Number(at)))).ok).toBe(false);
    }
  }
  return new Set(tally.storeErrors.map((e) => ((e.cause as TwoFactorError).cause as Error).message));
}

describe('RedisStore under faults, with verify() calls running', () => {
  test('the server killed (kill -9) mid-request and restarted: STORE_ERROR meanwhile, no code accepted twice, then it works', async () => {
    const run = await underFault(async () => {
      await server.kill9();
      await sleep(300);
      await server.start();
      // The client reconnects by itself (reconnectStrategy); wait until it has.
      for (let i = 0; !client.isReady; i++) {
        if (i > 200) throw new Error('the client never reconnected');
        await sleep(10);
      }
    });
    const causes = await expectSafe(run);
    // Calls in flight lost their socket; calls made while it reconnected were refused at once.
    expect([...causes].some((m) => /^(Socket closed unexpectedly|read ECONNRESET)$/.test(m))).toBe(true);
  });

  test('the server frozen (SIGSTOP) for 2 s: calls fail after the socket timeout, no code accepted twice, then it works', async () => {
    const run = await underFault(async () => {
      server.signal('SIGSTOP');
      try {
        await sleep(2_000);
      } finally {
        server.signal('SIGCONT');
      }
    });
    const causes = await expectSafe(run);
    expect([...causes].some((m) => m.startsWith('Socket timeout'))).toBe(true);
  });

  test('every connection dropped by the server (CLIENT KILL) mid-load: the same guarantees', async () => {
    const admin = await connect(server.url);
    try {
      const run = await underFault(async () => {
        for (let i = 0; i < 3; i++) {
          await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
          await sleep(100);
        }
      });
      await expectSafe(run);
    } finally {
      await admin.close();
    }
  });
});
