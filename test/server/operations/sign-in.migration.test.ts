// Records of 0.1 (test/fixtures/records-v0.1.0.json, made by the 0.1.0 code) and of 0.2 (no challenges, no
// probation, no account name in a pending enrolment) are read and migrated for the 0.3 operations: sign-in
// challenges work on them, their factors are never on probation, and they are rewritten on the next change.
// The stores' own migration tests (every store) are in test/server/record-v1.migration.test.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTwoFactor, MemoryStore, type TwoFactorRecord } from '../../../src/server/index.js';
import { encodeBase32, generateSecret, hashBackupCodes } from '../../../src/index.js';
import { CHEAP_SCRYPT, codeAt, ManualClock, START_MS, STEP_MS } from '../../support/fixtures.js';

interface Scenario {
  name: string;
  now: number;
  userId: string;
  secret: string;
  backupCodes?: string[];
  usedBackupCodes?: string[];
  encryption?: { kid: string; keyHex: string };
  totp?: { algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; period: number };
  record: Record<string, unknown> & { schema: 1; state: string };
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/records-v0.1.0.json', import.meta.url), 'utf8')) as { scenarios: Scenario[] };

function service(store: MemoryStore, clock: ManualClock, encryption?: Scenario['encryption']) {
  return createTwoFactor({
    store,
    issuer: 'Migration',
    now: clock.now,
    backupCodes: { cost: CHEAP_SCRYPT },
    ...(encryption ? { encryption: { keys: { [encryption.kid]: Buffer.from(encryption.keyHex, 'hex') }, current: encryption.kid } } : {}),
  });
}

describe.each(fixture.scenarios.filter((s) => s.record.state === 'enabled'))('a 0.1 record ($name)', (scenario) => {
  it('signs in through a challenge, and its factor is not on probation', async () => {
    const store = new MemoryStore();
    expect(await store.compareAndSet(scenario.userId, null, scenario.record as never)).toBe(true);
    const period = (scenario.totp?.period ?? 30) * 1000;
    const clock = new ManualClock(scenario.now + 2 * period);
    const twoFactor = service(store, clock, scenario.encryption);
    const begun = await twoFactor.beginSignIn(scenario.userId);
    if (!begun.required) throw new Error('expected a challenge');
    expect(begun.methods).toEqual(['totp', 'backup-code']);
    const done = await twoFactor.completeSignIn(begun.challenge, codeAt(scenario.secret, clock.now(), scenario.totp));
    expect(done).toMatchObject({ ok: true, userId: scenario.userId, method: 'totp', verifiedAt: clock.now() });
    expect((await store.get(scenario.userId))!.record.schema).toBe(2);
    clock.advance(period);
    expect(await twoFactor.disable(scenario.userId, codeAt(scenario.secret, clock.now(), scenario.totp))).toEqual({ ok: true });
  });
});

/** A record as 0.2 wrote it: two apps (the second added with proof under 0.2), a pending addition without an account name. */
async function record02(first: string, second: string, codes: string[]): Promise<TwoFactorRecord> {
  const factor = (id: string, secret: string, createdAt: number) => ({
    id, type: 'totp', label: 'App', secret: { alg: 'none', secret }, algorithm: 'SHA1', digits: 6, period: 30, createdAt, lastUsedAt: null, lastStep: -1, driftSteps: 0,
  });
  return {
    schema: 2,
    factors: [factor('f_aaaaaaaaaa', first, START_MS - 10_000), factor('f_bbbbbbbbbb', second, START_MS - 5_000)],
    backupCodes: await hashBackupCodes(codes, { cost: CHEAP_SCRYPT }),
    backupCodesUsed: [],
    enabledAt: START_MS - 10_000,
    pending: { secret: { alg: 'none', secret: encodeBase32(generateSecret()) }, label: 'Third', algorithm: 'SHA1', digits: 6, period: 30, createdAt: START_MS, expiresAt: START_MS + 600_000 },
    failures: 2,
    lastFailureAt: START_MS - 1000,
  } as TwoFactorRecord;
}

describe('a 0.2 record', () => {
  it('signs in through a challenge; a factor added under 0.2 is not on probation; the pending addition cannot be shown again', async () => {
    const [first, second] = [encodeBase32(generateSecret()), encodeBase32(generateSecret())];
    const codes = ['abcde-fghjk', 'bcdef-ghjkm'];
    const store = new MemoryStore();
    await store.compareAndSet('old', null, await record02(first, second, codes));
    const clock = new ManualClock(START_MS);
    const twoFactor = service(store, clock);
    expect(await twoFactor.status('old')).toMatchObject({ state: 'enabled', locked: false });
    expect(await twoFactor.pendingEnrollment('old')).toBeNull();
    const begun = await twoFactor.beginSignIn('old');
    if (!begun.required) throw new Error('expected a challenge');
    expect(await twoFactor.completeSignIn(begun.challenge, codes[1]!)).toMatchObject({ ok: true, method: 'backup-code', backupCodesRemaining: 1 });
    clock.advance(STEP_MS);
    expect(await twoFactor.removeFactor('old', 'f_aaaaaaaaaa', codeAt(second, clock.now()))).toEqual({ ok: true });
  });

  it('one whose count of consecutive failures is already at the cap is locked on its first read, and unlock ends it', async () => {
    const store = new MemoryStore();
    const first = encodeBase32(generateSecret());
    await store.compareAndSet('guessed', null, { ...(await record02(first, encodeBase32(generateSecret()), ['abcde-fghjk'])), failures: 150 });
    const clock = new ManualClock(START_MS);
    const twoFactor = service(store, clock);
    expect(await twoFactor.status('guessed')).toMatchObject({ state: 'enabled', locked: true });
    expect(await twoFactor.verify('guessed', codeAt(first, clock.now()))).toEqual({ ok: false, reason: 'locked' });
    expect(await twoFactor.unlock('guessed')).toBe(true);
    expect(await twoFactor.verify('guessed', codeAt(first, clock.now()))).toMatchObject({ ok: true });
  });
});
