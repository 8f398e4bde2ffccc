// The throwaway servers of `npm test` (scripts/test-servers.mjs): PostgreSQL, MariaDB and Redis answer, and a signal stops them and
// deletes their directories, also when it comes in the middle of starting them.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { pgBaseDir } from '../../scripts/test-servers.mjs';
import { cleanEnv, processesOf, running, runNode } from './helpers.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A TMPDIR for one run, which the `postgres` user can search (so the servers' directories go in it). */
function runTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'two-factor-servers-tmp-'));
  chmodSync(dir, 0o755);
  cleanup.push(dir);
  return dir;
}

function redisPing(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) }, () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      resolve(String(d));
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

describe('node scripts/test-servers.mjs', () => {
  test('starts PostgreSQL, MariaDB and Redis that answer; SIGINT stops all three and deletes their directories', async () => {
    const tmp = runTmp();
    let pid = 0;
    let resolveStarted: (line: string) => void;
    const started = new Promise<string>((resolve) => (resolveStarted = resolve));
    const exit = runNode(['scripts/test-servers.mjs'], {
      env: cleanEnv({ TMPDIR: tmp }),
      onSpawn: (p) => (pid = p),
      onStdout: (text) => text.includes('\n') && resolveStarted(text),
    });
    const first = await Promise.race([started, exit.then((e) => `exited early: ${e.status} ${e.stderr}`)]);
    const { env, servers } = JSON.parse(first) as {
      env: Record<string, string>;
      servers: { name: string; url: string; pid: number; dir: string }[];
    };
    expect(Object.keys(env).sort()).toEqual(['TWO_FACTOR_MYSQL_URL', 'TWO_FACTOR_PG_URL', 'TWO_FACTOR_REDIS_URL']);
    expect(servers.map((s) => s.name).sort()).toEqual(['mariadb', 'postgres', 'redis']);

    const client = new pg.Client({ connectionString: env.TWO_FACTOR_PG_URL });
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    expect(await redisPing(env.TWO_FACTOR_REDIS_URL!)).toBe('+PONG\r\n');
    // MariaDB over TCP with the user and password of the URL (a wrong password is refused).
    const maria = await mysql.createConnection(env.TWO_FACTOR_MYSQL_URL!);
    expect((await maria.query('SELECT 1 AS one, DATABASE() AS db'))[0]).toEqual([{ one: 1, db: 'two_factor_test' }]);
    await maria.end();
    const wrong = new URL(env.TWO_FACTOR_MYSQL_URL!);
    wrong.password = 'wrong';
    await expect(mysql.createConnection(wrong.href)).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
    expect(new URL(env.TWO_FACTOR_MYSQL_URL!).hostname).toBe('127.0.0.1');
    for (const server of servers) {
      expect(running(server.pid)).toBe(true);
      expect(server.dir.startsWith(`${tmp}/`)).toBe(true);
    }

    process.kill(pid, 'SIGINT');
    expect((await exit).status).toBe(130);
    for (const server of servers) expect(running(server.pid), server.name).toBe(false);
    expect(processesOf(tmp)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test('SIGTERM in the middle of starting: waits for the start, then stops and deletes everything', async () => {
    const tmp = runTmp();
    let pid = 0;
    const exit = runNode(['scripts/test-servers.mjs'], { env: cleanEnv({ TMPDIR: tmp }), onSpawn: (p) => (pid = p) });
    // The PostgreSQL directory appears before initdb runs, long before the server is up.
    const deadline = Date.now() + 20_000;
    while (!readdirSync(tmp).some((name) => name.startsWith('two-factor-test-pg-')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    process.kill(pid, 'SIGTERM');
    const { status, stdout } = await exit;
    expect(stdout).toBe(''); // it never got to print the servers: the signal came first
    expect(status).toBe(143);
    expect(processesOf(tmp)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('pgBaseDir', () => {
  test('a TMPDIR the postgres user cannot search is replaced by /tmp under root, kept otherwise', () => {
    const open = runTmp();
    const closed = join(open, 'private');
    mkdirSync(closed, { mode: 0o700 });
    mkdirSync(join(closed, 'below'), { mode: 0o755 });
    expect(pgBaseDir(open, true)).toBe(open);
    expect(pgBaseDir(closed, true)).toBe('/tmp');
    expect(pgBaseDir(join(closed, 'below'), true)).toBe('/tmp');
    expect(pgBaseDir(closed, false)).toBe(closed);
  });
});
