// Durability of the Redis store across a crash: with `appendonly yes` and `appendfsync always`, every code
// the service accepted (TOTP steps and backup codes) is still consumed after `kill -9` of the server and a
// restart on the same directory. The same scenario without persistence forgets them, which shows the
// check can fail.
import { afterEach, describe, expect, test } from 'vitest';
import { RedisStore } from '../../src/stores/redis.js';
import { connectRedis as connect } from '../support/redis-client.js';
import { RedisServer } from '../support/redis-server.js';
import { ManualClock, STEP_MS, T0_MS, codeAt, enableUser, serviceOn } from '../support/fixtures.js';

const USERS = ['ann', 'ben', 'cid', 'dee'];
const servers: RedisServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.destroy()));
});

type Accepted = { userId: string; code: string; method: 'totp' | 'hotp' | 'backup-code'; remaining: number };

/**
 * Enables USERS, then has each accept two TOTP codes (two steps) and two backup codes, and kills the server
 * with SIGKILL the moment the last acceptance resolves. Returns what was accepted and the restarted server.
 */
async function acceptThenCrash(config: string[]) {
  const server = await new RedisServer({ config }).start();
  servers.push(server);
  const client = await connect(server.url);
  const clock = new ManualClock(T0_MS);
  const twoFactor = serviceOn(new RedisStore(client), clock);
  const accepted: Accepted[] = [];
  for (const userId of USERS) {
    const { secret, backupCodes } = await enableUser(twoFactor, clock, userId);
    const accept = async (code: string) => {
      const result = await twoFactor.verify(userId, code);
      if (!result.ok) throw new Error(`verify refused a fresh code: ${result.reason}`);
      accepted.push({ userId, code, method: result.method, remaining: result.backupCodesRemaining });
    };
    await accept(codeAt(secret, clock.now()));
    await accept(backupCodes[0]!);
    clock.advance(STEP_MS);
    await accept(codeAt(secret, clock.now()));
    await accept(backupCodes[1]!);
  }
  await server.kill9(); // right after the last reply: no time for a background write
  await client.close().catch(() => {});
  await server.start();
  return { server, clock, accepted };
}

describe('RedisStore: a crash of the server (kill -9) and a restart on the same directory', () => {
  test('appendonly yes, appendfsync always: every accepted TOTP step and used backup code is still consumed', async () => {
    const { server, clock, accepted } = await acceptThenCrash(['--appendonly', 'yes', '--appendfsync', 'always']);
    expect(accepted).toHaveLength(USERS.length * 4);
    const client = await connect(server.url);
    try {
      expect(await client.configGet('append*')).toMatchObject({ appendonly: 'yes', appendfsync: 'always' });
      const twoFactor = serviceOn(new RedisStore(client), clock);
      for (const { userId, code, method } of accepted) {
        // A replayed TOTP step is 'replayed' (or 'invalid' once it is outside the window); a used backup code 'invalid'.
        const again = await twoFactor.verify(userId, code);
        expect(again.ok).toBe(false);
        expect(again).toMatchObject({ reason: method === 'totp' ? expect.stringMatching(/^(replayed|invalid)$/) : 'invalid' });
      }
      for (const userId of USERS) expect(await twoFactor.status(userId)).toMatchObject({ state: 'enabled', backupCodesRemaining: 8 });
      // The last step each user reached is refused as a replay, not merely as too old.
      const last = accepted.filter((a) => a.method === 'totp' && a.userId === USERS.at(-1)).at(-1)!;
      expect(await twoFactor.verify(last.userId, last.code)).toMatchObject({ ok: false, reason: 'replayed' });
    } finally {
      await client.close();
    }
  });

  test('the check can fail: without persistence the same crash forgets every user (2FA silently off)', async () => {
    const { server, clock, accepted } = await acceptThenCrash(['--appendonly', 'no']);
    const client = await connect(server.url);
    try {
      const twoFactor = serviceOn(new RedisStore(client), clock);
      for (const userId of USERS) expect(await twoFactor.status(userId)).toMatchObject({ state: 'disabled' });
      expect(await twoFactor.verify(accepted[0]!.userId, accepted[0]!.code)).toMatchObject({ ok: false, reason: 'not-enabled' });
    } finally {
      await client.close();
    }
  });
});
