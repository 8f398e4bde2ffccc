// scripts/test.mjs itself (what `npm test` runs), end to end in a throwaway project: its closing line and
// exit status when all pass, when a test fails and when a suite fails to load; that it hands working
// throwaway PostgreSQL and Redis servers to the tests; and that it stops them and leaves nothing behind,
// also when interrupted.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanEnv, fixtureProject, processesOf, runNode, type Exit } from './helpers.js';

const head = "import { expect, test } from 'vitest';\n";
const USES_SERVERS = `${head}import pg from 'pg';
import { createConnection } from 'node:net';
test('the runner set both URLs to servers that answer', async () => {
  const client = new pg.Client({ connectionString: process.env.TWO_FACTOR_PG_URL });
  await client.connect();
  expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  await client.end();
  const { port, hostname } = new URL(process.env.TWO_FACTOR_REDIS_URL!);
  const reply = await new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) }, () => socket.write('PING\\r\\n'));
    socket.on('data', (d) => { resolve(String(d)); socket.destroy(); });
    socket.on('error', reject);
  });
  expect(reply).toBe('+PONG\\r\\n');
});
`;

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs scripts/test.mjs in a fixture project with its own TMPDIR; `servers` false passes URLs instead. */
function runRunner(files: Record<string, string>, servers: boolean) {
  const project = fixtureProject(files);
  const tmp = mkdtempSync(join(tmpdir(), 'two-factor-runner-tmp-'));
  chmodSync(tmp, 0o755); // reachable by the `postgres` user, so the server's directory goes here too
  cleanup.push(project, tmp);
  const urls: Record<string, string> = servers ? {} : { TWO_FACTOR_PG_URL: 'postgres://unused', TWO_FACTOR_REDIS_URL: 'redis://unused' };
  let pid = 0;
  const exit = runNode(['scripts/test.mjs'], { cwd: project, env: cleanEnv({ TMPDIR: tmp, ...urls }), onSpawn: (p) => (pid = p) });
  return { project, tmp, exit, pid: () => pid };
}

const lastLine = (exit: Exit) => exit.stdout.trimEnd().split('\n').at(-1);

/** Nothing left: no process working in the run's directories, and its temporary directory is empty. */
function expectNothingLeft(project: string, tmp: string) {
  expect(processesOf(tmp)).toEqual([]);
  expect(processesOf(project)).toEqual([]);
  expect(readdirSync(tmp)).toEqual([]);
}

describe('scripts/test.mjs', () => {
  // Started together: each run spends most of its time waiting for processes.
  const allPass = runRunner({ 'test/a.test.ts': `${head}test('a', () => expect(1).toBe(1));\ntest('b', () => {});\n` }, false);
  const failing = runRunner({ 'test/a.test.ts': `${head}test('ok', () => {});\ntest('bad', () => expect(1).toBe(2));\n` }, false);
  const broken = runRunner({ 'test/servers.test.ts': USES_SERVERS, 'test/broken.test.ts': `${head}import './missing.js';\n` }, true);

  test('all pass: "N passed, 0 failed", exit status 0', async () => {
    const exit = await allPass.exit;
    expect(lastLine(exit), exit.stdout + exit.stderr).toBe('2 passed, 0 failed, 0 skipped');
    expect(exit.status).toBe(0);
  });

  test('a failing test: "1 failed", non-zero exit status', async () => {
    const exit = await failing.exit;
    expect(lastLine(exit), exit.stdout + exit.stderr).toBe('1 passed, 1 failed, 0 skipped');
    expect(exit.status).toBe(1);
  });

  test('a suite that fails to load: counted as failed; the throwaway servers worked and are gone', async () => {
    const exit = await broken.exit;
    expect(lastLine(exit), exit.stdout + exit.stderr).toBe('1 passed, 1 failed, 0 skipped');
    expect(exit.stdout).toMatch(/broken\.test\.ts failed to load/);
    expect(exit.stdout).toMatch(/throwaway postgres at postgres:\/\/postgres:…@127\.0\.0\.1:\d+\//);
    expect(exit.status).toBe(1);
    expectNothingLeft(broken.project, broken.tmp);
  });

  test('interrupted (SIGINT) while the tests run: exit status 130, servers stopped, nothing left', async () => {
    let sent = false;
    const waits = `${head}import { writeFileSync } from 'node:fs';\n` +
      `test('waits', async () => {\n  writeFileSync('running', '');\n  await new Promise((r) => setTimeout(r, 50_000));\n});\n`;
    const run = runRunner({ 'test/waits.test.ts': waits }, true);
    // The fixture test marks that it runs by creating the file `running` in its project.
    const poll = setInterval(() => {
      if (!sent && existsSync(join(run.project, 'running'))) {
        sent = true;
        process.kill(run.pid(), 'SIGINT');
      }
    }, 50);
    const exit = await run.exit.finally(() => clearInterval(poll));
    expect(sent).toBe(true);
    expect(exit.status, exit.stdout + exit.stderr).toBe(130);
    expect(lastLine(exit)).toBe('0 passed, 1 failed, 0 skipped');
    // every server had started (in any order) before the interrupt, and was stopped after it
    for (const server of ['postgres', 'redis', 'mariadb']) expect(exit.stdout).toContain(`throwaway ${server} at `);
    expectNothingLeft(run.project, run.tmp);
  });
});
