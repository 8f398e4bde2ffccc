// The Debian packages `npm test` provisions (scripts/test-deps.mjs): each is detected by what the suites
// use from it, and where installing is not allowed the run stops at once with one message listing them.
// (Installing itself is what `npm test` did on this machine's first run; it is not repeated here.)
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { DEBIAN_PATHS, installMessage, missingPackages, onPath, provision, whyNoInstall } from '../../scripts/test-deps.mjs';
import { ROOT, cleanEnv } from './helpers.js';

const ALL = ['oathtool', 'zbar-tools', 'python3-zxing-cpp', 'python3-numpy', 'chromium', 'postgresql', 'redis-server', 'mariadb-server'];
const empty = mkdtempSync(join(tmpdir(), 'two-factor-deps-'));
chmodSync(empty, 0o755); // `nobody` runs a command from it below
afterAll(() => rmSync(empty, { recursive: true, force: true }));
const NOTHING = { pgRoots: [empty], python: join(empty, 'python3'), chromium: join(empty, 'chromium') };

/** A PATH directory holding only links to these commands. */
function pathWith(commands: string[]): string {
  const dir = mkdtempSync(join(empty, 'bin-'));
  chmodSync(dir, 0o755);
  for (const command of commands) symlinkSync(onPath(command), join(dir, command));
  return dir;
}

describe('missingPackages', () => {
  test('on this machine (provisioned by npm test): nothing is missing', () => {
    expect(missingPackages()).toEqual([]);
  });

  test('on a machine with none of them: all eight, in one list', () => {
    expect(missingPackages({ PATH: empty }, NOTHING)).toEqual(ALL);
  });

  test('each package is detected by what the suites use from it', () => {
    const tools = ['oathtool', 'zbarimg', 'redis-server', 'redis-cli', 'mariadbd', 'mariadb-install-db', 'mariadb', 'pg_config'];
    expect(missingPackages({ PATH: pathWith(tools) })).toEqual([]);
    expect(missingPackages({ PATH: pathWith(tools.filter((t) => t !== 'redis-cli')) })).toEqual(['redis-server']);
    for (const tool of ['mariadbd', 'mariadb-install-db', 'mariadb']) {
      expect(missingPackages({ PATH: pathWith(tools.filter((t) => t !== tool)) }), tool).toEqual(['mariadb-server']);
    }
    expect(missingPackages({ PATH: pathWith(tools.filter((t) => t !== 'zbarimg')) })).toEqual(['zbar-tools']);
    expect(missingPackages({ PATH: pathWith(tools), CHROMIUM_PATH: join(empty, 'nowhere') })).toEqual(['chromium']);
    expect(missingPackages({ PATH: pathWith(tools), TWO_FACTOR_PG_BIN: empty })).toEqual(['postgresql']);
    // Without pg_config on PATH, the newest /usr/lib/postgresql/*/bin is found, as pg-test-server.sh does.
    expect(missingPackages({ PATH: pathWith(tools.slice(0, -1)) })).toEqual([]);
    expect(missingPackages({ PATH: pathWith(tools.slice(0, -1)) }, { ...DEBIAN_PATHS, pgRoots: [empty] })).toEqual(['postgresql']);
    // A python3 without zxing-cpp and numpy (the system one has them; a pyenv one earlier on PATH may not).
    expect(missingPackages({ PATH: pathWith(tools) }, { ...DEBIAN_PATHS, python: join(empty, 'python3') })).toEqual([
      'python3-zxing-cpp',
      'python3-numpy',
    ]);
  });
});

describe('when installing is not allowed', () => {
  test('TWO_FACTOR_TEST_NO_INSTALL=1: provision() stops with the one message, installing nothing', () => {
    const env = { ...process.env, TWO_FACTOR_TEST_NO_INSTALL: '1', CHROMIUM_PATH: join(empty, 'nowhere') };
    expect(whyNoInstall(env)).toBe('TWO_FACTOR_TEST_NO_INSTALL=1 turns installing off');
    expect(() => provision(env, () => expect.fail('must not install'))).toThrow(
      /missing: chromium\nThey were not installed: TWO_FACTOR_TEST_NO_INSTALL=1 .*\nInstall them with: sudo apt-get install -y --no-install-recommends chromium\n/,
    );
  });

  test('not root: `node scripts/test-deps.mjs` exits 1 at once with the message, listing every missing package', () => {
    // apt-get is there (Debian), the tools are not.
    const env = cleanEnv({ PATH: pathWith(['apt-get']), CHROMIUM_PATH: join(empty, 'nowhere'), TWO_FACTOR_PG_BIN: empty });
    const script = join(ROOT, 'scripts/test-deps.mjs');
    // As `nobody` when this runs as root (the machine npm test targets); as the current user otherwise.
    const [command, ...args] = process.getuid?.() === 0 ? ['/usr/sbin/runuser', '-u', 'nobody', '--', process.execPath, script] : [process.execPath, script];
    const exit = spawnSync(command!, args, { env, cwd: '/', encoding: 'utf8', timeout: 30_000 });
    const missing = ['oathtool', 'zbar-tools', 'chromium', 'postgresql', 'redis-server', 'mariadb-server'];
    expect(exit.status, exit.stderr).toBe(1);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toBe(`${installMessage(missing, 'installing needs root')}\n`);
  });
});
