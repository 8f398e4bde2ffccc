// `npm run bench`: builds the package, then times the built dist/ (what users install) against its peers.
//   node bench/run.mjs            full run (about 2 minutes)
//   node bench/run.mjs --quick    short run: fewer, shorter samples (figures are rougher)
//   node bench/run.mjs --no-build use dist/ as it is
//   node bench/run.mjs --only=verifyTotp   groups whose title contains the text
//   node bench/run.mjs --extras-dist=DIR  URI/QR/backup-code/service rows from another build (index.js, qr.js, server.js)
//   node bench/run.mjs --cpu-time  time with process CPU time instead of wall time (for a loaded machine)
// Prints a table of medians and, for a full run, writes the same table to bench/RESULTS.md.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
if (process.argv.includes('--cpu-time')) process.env.BENCH_CPU_TIME = '1';
const { measureGroup, sinkValue, clockName, pairedRatio } = await import('./harness.mjs');
import { totpGroups, BOUND, OURS_BYTES, PROTOTYPE_BOUND, isReference } from './totp.mjs';
import { extraGroups } from './extras.mjs';
import { measureAll } from '../scripts/size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const settings = quick
  ? { rounds: 5, sampleNs: 20e6, warmupNs: 100e6 }
  : { rounds: 15, sampleNs: 50e6, warmupNs: 300e6 };

if (!args.includes('--no-build')) {
  try {
    execSync('npx tsup', { cwd: root, stdio: 'pipe' });
  } catch (error) {
    process.stderr.write(String(error.stdout ?? '') + String(error.stderr ?? ''));
    console.error('bench: the build failed; fix it or pass --no-build to time the existing dist/');
    process.exit(1);
  }
}

// --extras-dist=DIR takes the modules of the plug-in sections (URI, QR, backup codes, service) from
// another build, e.g. a scratch bundle of modules not yet wired into tsup. The TOTP rows always time dist/.
const extrasDir = args.find((a) => a.startsWith('--extras-dist='))?.slice('--extras-dist='.length);
const load = async (dir, name) => {
  const file = join(dir, name);
  return existsSync(file) ? import(pathToFileURL(file).href) : null;
};
const loadDist = async (dir) => ({ core: await load(dir, 'index.js'), qr: await load(dir, 'qr.js'), server: await load(dir, 'server.js') });
const dist = await loadDist(join(root, 'dist'));
if (!dist.core) throw new Error('bench: dist/index.js is missing');
const extrasDist = extrasDir ? await loadDist(extrasDir) : dist;

const OURS = '@inworkjobs/two-factor';
// The 0.1 targets: against otpauth's node build (HMAC from node:crypto), against every
// pure-JS peer, and against the bound of @noble/hashes driven directly (bench/noble-bound.mjs).
const PURE_JS = ['otpauth 9.5.2 slim', 'otplib 13', '@oslojs/otp 1.1'];
const TARGETS = [
  { title: 'verifyTotp SHA1', peers: ['otpauth 9.5.2'], ratio: 1.6 },
  { title: 'verifyTotp SHA1', peers: PURE_JS, ratio: 2 },
  { title: 'verifyTotp SHA1', peers: [BOUND], ratio: 0.9 },
  { title: 'verifyTotp SHA1', peers: [BOUND], ratio: 0.9, ours: OURS_BYTES },
  { title: 'verifyTotp SHA1', peers: [PROTOTYPE_BOUND], ratio: 0.9 },
  { title: 'verifyTotp SHA256', peers: ['otpauth 9.5.2'], ratio: 1.4 },
  { title: 'verifyTotp SHA512', peers: ['otpauth 9.5.2'], ratio: 0.6 },
  { title: 'generateTotp SHA1', peers: ['otpauth 9.5.2'], ratio: 0.9 },
  { title: 'generateTotp SHA1', peers: PURE_JS, ratio: 1.4 },
];

const cpus = os.cpus();
const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} logical cores, ${os.platform()} ${os.arch()}`;
const command = `node bench/run.mjs ${args.join(' ')}`.trim();
const header = [
  `Machine: ${machine}`,
  `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min)`,
  `Command: \`${command}\` (${settings.rounds} interleaved rounds × ${settings.sampleNs / 1e6} ms samples per library; median ops/s; ${clockName})`,
];
console.log(header.join('\n') + '\n');

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const groups = [...totpGroups(dist.core), ...extraGroups(extrasDist)].filter((g) => !only || g.title.includes(only));
const started = process.hrtime.bigint();
const measured = [];
for (const group of groups) {
  if (process.stdout.isTTY) process.stdout.write(`… ${group.title}\r`);
  const results = await measureGroup(group, settings);
  measured.push({ group, results });
  printGroup(group, results);
}

function rows(group, results) {
  const peers = results.filter((r) => r.lib !== OURS && !isReference(r.lib) && r.opsPerSec);
  const fastestPeer = peers.reduce((a, b) => (b.opsPerSec > (a?.opsPerSec ?? 0) ? b : a), null);
  return results.map((r) => {
    if (!r.opsPerSec) return [group.title, r.lib, '—', '—', '—', `not timed: ${r.reason}`];
    const ratio = fastestPeer ? `${(r === fastestPeer ? 1 : pairedRatio(r, fastestPeer)).toFixed(2)}×` : '—';
    const extra = [
      group.perOpMs ? `${(1000 / r.opsPerSec).toPrecision(3)} ms/op` : '',
      r.bytes !== undefined ? `${r.bytes.toLocaleString('en-US')} bytes` : '',
      r.note ?? '',
    ].filter(Boolean).join('; ');
    return [group.title, r.lib, fmt(r.opsPerSec), ratio, `±${(r.spreadPct / 2).toFixed(1)}%`, extra];
  });
}
function printGroup(group, results) {
  for (const row of rows(group, results)) {
    console.log(`${row[0].padEnd(44)} ${row[1].padEnd(32)} ${row[2].padStart(11)} ${row[3].padStart(7)} ${row[4].padStart(7)}  ${row[5]}`);
  }
  console.log('');
}

