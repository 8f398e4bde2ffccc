// knip (knip.json) run by `npm test`: no unused file, export, type or dependency in the project. The second
// test plants an unused export and an unused file in a copy and shows the same check fails.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KNIP = join(ROOT, 'node_modules', '.bin', 'knip');

function knip(dir: string): { status: number | null; output: string } {
  const run = spawnSync(KNIP, ['--no-progress', '--no-config-hints'], { cwd: dir, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('architecture: nothing unused (knip)', () => {
  it('finds no unused file, export or dependency', () => {
    const { status, output } = knip(ROOT);
    expect(output.trim()).toBe('');
    expect(status).toBe(0);
  });

  it('fails on a planted unused export and an unused file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'two-factor-knip-'));
    copies.push(dir);
    for (const entry of ['src', 'test', 'bench', 'scripts', 'examples', 'vectors']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    for (const file of ['knip.json', 'package.json', 'tsconfig.json', 'vitest.config.ts', 'tsup.config.ts']) cpSync(join(ROOT, file), join(dir, file));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    appendFileSync(join(dir, 'src/server/record/state.ts'), '\nexport const PLANTED_UNUSED = 1;\n');
    writeFileSync(join(dir, 'src/server/checks/planted-orphan.ts'), 'export const orphan = 2;\n');
    const { status, output } = knip(dir);
    expect(status).not.toBe(0);
    expect(output).toContain('PLANTED_UNUSED');
    expect(output).toContain('src/server/checks/planted-orphan.ts');
  });
});
