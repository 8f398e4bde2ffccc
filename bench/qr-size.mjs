// SVG size and render time for one typical 120-character otpauth URI at error correction M with a
// 4-module quiet zone: this library's renderQrSvg (from the built dist/) against npm `qrcode` and the
// encoders weighed for 0.1 with their own SVG output. `npm run bench` times the same renderers in
// its QR group (bench/extras.mjs); this script is the quick stand-alone version.
//   node bench/qr-size.mjs        (needs dist/: npx tsup)
import { fileURLToPath, pathToFileURL } from 'node:url';
import QRCode from 'qrcode';
import { correction, generate } from 'lean-qr';
import { toSvgSource } from 'lean-qr/extras/svg';
import { renderSVG } from 'uqr';
import { encodeQR } from '@paulmillr/qr';

/** The URI every QR comparison uses (the "same 120-character otpauth URI"). */
export const QR_URI =
  'otpauth://totp/InworkJobs:alice12%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=InworkJobs&algorithm=SHA1';
if (QR_URI.length !== 120) throw new Error(`QR_URI is ${QR_URI.length} characters, expected 120`);

/** npm qrcode's SVG: its toString calls back synchronously. */
export function qrcodeSvg(text) {
  let out;
  QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }, (err, svg) => {
    if (err) throw err;
    out = svg;
  });
  if (out === undefined) throw new Error('qrcode.toString did not call back synchronously');
  return out;
}

/** The peers, each at level M (no boosting) with a 4-module quiet zone, through its own SVG writer. */
export const QR_PEERS = {
  "qrcode 1.5.4 toString({type:'svg'})": qrcodeSvg,
  'lean-qr 2.7.4 toSvgSource': (text) =>
    toSvgSource(generate(text, { minCorrectionLevel: correction.M, maxCorrectionLevel: correction.M }), { pad: 4 }),
  'uqr 0.1.3 renderSVG': (text) => renderSVG(text, { ecc: 'M', boostEcc: false, border: 4 }),
  "@paulmillr/qr 0.3.0 encodeQR('svg')": (text) => encodeQR(text, 'svg', { ecc: 'medium', border: 4 }),
};

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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { renderQrSvg } = await import(pathToFileURL(fileURLToPath(new URL('../dist/qr.js', import.meta.url))).href);
  const candidates = [['@inworkjobs/two-factor renderQrSvg', (t) => renderQrSvg(t)], ...Object.entries(QR_PEERS)];
  console.log(`URI: ${QR_URI.length} characters, error correction M, 4-module quiet zone\n`);
  console.log('| renderer | SVG bytes | ms per SVG (median of 9×100) |');
  console.log('|---|---:|---:|');
  for (const [name, fn] of candidates) {
    const bytes = new TextEncoder().encode(fn(QR_URI)).length;
    console.log(`| ${name} | ${bytes.toLocaleString('en')} | ${msPerCall(() => fn(QR_URI)).toFixed(3)} |`);
  }
}
