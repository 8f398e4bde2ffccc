// Shared by the tests of scripts/: child processes with a clean environment, throwaway projects that run
// vitest on small fixture test files, and a check that nothing a run started is left behind.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child that must not see this vitest run (VITEST_* variables, the test servers'
 * URLs): PATH and HOME, plus `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...extra };
}

/**
 * Runs `node args…` to its end; `onSpawn` receives the child's pid (to send it a signal), `onStdout` the
 * output so far each time more comes.
 */
export function runNode(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; onSpawn?: (pid: number) => void; onStdout?: (text: string) => void } = {},
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? ROOT, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    options.onSpawn?.(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      options.onStdout?.(stdout);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/**
 * A throwaway project beside this one: `files` (path → text), node_modules and scripts/ linked to this
 * repository's, and a one-file tsup build, so scripts/test.mjs and vitest run there as they do here.
 */
export function fixtureProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'two-factor-fixture-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'scripts'), join(dir, 'scripts'));
  const all = {
    'package.json': JSON.stringify({ type: 'module', tsup: { entry: ['src/x.ts'], format: ['esm'] } }),
    'src/x.ts': 'export const x = 1;\n',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Runs vitest in `dir` with the JSON reporter; the parsed report (null when none) and vitest's status. */
export async function vitestReport(dir: string): Promise<{ report: unknown; status: number }> {
  const out = join(dir, 'report.json');
  const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
  const exit = await runNode([vitest, 'run', '--reporter=json', `--outputFile=${out}`], { cwd: dir });
  return { report: existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : null, status: exit.status ?? 1 };
}

/**
 * Processes of a run given its own TMPDIR `dir`: those whose environment has TMPDIR=dir (everything the
 * run started inherits it, including a start still under way) or whose working directory is inside it
 * (the servers run there). As "pid command" strings.
 */
export function processesOf(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (environ.includes(`TMPDIR=${dir}`) || cwd === dir || cwd.startsWith(`${dir}/`)) {
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`);
      }
    } catch {
      // gone, a zombie, or not ours to read
    }
  }
  return found;
}

/** Whether a process with this pid is running (a zombie counts as gone). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
