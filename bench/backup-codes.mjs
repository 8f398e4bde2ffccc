// Backup-code timings: median ms of hashBackupCodes (10 codes) and verifyBackupCode at the default scrypt
// cost, plus the raw KDF for reference. Usage: node bench/backup-codes.mjs [runs]   (default 15)
//
// Uses dist/ when the build exports the backup-code functions; otherwise bundles src/backup-codes.ts with
// esbuild in memory, so the figures can be taken before the entry point lists the module.
import os from 'node:os';
import { median } from './harness.mjs';

async function load() {
  try {
    const dist = await import('../dist/index.js');
    if (typeof dist.hashBackupCodes === 'function') return { lib: dist, from: 'dist/index.js' };
  } catch {
    // not built yet
  }
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [new URL('../src/index.ts', import.meta.url).pathname],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
  });
  const code = Buffer.from(out.outputFiles[0].contents).toString('base64');
  return { lib: await import(`data:text/javascript;base64,${code}`), from: 'src/index.ts (esbuild bundle)' };
}

// Wall-clock ms, and (in `cpu`) the process CPU ms of the same call: on a busy shared machine the wall
// figure includes waiting for a core, the CPU figure does not.
const cpu = new Map();
async function time(fn, key) {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpuStart);
  if (!cpu.has(key)) cpu.set(key, []);
  cpu.get(key).push((used.user + used.system) / 1000);
  return ms;
}

const runs = Number(process.argv[2] ?? 15);
const { lib, from } = await load();
const { generateBackupCodes, hashBackupCodes, verifyBackupCode, DEFAULT_BACKUP_CODE_COST } = lib;

// Warm-up: let the JIT compile scrypt's inner loops before anything is timed.
const warm = generateBackupCodes({ count: 2 });
await verifyBackupCode(await hashBackupCodes(warm), warm[0]);

const hashMs = [];
const verifyHitMs = [];
const verifyMissMs = [];
const rejectMs = [];
for (let i = 0; i < runs; i++) {
  const codes = generateBackupCodes();
  let stored;
  hashMs.push(await time(async () => (stored = await hashBackupCodes(codes)), 'hash'));
  verifyHitMs.push(await time(() => verifyBackupCode(stored, codes[i % codes.length]), 'hit'));
  verifyMissMs.push(await time(() => verifyBackupCode(stored, generateBackupCodes({ count: 1 })[0]), 'miss'));
  rejectMs.push(await time(() => verifyBackupCode(stored, 'not a code'), 'reject'));
}

const fmt = (values, key) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    `median ${median(values).toFixed(1)} ms  (min ${sorted[0].toFixed(1)}, max ${sorted.at(-1).toFixed(1)})` +
    `  cpu median ${median(cpu.get(key)).toFixed(1)} ms`
  );
};
const { N, r, p } = DEFAULT_BACKUP_CODE_COST;
console.log(`backup codes — ${from}`);
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, ${runs} runs, load average ${os.loadavg()[0].toFixed(1)}`);
console.log(`scrypt N=${N} (2^${Math.log2(N)}), r=${r}, p=${p}: ${(128 * N * r) / 2 ** 20} MiB per run`);
console.log(`hashBackupCodes (10 codes)         ${fmt(hashMs, 'hash')}`);
console.log(`verifyBackupCode, valid code       ${fmt(verifyHitMs, 'hit')}`);
console.log(`verifyBackupCode, wrong code       ${fmt(verifyMissMs, 'miss')}`);
console.log(`verifyBackupCode, garbage (no KDF) ${fmt(rejectMs, 'reject')}`);
