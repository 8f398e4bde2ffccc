// The architecture check of `npm test` (STYLE.md 2b): dependency-cruiser with .dependency-cruiser.cjs finds
// no cycle in src/ (type-only imports included), no core module importing the server, the stores, QR, the
// test kit, the CLI or a Node built-in, and no server layer importing a higher one
// (types ← record ← checks ← operations ← service). The second test plants one violation of each rule in a
// copy of src/ and shows the same check fails on each.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Runs dependency-cruiser over `dir`/src as `npx depcruise src` would, with a JSON report: the violations. */
function cruise(dir: string): { violations: Violation[]; modules: number } {
  const run = spawnSync(DEPCRUISE, ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const report = JSON.parse(run.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  if (run.status !== 0) throw new Error(`depcruise exited with ${run.status}: ${run.stderr}`);
  return { violations: report.summary.violations, modules: report.summary.totalCruised };
}

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the project's src/ and configs (node_modules linked), for planting violations in. */
function copyOfProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'two-factor-architecture-'));
  copies.push(dir);
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  for (const file of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json']) cpSync(join(ROOT, file), join(dir, file));
  cpSync(join(ROOT, 'vectors'), join(dir, 'vectors'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Prepends `line` to the file `path` of the copy. */
function plant(dir: string, path: string, line: string): void {
  const file = join(dir, path);
  writeFileSync(file, `${line}\n${readFileSync(file, 'utf8')}`);
}

// One planted import per rule: the file it goes into, the import, and the rule that must report it.
const PLANTS = [
  { rule: 'server-record-below-checks', from: 'src/server/record/state.ts', line: "import type { Decision } from '../checks/outcomes.js';" },
  { rule: 'server-checks-below-operations', from: 'src/server/checks/drift.ts', line: "import type { ServiceContext } from '../operations/context.js';" },
  { rule: 'server-operations-below-service', from: 'src/server/operations/management.ts', line: "import { createContext } from '../transact.js';" },
  { rule: 'server-types-are-the-ground', from: 'src/server/types/failures.ts', line: "import type { TwoFactorRecord } from '../record/types.js';" },
  { rule: 'server-apart-from-its-users', from: 'src/server/record/user-id.ts', line: "import type { SqliteStore } from '../../stores/sqlite.js';" },
  { rule: 'core-is-pure', from: 'src/totp.ts', line: "import type { Failure } from './server/types/failures.js';" },
  { rule: 'core-is-pure', from: 'src/base32.ts', line: "import { renderQrSvg } from './qr.js';" },
  { rule: 'core-has-no-node-builtins', from: 'src/secret.ts', line: "import { randomBytes as nodeRandom } from 'node:crypto';" },
] as const;

describe('architecture: imports run one way (dependency-cruiser)', () => {
  it('src/ has no cycle, a pure core and server layers that import only downward', () => {
    const { violations, modules } = cruise(ROOT);
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
    // The whole tree was read (an empty or mis-rooted run would pass trivially).
    expect(modules).toBeGreaterThan(70);
  });

  it('fails on each planted upward import, core import of the server or QR, and Node built-in in the core', () => {
    const dir = copyOfProject();
    expect(cruise(dir).violations).toEqual([]);
    for (const { from, line } of PLANTS) plant(dir, from, line);
    const found = new Set(cruise(dir).violations.map((v) => `${v.rule.name} ${v.from}`));
    for (const { rule, from } of PLANTS) expect(found, `${rule} in ${from}`).toContain(`${rule} ${from}`);
  });

  it('fails on a cycle made of type-only imports inside one layer', () => {
    const dir = copyOfProject();
    // record/state.ts imports record/types.ts; a type import back closes the cycle.
    plant(dir, 'src/server/record/types.ts', "import type { emptyRecord } from './state.js';");
    const violations = cruise(dir).violations;
    expect(violations.map((v) => v.rule.name)).toContain('no-cycle');
    expect(violations.every((v) => v.rule.name === 'no-cycle')).toBe(true);
    expect(violations.map((v) => v.from)).toContain('src/server/record/state.ts');
  });
});
