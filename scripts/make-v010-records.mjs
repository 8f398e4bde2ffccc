// Writes test/fixtures/records-v0.1.0.json: stored records produced by the 0.1.0 service itself, so the
// migration tests of later releases read what 0.1.0 really wrote, not hand-written imitations.
//
// Run against a build of release 0.1.0 (commit 1feaf68), never against a later build:
//   git worktree add /tmp/v010 1feaf68 && (cd /tmp/v010 && npm ci && npx tsup)
//   node scripts/make-v010-records.mjs /tmp/v010/dist > test/fixtures/records-v0.1.0.json
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const server = await import(pathToFileURL(`${dist}/server.js`).href);
const testing = await import(pathToFileURL(`${dist}/testing.js`).href);
const core = await import(pathToFileURL(`${dist}/index.js`).href);

const START_MS = Date.UTC(2026, 0, 1, 0, 0, 5);
const STEP_MS = 30_000;
// Test keys only: these fixtures are public.
const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const key = Uint8Array.from(KEY_HEX.match(/../g), (h) => parseInt(h, 16));

function service(store, clock, extra = {}) {
  return server.createTwoFactor({
    store,
    issuer: 'InworkJobs',
    now: clock.now,
    backupCodes: { cost: { N: 1024, r: 8, p: 1 } },
    ...extra,
  });
}

async function scenario(name, options, steps) {
  const store = new server.MemoryStore();
  const clock = new testing.ManualClock(START_MS);
  const twoFactor = service(store, clock, options);
  const facts = await steps(twoFactor, clock);
  const { record } = await store.get(facts.userId);
  return { name, now: clock.now(), ...facts, record };
}

async function enable(twoFactor, clock, userId, totp) {
  const { secret } = await twoFactor.beginEnrollment(userId, { accountName: `${userId}@example.com` });
  const confirmed = await twoFactor.confirmEnrollment(userId, testing.codeAt(secret, clock.now(), totp));
  if (!confirmed.ok) throw new Error(`${userId}: ${confirmed.reason}`);
  return { secret, backupCodes: confirmed.backupCodes };
}

const scenarios = [
  await scenario('pending', {}, async (twoFactor) => {
    const { secret } = await twoFactor.beginEnrollment('pending-user', { accountName: 'p@example.com' });
    return { userId: 'pending-user', secret, note: 'beginEnrollment only, not confirmed' };
  }),
  await scenario('enabled-plain', {}, async (twoFactor, clock) => {
    const { secret, backupCodes } = await enable(twoFactor, clock, 'plain-user');
    clock.advance(STEP_MS);
    const signIn = await twoFactor.verify('plain-user', testing.codeAt(secret, clock.now()));
    const backup = await twoFactor.verify('plain-user', backupCodes[3]);
    if (!signIn.ok || !backup.ok) throw new Error('plain-user sign-in failed');
    return { userId: 'plain-user', secret, backupCodes, usedBackupCodes: [backupCodes[3]], lastStepAt: clock.now(), note: 'enabled, one TOTP sign-in and backup code 3 used' };
  }),
  await scenario('enabled-sealed', { encryption: { keys: { k1: key }, current: 'k1' } }, async (twoFactor, clock) => {
    const { secret, backupCodes } = await enable(twoFactor, clock, 'sealed-user');
    return { userId: 'sealed-user', secret, backupCodes, usedBackupCodes: [], lastStepAt: clock.now(), encryption: { kid: 'k1', keyHex: KEY_HEX }, note: 'enabled with AES-256-GCM sealed secret (key k1)' };
  }),
  await scenario('enabled-sha256-8-60', { totp: { algorithm: 'SHA256', digits: 8, period: 60 } }, async (twoFactor, clock) => {
    const totp = { algorithm: 'SHA256', digits: 8, period: 60 };
    const { secret, backupCodes } = await enable(twoFactor, clock, 'sha256-user', totp);
    return { userId: 'sha256-user', secret, backupCodes, usedBackupCodes: [], lastStepAt: clock.now(), totp, note: 'SHA256, 8 digits, 60 s period' };
  }),
  await scenario('enabled-with-reenrolment-and-failure', {}, async (twoFactor, clock) => {
    const { secret, backupCodes } = await enable(twoFactor, clock, 'reenrol-user');
    clock.advance(STEP_MS);
    const wrong = await twoFactor.verify('reenrol-user', '000000' === testing.codeAt(secret, clock.now()) ? '111111' : '000000');
    if (wrong.ok) throw new Error('wrong code accepted');
    const next = await twoFactor.beginEnrollment('reenrol-user', { accountName: 'r@example.com' });
    return { userId: 'reenrol-user', secret, pendingSecret: next.secret, backupCodes, usedBackupCodes: [], lastStepAt: clock.now() - STEP_MS, note: 'enabled, one counted failure, a re-enrolment pending' };
  }),
];

process.stdout.write(
  `${JSON.stringify({ producedBy: '@inworkjobs/two-factor 0.1.0 (commit 1feaf68) via scripts/make-v010-records.mjs', startMs: START_MS, stepMs: STEP_MS, coreVersionCheck: typeof core.generateTotp, scenarios }, null, 2)}\n`,
);
