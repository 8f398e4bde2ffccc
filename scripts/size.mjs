// Bundle sizes as a frontend ships them: each entry below bundled by esbuild for the browser (ESM,
// minified, tree-shaken, resolved through the packages' `exports`, so ours comes from the built dist/),
// then gzip level 9. `node scripts/size.mjs` prints the table (`--json` for JSON); test/package/size.test.ts
// holds the budgets. Needs dist/ (`npx tsup`).
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What is measured. `source` is the whole entry module a user's code would be. */
export const ENTRIES = [
  {
    name: 'verify-only',
    what: 'generateTotp + verifyTotp (SHA1, SHA256, SHA512)',
    source: `export { generateTotp, verifyTotp } from '@inworkjobs/two-factor';`,
  },
  { name: 'core', what: "export * from '@inworkjobs/two-factor'", source: `export * from '@inworkjobs/two-factor';` },
  { name: 'qr', what: "export * from '@inworkjobs/two-factor/qr'", source: `export * from '@inworkjobs/two-factor/qr';` },
  {
    name: 'qr-render',
    what: 'renderQrSvg from @inworkjobs/two-factor/qr (lean-qr included)',
    source: `export { renderQrSvg } from '@inworkjobs/two-factor/qr';`,
  },
  { name: 'server', what: "export * from '@inworkjobs/two-factor/server'", source: `export * from '@inworkjobs/two-factor/server';` },
  {
    name: 'otpauth',
    what: 'otpauth: TOTP + Secret (generate, validate)',
    // Classes: their methods cannot be shaken off, so exporting them is what generate+validate costs.
    source: `export { TOTP, Secret } from 'otpauth';`,
  },
  {
    name: 'otplib',
    what: 'otplib: generateSync + verifySync',
    source: `export { generateSync, verifySync } from 'otplib';`,
  },
  {
    name: 'qrcode',
    what: "npm qrcode: toString (its SVG renderer)",
    source: `export { toString } from 'qrcode';`,
  },
  { name: 'uqr', what: 'uqr: renderSVG', source: `export { renderSVG } from 'uqr';` },
  { name: 'lean-qr', what: 'lean-qr: generate + toSvgSource (extras/svg)', source: `export { generate } from 'lean-qr'; export { toSvgSource } from 'lean-qr/extras/svg';` },
  { name: '@paulmillr/qr', what: "@paulmillr/qr: encodeQR (text → svg)", source: `export { default } from '@paulmillr/qr';` },
  {
    name: '@oslojs/otp',
    what: '@oslojs/otp: generateTOTP + verifyTOTP (SHA-1 only)',
    source: `export { generateTOTP, verifyTOTP } from '@oslojs/otp';`,
  },
];

/** The minified browser bundle of one ESM `source`, resolved from the repository root. */
export async function bundle(source, options = {}) {
  const result = await build({
    stdin: { contents: source, resolveDir: root, sourcefile: 'size-entry.js' },
    absWorkingDir: root,
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    ...options,
  });
  return result.outputFiles[0].text;
}

/** Minified and gzip-9 bytes of one entry. */
export async function measure(entry) {
  const code = await bundle(entry.source);
  return { name: entry.name, what: entry.what, minBytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length, code };
}

export async function measureAll() {
  return Promise.all(ENTRIES.map(measure));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await measureAll();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows.map(({ code, ...row }) => row), null, 2));
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    console.log(`${'entry'.padEnd(14)} ${'min'.padStart(9)} ${'gzip'.padStart(9)} ${'gzip B'.padStart(7)}  what`);
    for (const r of rows) console.log(`${r.name.padEnd(14)} ${kb(r.minBytes).padStart(9)} ${kb(r.gzipBytes).padStart(9)} ${String(r.gzipBytes).padStart(7)}  ${r.what}`);
    console.log('esbuild, platform browser, ESM, minified; gzip level 9. Ours from dist/ through the exports map.');
  }
}
