// The package as users get it: build dist/ when missing, `npm pack` it, install the tarball into a fresh
// project from the npm cache (no network in tests).
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

const quiet: ExecFileSyncOptions = { cwd: root, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } };

/** Runs a command; a non-zero exit throws with the command's output in the error. */
export function run(cmd: string, args: string[], options: ExecFileSyncOptions = {}): string {
  return execFileSync(cmd, args, { ...quiet, ...options }) as unknown as string;
}

/** `npm test` builds first; a bare `vitest run` on a fresh clone builds here. */
export function buildIfMissing(): void {
  const needed = ['index.js', 'index.cjs', 'qr.js', 'server.js', 'testing.js', 'stores/sqlite.js', 'stores/postgres.js', 'cli.js'];
  if (needed.some((file) => !existsSync(join(root, 'dist', file)))) run('npx', ['tsup']);
}

/** Packs the package into `destination` and returns the tarball's path. */
export function packTarball(destination: string): string {
  // --ignore-scripts: dist/ is built already; a `prepare` build here would only repeat it.
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination])) as { filename: string }[];
  return join(destination, packed[0]!.filename);
}

/** Creates `dir` as a fresh project and installs `specs` (tarball paths, `name@version`) offline. */
export function installOffline(dir: string, specs: string[], packageJson: Record<string, unknown> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, ...packageJson }, null, 2));
  run('npm', ['install', ...specs, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir });
}
