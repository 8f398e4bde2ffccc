// `npm run demo` and `npm run example` run this first (their `pre` scripts): it builds dist/ with tsup
// when a built file the package exports is missing or older than the sources, and does nothing otherwise.
// The package has no `prepare` script (npm warns about install scripts to everyone who installs it), so a
// fresh clone's `npm install` leaves dist/ unbuilt; and a rebuild on every start would empty dist/ under
// tests that read it while `npm test` runs the demo command.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every file the package.json of `root` points into dist/ (exports, main, module, types, bin). */
export function builtFiles(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const paths = new Set();
  const walk = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/')) paths.add(value);
    } else if (value && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
  };
  walk([pkg.exports, pkg.main, pkg.module, pkg.types, pkg.bin]);
  return [...paths].sort().map((path) => join(root, path));
}

function newestSource(root) {
  let newest = { path: '', mtimeMs: -Infinity };
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (stat.mtimeMs > newest.mtimeMs) newest = { path, mtimeMs: stat.mtimeMs };
  };
  for (const path of ['src', 'tsup.config.ts', 'package.json'].map((p) => join(root, p))) if (existsSync(path)) visit(path);
  return newest;
}

/** Why dist/ under `root` needs a build (a sentence), or null when every built file is newer than every source. */
export function staleReason(root) {
  const built = builtFiles(root);
  const missing = built.find((file) => !existsSync(file));
  if (missing) return `${missing} is missing`;
  const oldest = built.reduce((a, b) => (statSync(a).mtimeMs <= statSync(b).mtimeMs ? a : b));
  const source = newestSource(root);
  return source.mtimeMs > statSync(oldest).mtimeMs ? `${source.path} is newer than ${oldest}` : null;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.cwd();
  const reason = staleReason(root);
  if (reason) {
    console.error(`Building dist/ (${reason.replaceAll(`${root}/`, '')})`);
    const { status } = spawnSync(join(root, 'node_modules', '.bin', 'tsup'), ['--silent'], { stdio: 'inherit' });
    process.exit(status ?? 1);
  }
}
