// examples/hono: the whole flow over HTTP (test/support/example-flow.ts), CSRF by Hono's Origin check; and the
// app's files are Web-only (no Node built-in), so the same app.mjs is what a Workers, Bun or Deno user copies.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { exampleFlowSuite } from '../support/example-flow.js';

exampleFlowSuite({ name: 'hono', csrf: 'origin' });

describe('examples/hono/app.mjs and users.mjs', () => {
  it('bundles for a browser-like platform with no Node built-in (Hono, the library’s /server, Web APIs only)', async () => {
    const result = await build({
      entryPoints: ['app.mjs', 'users.mjs'].map((f) => new URL(`../../examples/hono/${f}`, import.meta.url).pathname),
      outdir: 'bundle',
      bundle: true,
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions: ['worker', 'browser', 'import'],
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((p) => p.includes('node_modules/hono/'))).toBe(true);
    expect(inputs.some((p) => p.includes('dist/server.js'))).toBe(true);
    expect(inputs.filter((p) => p.startsWith('node:') || /better-sqlite3|@hono\/node-server/.test(p))).toEqual([]);
    expect(inputs.filter((p) => p.startsWith('examples/')).sort()).toEqual(['examples/hono/app.mjs', 'examples/hono/users.mjs', 'examples/hono/views.mjs']);
  });
});
