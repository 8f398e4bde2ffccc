// `node bench/service.mjs`: verify() through the 2FA service on MemoryStore — a TOTP sign-in, a backup-code
// sign-in (default scrypt cost, what production runs), the cost of a refusal while throttled, and a
// trusted-device check — then the full sign-in (beginSignIn + completeSignIn) beside verify() on SQLite,
// PostgreSQL and Redis, side by side in one run (bench/service-stores.mjs).
//   node bench/service.mjs            full run
//   node bench/service.mjs --quick    fewer, shorter rounds
//   node bench/service.mjs --no-stores  MemoryStore only
//   TWO_FACTOR_PG_URL / TWO_FACTOR_REDIS_URL  servers to use; unset, throwaway ones are started (scripts/test-servers.mjs)
// Uses dist/ when the build has the server and store entries; otherwise bundles src/ with esbuild into a temp dir.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;

const STORE_FILES = ['sqlite', 'postgres', 'redis'];

async function loadLibrary() {
  const files = ['index.js', 'server.js', ...STORE_FILES.map((s) => `stores/${s}.js`)].map((f) => join(root, 'dist', f));
  if (files.every(existsSync)) {
    const modules = await Promise.all(files.map((f) => import(pathToFileURL(f).href)));
    return { ...Object.assign({}, ...modules), from: 'dist/' };
  }
  const { build } = await import('esbuild');
  // Inside the repository, so the bundle's imports of better-sqlite3, pg and redis resolve from node_modules.
  const dir = mkdtempSync(join(root, 'bench', '.bundle-'));
  const entry = join(dir, 'entry.ts');
  const sources = ['src/index.ts', 'src/server/index.ts', ...STORE_FILES.map((s) => `src/stores/${s}.ts`)];
  writeFileSync(entry, sources.map((f) => `export * from ${JSON.stringify(join(root, f))};`).join('\n'));
  const out = join(dir, 'bundle.mjs');
  await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error', external: ['better-sqlite3', 'pg', 'redis'] });
  try {
    return { ...(await import(pathToFileURL(out).href)), from: 'src/ (bundled with esbuild)' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lib = await loadLibrary();
const { createTwoFactor, MemoryStore, generateTotp } = lib;

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `op(i)` sequentially (awaited) `count` times per round; returns the median ops/s and spread. */
async function measure(op, count) {
  let i = 0;
  for (let w = 0; w < Math.max(3, count); w++) await op(i++); // warm-up: one round's worth, so the JIT has tiered up
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < count; k++) await op(i++);
    rates.push((count * 1e9) / Number(process.hrtime.bigint() - t0));
  }
  const m = median(rates);
  return { opsPerSec: m, usPerOp: 1e6 / m, spreadPct: ((Math.max(...rates) - Math.min(...rates)) / m) * 100 };
}

const T0 = Date.UTC(2026, 0, 1);
// Cases that never touch backup codes enrol with the cheapest scrypt, so setting up 64 users takes no minutes.
const CHEAP_ENROLMENT = { backupCodes: { cost: { N: 1024, r: 8, p: 1 } } };
const STEP = 30_000;

/** A service with `users` enrolled users on a fresh MemoryStore, and a clock the bench moves. */
async function enrolled(users, extra = {}) {
  let now = T0;
  const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Bench', now: () => now, ...extra });
  const secrets = [];
  const backupCodes = [];
  for (let u = 0; u < users; u++) {
    const { secret } = await twoFactor.beginEnrollment(`user-${u}`, { accountName: `user-${u}@example.com` });
    const confirmed = await twoFactor.confirmEnrollment(`user-${u}`, generateTotp(secret, { now }));
    if (!confirmed.ok) throw new Error('bench: enrolment failed');
    secrets.push(secret);
    backupCodes.push(confirmed.backupCodes);
  }
  return { twoFactor, secrets, backupCodes, setNow: (ms) => (now = ms), getNow: () => now };
}

/** TOTP sign-ins: user i % U at step sweep(i), so every code is fresh and accepted. */
async function totpCase(extra) {
  const USERS = 64;
  const count = quick ? 2000 : 5000;
  const sweeps = Math.ceil(((ROUNDS + 2) * count) / USERS) + 2;
  const ctx = await enrolled(USERS, { ...CHEAP_ENROLMENT, ...extra });
  const codes = ctx.secrets.map((secret) => Array.from({ length: sweeps }, (_, s) => generateTotp(secret, { now: T0 + (s + 1) * STEP })));
  let failures = 0;
  const result = await measure(async (i) => {
    const user = i % USERS;
    const sweep = Math.floor(i / USERS);
    ctx.setNow(T0 + (sweep + 1) * STEP);
    const r = await ctx.twoFactor.verify(`user-${user}`, codes[user][sweep]);
    if (!r.ok) failures++;
  }, count);
  if (failures) throw new Error(`bench: ${failures} TOTP sign-ins failed`);
  return result;
}

async function backupCase() {
  const count = quick ? 5 : 10;
  const USERS = Math.ceil(((ROUNDS + 2) * count) / 10) + 1;
  const ctx = await enrolled(USERS);
  let failures = 0;
  const result = await measure(async (i) => {
    const r = await ctx.twoFactor.verify(`user-${Math.floor(i / 10)}`, ctx.backupCodes[Math.floor(i / 10)][i % 10]);
    if (!r.ok) failures++;
  }, count);
  if (failures) throw new Error(`bench: ${failures} backup-code sign-ins failed`);
  return result;
}

async function throttledCase(code) {
  const ctx = await enrolled(1, { ...CHEAP_ENROLMENT, throttle: { freeFailures: 0, baseDelayMs: 60 * 60 * 1000 } });
  const first = await ctx.twoFactor.verify('user-0', '000000');
  if (first.ok) throw new Error('bench: the wrong code was right');
  let refusals = 0;
  const count = quick ? 5000 : 20000;
  const result = await measure(async () => {
    const r = await ctx.twoFactor.verify('user-0', code);
    if (!r.ok && r.reason === 'throttled') refusals++;
  }, count);
  if (refusals === 0) throw new Error('bench: nothing was throttled');
  return result;
}

/** verifyTrustedDevice for a user with the full 20 devices; lastUsedAt is fresh, so no call writes. */
async function trustedDeviceCase(malformed) {
  const ctx = await enrolled(1, CHEAP_ENROLMENT);
  let token = '';
  for (let d = 0; d < 20; d++) {
    ctx.setNow(T0 + (d + 1) * STEP);
    const r = await ctx.twoFactor.verify('user-0', generateTotp(ctx.secrets[0], { now: ctx.getNow() }), { trustDevice: {} });
    if (!r.ok) throw new Error('bench: a trusting sign-in failed');
    token = r.trustedDevice.token;
  }
  await ctx.twoFactor.verifyTrustedDevice('user-0', token); // sets lastUsedAt: no write for an hour after this
  const presented = malformed ? `${token}!` : token;
  let accepted = 0;
  const result = await measure(async () => {
    if ((await ctx.twoFactor.verifyTrustedDevice('user-0', presented)).ok) accepted++;
  }, quick ? 5000 : 20000);
  if ((accepted > 0) === malformed) throw new Error('bench: trusted-device answers were not the expected ones');
  return result;
}

const cases = [
  ['verify() TOTP code, accepted (1 get + 1 compareAndSet)', () => totpCase({})],
  ['verify() TOTP code, accepted, secret AES-256-GCM sealed', () => totpCase({ encryption: { keys: { k1: new Uint8Array(32).fill(7) }, current: 'k1' } })],
  ['verify() backup code, accepted (scrypt N=2^14 r=8 p=1, 2 compareAndSets)', backupCase],
  ['verify() refused while throttled, TOTP-shaped code', () => throttledCase('123456')],
  ['verify() refused while throttled, backup-shaped code', () => throttledCase('k7m2p-9xq4t')],
  ['verifyTrustedDevice() accepted, 20 devices (1 get, no write)', () => trustedDeviceCase(false)],
  ['verifyTrustedDevice() malformed token (no store call)', () => trustedDeviceCase(true)],
];

console.log(`two-factor service bench — Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, library from ${lib.from}`);
console.log(`sequential awaited calls on MemoryStore, median of ${ROUNDS} rounds\n`);
console.log('| operation | ops/s | µs/op | spread |');
console.log('|---|---:|---:|---:|');
for (const [title, run] of cases) {
  const r = await run();
  console.log(`| ${title} | ${Math.round(r.opsPerSec).toLocaleString('en-US')} | ${r.usPerOp.toFixed(1)} | ±${(r.spreadPct / 2).toFixed(0)}% |`);
}

if (!process.argv.includes('--no-stores')) {
  const { signInBesideVerify } = await import('./service-stores.mjs');
  await signInBesideVerify(lib, { quick, rounds: ROUNDS, median });
}
