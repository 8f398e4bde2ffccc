// SVG size and render time for one typical otpauth URI (130 characters): this library's renderQrSvg
// against qrcode-svg (default and join:true) and the npm `qrcode` package. All four keep the
// 4-module quiet zone. Run: node bench/qr-size.mjs   (src/qr.ts is bundled on the fly with esbuild)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import QRCodeSvg from 'qrcode-svg';
import QRCode from 'qrcode';

const URI =
  'otpauth://totp/InworkJobs:alice1%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' +
  '&issuer=InworkJobs&algorithm=SHA256&digits=8';
if (URI.length !== 130) throw new Error(`URI is ${URI.length} characters, expected 130`);

async function loadOurs() {
  const dir = mkdtempSync(join(tmpdir(), 'qr-bench-'));
  const outfile = join(dir, 'qr.mjs');
  const root = new URL('..', import.meta.url).pathname;
  await build({ entryPoints: [join(root, 'src/qr.ts')], bundle: true, format: 'esm', platform: 'node', outfile, logLevel: 'warning' });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function qrcodeToString(text) {
  let out;
  QRCode.toString(text, { type: 'svg' }, (err, svg) => {
    if (err) throw err;
    out = svg;
  });
  if (out === undefined) throw new Error('qrcode.toString did not call back synchronously');
  return out;
}

function msPerCall(fn) {
  for (let i = 0; i < 50; i++) fn(); // warm-up
  const rounds = [];
  for (let r = 0; r < 9; r++) {
    const n = 100;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
  }
  rounds.sort((a, b) => a - b);
  return rounds[rounds.length >> 1];
}

const { renderQrSvg } = await loadOurs();
const candidates = [
  ['@inworkjobs/two-factor renderQrSvg', () => renderQrSvg(URI)],
  ['qrcode-svg 1.1.0 default', () => new QRCodeSvg({ content: URI }).svg()],
  ['qrcode-svg 1.1.0 join:true', () => new QRCodeSvg({ content: URI, join: true }).svg()],
  ["qrcode 1.5.4 toString({type:'svg'})", () => qrcodeToString(URI)],
];

console.log(`URI: ${URI.length} characters, error correction M, 4-module quiet zone\n`);
console.log('| renderer | SVG bytes | ms per SVG (median of 9×100) |');
console.log('|---|---:|---:|');
for (const [name, fn] of candidates) {
  const bytes = new TextEncoder().encode(fn()).length;
  console.log(`| ${name} | ${bytes.toLocaleString('en')} | ${msPerCall(fn).toFixed(2)} |`);
}
