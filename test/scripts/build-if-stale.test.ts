// scripts/build-if-stale.mjs, the `predemo` / `preexample` step: which built files it checks, and that it
// asks for a build exactly when one is missing or older than a source.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtFiles, staleReason } from '../../scripts/build-if-stale.mjs';
import { ROOT } from './helpers.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  dir = mkdtempSync(join(tmpdir(), 'two-factor-stale-'));
  const pkg = { exports: { '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' } }, './package.json': './package.json' }, bin: { x: './dist/cli.js' } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  mkdirSync(join(dir, 'src/server'), { recursive: true });
  writeFileSync(join(dir, 'src/server/a.ts'), '');
  mkdirSync(join(dir, 'dist'));
  for (const file of ['index.d.ts', 'index.js', 'cli.js']) writeFileSync(join(dir, 'dist', file), '');
  const old = new Date(Date.now() - 60_000);
  for (const file of ['package.json', 'src/server/a.ts']) utimesSync(join(dir, file), old, old);
  return dir;
}

describe('build-if-stale', () => {
  it('checks every file the package points into dist/ (this repository: every entry, both formats, types, the CLI)', () => {
    const files = (builtFiles(ROOT) as string[]).map((f) => f.slice(ROOT.length));
    expect(files).toContain('dist/server.cjs');
    expect(files).toContain('dist/server.d.cts');
    expect(files).toContain('dist/cli.js');
    expect(files).not.toContain('package.json');
  });

  it('no build when every built file is newer than every source', () => {
    expect(staleReason(project())).toBeNull();
  });

  it('a build when a built file is missing', () => {
    const root = project();
    rmSync(join(root, 'dist/cli.js'));
    expect(staleReason(root)).toBe(`${join(root, 'dist/cli.js')} is missing`);
  });

  it('a build when a source in a subfolder is newer than the oldest built file', () => {
    const root = project();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/server/a.ts'), later, later);
    expect(staleReason(root)).toMatch(/src\/server\/a\.ts is newer than /);
  });
});
