// Writes test/fixtures/records-v0.2.0.json: a stored record produced by the 0.2.0 service itself, sealed
// under a test key, so the migration tests of later releases read what 0.2.0 really wrote: secrets sealed
// with the user id alone as associated data, and a trusted device stored as an unkeyed SHA-256 hash.
//
// Run against a build of release 0.2.0 (commit 4aa14c0), never against a later build:
//   mkdir /tmp/v020 && git archive 4aa14c0 | tar -x -C /tmp/v020 && (cd /tmp/v020 && npm ci && npx tsup)
//   node scripts/make-v020-records.mjs /tmp/v020/dist > test/fixtures/records-v0.2.0.json
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const server = await import(pathToFileURL(`${dist}/server.js`).href);
const testing = await import(pathToFileURL(`${dist}/testing.js`).href);

const START_MS = Date.UTC(2026, 0, 1, 0, 0, 5);
const STEP_MS = 30_000;
// Test keys only: these fixtures are public.
const KEY_HEX = '202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f';
const key = Uint8Array.from(KEY_HEX.match(/../g), (h) => parseInt(h, 16));
const HOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 4226 Appendix D: counters 0 and 1 give 755224, 287082

const store = new server.MemoryStore();
const clock = new testing.ManualClock(START_MS);
const twoFactor = server.createTwoFactor({
  store,
  issuer: 'InworkJobs',
  now: clock.now,
  encryption: { keys: { k1: key }, current: 'k1' },
  backupCodes: { cost: { N: 1024, r: 8, p: 1 } },
});
const userId = 'sealed-user';
const ok = (result, what) => {
  if (!result.ok) throw new Error(`${what}: ${result.reason}`);
  return result;
};

const app = await twoFactor.beginEnrollment(userId, { accountName: 'alice@example.com' });
const { backupCodes } = ok(await twoFactor.confirmEnrollment(userId, testing.codeAt(app.secret, clock.now())), 'confirm');
clock.advance(STEP_MS);
ok(await twoFactor.addHotpToken(userId, { secret: HOTP_SECRET, codes: ['755224', '287082'], label: 'YubiKey 5', proof: testing.codeAt(app.secret, clock.now()) }), 'addHotpToken');
clock.advance(STEP_MS);
const signIn = ok(await twoFactor.verify(userId, testing.codeAt(app.secret, clock.now()), { trustDevice: { label: 'Firefox on Linux' } }), 'verify');
const pending = await twoFactor.beginEnrollment(userId, { accountName: 'alice@example.com', label: 'New phone' });
const { record } = await store.get(userId);

const out = {
  producedBy: '@inworkjobs/two-factor 0.2.0 (commit 4aa14c0) via scripts/make-v020-records.mjs',
  startMs: START_MS,
  stepMs: STEP_MS,
  keyHex: KEY_HEX,
  keyId: 'k1',
  scenarios: [
    {
      name: 'sealed-two-factors-pending-device',
      note: 'encryption on: a TOTP app, an HOTP token added with its proof, one trusted device, a third app pending',
      now: clock.now(),
      userId,
      totpSecret: app.secret,
      totpLastStep: Math.floor(clock.now() / STEP_MS),
      hotpSecret: HOTP_SECRET,
      hotpNextCounter: 2,
      pendingSecret: pending.secret,
      backupCodes,
      deviceToken: signIn.trustedDevice.token,
      deviceId: signIn.trustedDevice.deviceId,
      record,
    },
  ],
};
console.log(JSON.stringify(out, null, 2));
