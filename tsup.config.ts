import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

const common = {
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[], // with "type": "module": dist/*.js + dist/*.cjs, and .d.ts + .d.cts
  sourcemap: true,
  target: 'es2022',
  // base32-encode is ESM-only: left external, esbuild's CJS interop wraps require(esm) twice and the
  // default import stops being a function (evanw/esbuild#4102). Bundling it avoids that.
  // lean-qr (the QR encoder) stays external: a runtime dependency with its own ESM and CJS builds.
  noExternal: ['base32-encode'],
  // Shared chunks in CJS too, so the entries share one copy of the core instead of one each.
  splitting: true,
};

export default defineConfig([
  {
    ...common,
    entry: {
      index: 'src/index.ts',
      qr: 'src/qr.ts',
      server: 'src/server/index.ts',
      testing: 'src/testing/index.ts',
      'stores/sqlite': 'src/stores/sqlite.ts',
      'stores/postgres': 'src/stores/postgres.ts',
      'stores/redis': 'src/stores/redis.ts',
    },
    dts: true,
    clean: true,
    platform: 'neutral',
  },
  {
    ...common,
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    define: { __VERSION__: JSON.stringify(version) },
  },
]);