const targetLines = [];
for (const target of TARGETS) {
  const entry = measured.find((m) => m.group.title.startsWith(`${target.title} `) || m.group.title === target.title);
  const ours = entry?.results.find((r) => r.lib === (target.ours ?? OURS));
  if (!ours?.opsPerSec) continue;
  for (const name of target.peers) {
    const peer = entry.results.find((r) => r.lib === name);
    if (!peer?.opsPerSec) continue;
    const ratio = pairedRatio(ours, peer);
    const title = target.ours ? `${target.title} (${target.ours})` : target.title;
    targetLines.push(`| ${title} | ≥ ${target.ratio}× ${name} | ${ratio.toFixed(2)}× | ${ratio >= target.ratio ? 'met' : 'NOT met'} |`);
  }
}

// QR: the SVG of the same URI no larger than npm qrcode's, and rendered at least as fast.
const QR_PEER = "qrcode 1.5.4 toString({type:'svg'})";
const qrEntry = measured.find((m) => m.group.title.startsWith('QR SVG render'));
const qrOurs = qrEntry?.results.find((r) => r.lib === OURS);
const qrPeer = qrEntry?.results.find((r) => r.lib === QR_PEER);
if (qrOurs?.opsPerSec && qrPeer?.opsPerSec) {
  const ratio = pairedRatio(qrOurs, qrPeer);
  targetLines.push(`| QR SVG bytes, 120-char URI | ≤ ${QR_PEER} (${qrPeer.bytes} B) | ${qrOurs.bytes} B | ${qrOurs.bytes <= qrPeer.bytes ? 'met' : 'NOT met'} |`);
  targetLines.push(`| QR render time, 120-char URI | ≤ ${QR_PEER} | ${ratio.toFixed(2)}× its speed | ${ratio >= 1 ? 'met' : 'NOT met'} |`);
}

// Bundle sizes (scripts/size.mjs: esbuild for the browser, minified, gzip -9), measured in the same run.
const sizes = only ? [] : await measureAll();
const gz = (name) => sizes.find((r) => r.name === name)?.gzipBytes;
const sizeLines = sizes.map((r) => `| ${r.name} | ${r.what} | ${r.minBytes.toLocaleString('en-US')} | ${r.gzipBytes.toLocaleString('en-US')} |`);
if (sizes.length) {
  const verify = gz('verify-only');
  const budget = (label, value, goal, ok) => targetLines.push(`| ${label} | ${goal} | ${value.toLocaleString('en-US')} B gzip | ${ok ? 'met' : 'NOT met'} |`);
  budget('bundle: generateTotp + verifyTotp', verify, '≤ 8,192 B', verify <= 8192);
  budget('bundle: generateTotp + verifyTotp', verify, `< otpauth (${gz('otpauth')}) and otplib (${gz('otplib')})`, verify < gz('otpauth') && verify < gz('otplib'));
  budget('bundle: /qr renderQrSvg', gz('qr-render'), '≤ 6,144 B', gz('qr-render') <= 6144);
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const table = [
  '| Operation | Library | ops/s (median) | vs fastest peer¹ | ± (IQR/2) | Notes |',
  '|---|---|---:|---:|---:|---|',
  ...measured.flatMap(({ group, results }) => rows(group, results).map((r) => `| ${r.join(' | ')} |`)),
];
const markdown = [
  '# Benchmark results',
  '',
  ...header.map((h) => `${h}  `),
  '',
  ...table,
  '',
  ...(sizeLines.length ? ['| Bundle | What | min B | gzip B |', '|---|---|---:|---:|', ...sizeLines, ''] : []),
  ...(targetLines.length ? ['| Target | Goal | Measured | |', '|---|---|---:|---|', ...targetLines, ''] : []),
  `¹ Median over rounds of the ratio of the two samples taken in the same round (also for the targets).`,
  `Every library is checked against RFC 6238 Appendix B (and against the others on the timing inputs) before it is timed.`,
  `Inputs: 256 random 20-byte secrets as base32 × 16 moments in 2020–2040, rotated through every sample; verify uses a wrong`,
  `code, so every library computes all three steps of the ±1 window. Measured in ${seconds.toFixed(0)} s.`,
  '',
];
if (sizeLines.length) console.log(['| Bundle | What | min B | gzip B |', ...sizeLines, ''].join('\n'));
if (targetLines.length) console.log(['| Target | Goal | Measured | |', ...targetLines].join('\n'));
console.log(`\n(${seconds.toFixed(0)} s; sink ${sinkValue() & 0xff})`);
// Partial (--only) and rough (--quick) runs do not replace the published table.
// The stores section (written by hand from `node bench/stores.mjs` runs) is kept as it is.
if (!only && !quick) {
  const file = join(root, 'bench', 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const stores = previous.indexOf('\n## Stores');
  writeFileSync(file, markdown.join('\n') + (stores >= 0 ? previous.slice(stores) : ''));
  console.log('Written to bench/RESULTS.md');
}
