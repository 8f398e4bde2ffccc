// The package as users get it: build dist/ when missing, `npm pack` it, install the tarball into a fresh
// project the way a user would, with its dependencies from the registry and an npm cache of its own.
import { execFileSync, spawnSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

const quiet: ExecFileSyncOptions = { cwd: root, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } };

/** Runs a command; a non-zero exit throws with the command's output in the error. */
export function run(cmd: string, args: string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync(cmd, args, { ...quiet, ...options }) as unknown as string;
}

// Every entry, and the declarations tsup writes last: all present means a finished build.
const BUILT = ['index', 'qr', 'server', 'testing', 'stores/sqlite', 'stores/postgres', 'stores/redis', 'stores/mysql', 'stores/kysely', 'stores/drizzle', 'stores/prisma']
  .flatMap((entry) => [`${entry}.js`, `${entry}.cjs`, `${entry}.d.ts`, `${entry}.d.cts`])
  .concat('cli.js');
// One lock per checkout, shared by the test files vitest runs in parallel processes.
const LOCK = join(tmpdir(), `two-factor-build-${root.replace(/[^\w]+/g, '_')}.lock`);
const STALE_LOCK_MS = 5 * 60_000;

/**
 * `npm test` builds first; a bare `vitest run` on a fresh clone builds here, once. The test files run in
 * parallel and tsup starts by emptying dist/, so the check and the build happen under a lock: no file
 * starts a second build, and none reads dist/ while another one's build is half done.
 */
export function buildIfMissing(): void {
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a killed run would otherwise block every later one.
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      Atomics.wait(sleep, 0, 0, 100);
    }
  }
  try {
    if (BUILT.some((file) => !existsSync(join(root, 'dist', file)))) run('npx', ['tsup']);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Packs the package into `destination` and returns the tarball's path. */
export function packTarball(destination: string): string {
  // --ignore-scripts: dist/ is built already (the package has no pack-time build script either).
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination])) as { filename: string }[];
  return join(destination, packed[0]!.filename);
}

/**
 * Creates `dir` as a fresh project and installs `specs` (tarball paths, `name@version`) as a user would:
 * dependencies come from the registry, through an npm cache made for this install and deleted after it,
 * so the result never depends on what an earlier install left in `~/.npm` (a fresh machine has nothing
 * there). Returns npm's output (stdout and stderr), for checks on its warnings.
 */
export function installFresh(dir: string, specs: string[], packageJson: Record<string, unknown> = {}, npmArgs: string[] = ['--ignore-scripts']): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, ...packageJson }, null, 2));
  const cache = mkdtempSync(join(tmpdir(), 'two-factor-npm-cache-'));
  try {
    const args = ['install', ...specs, '--cache', cache, '--prefer-online', '--no-audit', '--no-fund', ...npmArgs];
    // 2>&1 through a shell would hide the exit status; spawn with both streams kept instead.
    const result = spawnSync('npm', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_cache: cache } });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    if (result.status !== 0) throw new Error(`npm ${args.join(' ')} exited ${result.status}:\n${output}`);
    return output;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
