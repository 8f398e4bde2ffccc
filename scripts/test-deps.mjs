// The Debian packages the test suites use as oracles and real parts, how to tell whether each is there,
// and installing the missing ones with apt-get (as root on Debian/Ubuntu, unless
// TWO_FACTOR_TEST_NO_INSTALL=1). Anywhere else `npm test` stops at once with one message listing them.
//
//   node scripts/test-deps.mjs    # installs what is missing (or prints what to install and exits 1)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where Debian puts things: the PostgreSQL server binaries (a directory per major version), the system
 * Python (which has python3-zxing-cpp, unlike a pyenv/venv python3 earlier on PATH), Chromium.
 */
export const DEBIAN_PATHS = { pgRoots: ['/usr/lib/postgresql'], python: '/usr/bin/python3', chromium: '/usr/bin/chromium' };

/** The first executable `name` on `env.PATH`, or null. */
export function onPath(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** The directory holding initdb/pg_ctl/postgres, found as scripts/pg-test-server.sh finds it, or null. */
export function pgBinDir(env = process.env, roots = DEBIAN_PATHS.pgRoots) {
  if (env.TWO_FACTOR_PG_BIN) return existsSync(join(env.TWO_FACTOR_PG_BIN, 'initdb')) ? env.TWO_FACTOR_PG_BIN : null;
  const pgConfig = onPath('pg_config', env);
  if (pgConfig) {
    const bin = spawnSync(pgConfig, ['--bindir'], { encoding: 'utf8', env }).stdout?.trim();
    if (bin && existsSync(join(bin, 'initdb'))) return bin;
  }
  const versions = roots.flatMap((root) => (existsSync(root) ? readdirSync(root).map((v) => join(root, v, 'bin')) : []));
  const found = versions.filter((bin) => existsSync(join(bin, 'initdb')));
  return found.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1) ?? null;
}

/** The Python modules of `names` that `python` cannot import (all of them without it). */
function missingPythonModules(names, python, env) {
  if (!existsSync(python)) return names;
  const script = `import importlib.util, sys\nprint(" ".join(n for n in sys.argv[1:] if importlib.util.find_spec(n) is None))`;
  const r = spawnSync(python, ['-c', script, ...names], { encoding: 'utf8', env });
  return r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean) : names;
}

/**
 * Each package with what it is for and how its presence is detected. The servers are needed even when
 * TWO_FACTOR_PG_URL / TWO_FACTOR_REDIS_URL / TWO_FACTOR_MYSQL_URL are given: some suites start servers of their own.
 */
export const REQUIREMENTS = [
  { pkg: 'oathtool', why: 'the reference OTP implementation (oracle)', has: (env) => onPath('oathtool', env) !== null },
  { pkg: 'zbar-tools', why: 'zbarimg, a QR decoder', has: (env) => onPath('zbarimg', env) !== null },
  { pkg: 'python3-zxing-cpp', why: 'ZXing-C++, a second QR decoder (for /usr/bin/python3)', has: (env, { py }) => !py.includes('zxingcpp') },
  { pkg: 'python3-numpy', why: 'images for ZXing-C++', has: (env, { py }) => !py.includes('numpy') },
  { pkg: 'chromium', why: 'the browser tests', has: (env, { paths }) => existsSync(env.CHROMIUM_PATH || paths.chromium) },
  { pkg: 'postgresql', why: 'the PostgreSQL store on a real server', has: (env, { paths }) => pgBinDir(env, paths.pgRoots) !== null },
  {
    pkg: 'redis-server',
    why: 'the Redis store on a real server (redis-server and redis-cli)',
    has: (env) => onPath('redis-server', env) !== null && onPath('redis-cli', env) !== null,
  },
  {
    pkg: 'mariadb-server',
    why: 'the MySQL stores on a real MariaDB server (mariadbd, mariadb-install-db, mariadb)',
    has: (env) => ['mariadbd', 'mariadb-install-db', 'mariadb'].every((tool) => onPath(tool, env) !== null),
  },
];

/** The packages of REQUIREMENTS not found with this environment (`paths` replaces DEBIAN_PATHS in tests). */
export function missingPackages(env = process.env, paths = DEBIAN_PATHS) {
  const py = missingPythonModules(['zxingcpp', 'numpy'], paths.python, env);
  return REQUIREMENTS.filter((r) => !r.has(env, { py, paths })).map((r) => r.pkg);
}

/** Why apt-get cannot be used here, or null when it can. */
export function whyNoInstall(env = process.env) {
  if (env.TWO_FACTOR_TEST_NO_INSTALL === '1') return 'TWO_FACTOR_TEST_NO_INSTALL=1 turns installing off';
  if (!existsSync('/etc/debian_version') || !onPath('apt-get', env)) return 'this is not Debian/Ubuntu (no apt-get)';
  if (process.getuid?.() !== 0) return 'installing needs root';
  return null;
}

/** The one message listing what to install. */
export function installMessage(missing, reason) {
  const lines = [`npm test needs these Debian packages, which are missing: ${missing.join(' ')}`];
  if (reason) lines.push(`They were not installed: ${reason}.`);
  lines.push(`Install them with: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  lines.push('(Elsewhere: install oathtool, zbarimg, python3 with zxing-cpp and numpy, Chromium (CHROMIUM_PATH),');
  lines.push(' PostgreSQL server binaries (TWO_FACTOR_PG_BIN), redis-server/redis-cli and MariaDB (mariadbd,');
  lines.push(' mariadb-install-db, mariadb), then run npm test again.)');
  return lines.join('\n');
}

/**
 * Makes sure every package is there: installs the missing ones with apt-get when allowed, otherwise throws
 * an Error carrying the one message. Runs `apt-get update` only when something is missing.
 * @returns {string[]} the packages installed (empty when nothing was missing)
 */
export function provision(env = process.env, log = (line) => console.error(line)) {
  const missing = missingPackages(env);
  if (missing.length === 0) return [];
  const reason = whyNoInstall(env);
  if (reason) throw new Error(installMessage(missing, reason));
  log(`npm test: installing ${missing.join(' ')} with apt-get (once; about 1-2 minutes)`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { env: aptEnv, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed (status ${r.status}):\n${(r.stdout + r.stderr).trim().split('\n').slice(-20).join('\n')}`);
    }
  }
  const still = missingPackages(env);
  if (still.length > 0) throw new Error(installMessage(still, 'they are still not found after apt-get install (check CHROMIUM_PATH / TWO_FACTOR_PG_BIN)'));
  return missing;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    provision();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
