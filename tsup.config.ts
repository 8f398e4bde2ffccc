import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', qr: 'src/qr.ts' },
  format: ['esm', 'cjs'], // with "type": "module": dist/*.js + dist/*.cjs, and .d.ts + .d.cts
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // base32-encode is ESM-only: left external, esbuild's CJS interop wraps require(esm) twice and the
  // default import stops being a function (evanw/esbuild#4102). Bundling it avoids that.
  noExternal: ['base32-encode'],
});
