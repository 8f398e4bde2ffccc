// Throwaway servers for `npm test`: a fresh PostgreSQL (scripts/pg-test-server.sh in a new temporary
// directory) when TWO_FACTOR_PG_URL is not set, a fresh MariaDB (scripts/mariadb-test-server.sh) when
// TWO_FACTOR_MYSQL_URL is not set, and a redis-server when TWO_FACTOR_REDIS_URL is not set, each on a free
// loopback port. stop() stops them and deletes their directories; it first waits for a
// start still under way, so an interrupt in the middle of a start leaves nothing behind either.
//
//   node scripts/test-servers.mjs   # starts all three, prints {"env":{…},"servers":[…]} on one line, and
//                                   # stops them on SIGINT/SIGTERM (for running one vitest file by hand)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PG_SCRIPT = fileURLToPath(new URL('./pg-test-server.sh', import.meta.url));
const MARIADB_SCRIPT = fileURLToPath(new URL('./mariadb-test-server.sh', import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nobody listens on at the moment, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Where the PostgreSQL (and MariaDB) directory goes: the temporary directory, unless the server's user
 * cannot reach it. As root, the server runs as `postgres` (`mysql`), which needs to search every directory above its data (a
 * private TMPDIR such as a 0700 directory is not); then /tmp.
 */
export function pgBaseDir(base = tmpdir(), isRoot = process.getuid?.() === 0) {
  if (!isRoot) return base;
  for (let dir = base; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return '/tmp';
    if (dir === dirname(dir)) return base;
  }
}

/** Runs a command to its end; resolves with its status and output. */
function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolve({ status: 1, stdout, stderr: `${stderr}${error.message}\n` }));
    child.on('close', (status) => resolve({ status: status ?? 1, stdout, stderr }));
  });
}

/** Whether a Redis server answers PING on the port. */
function redisAnswers(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** Starts and stops the servers a test run needs; see the file comment. */
export class TestServers {
  /** @type {{ name: string, url: string, pid: number, dir: string }[]} */
  servers = [];
  #cleanups = [];
  #starting = Promise.resolve();
  #stopping = null;

  /**
   * Starts the servers whose URL `env` does not give.
   * @returns {Promise<Record<string, string>>} the variables to add to the environment of the tests
   */
  start(env = process.env) {
    const starts = [
      env.TWO_FACTOR_PG_URL ? null : this.#postgres(),
      env.TWO_FACTOR_REDIS_URL ? null : this.#redis(),
      env.TWO_FACTOR_MYSQL_URL ? null : this.#mariadb(),
    ];
    const started = Promise.all(starts).then(([pgUrl, redisUrl, mysqlUrl]) => ({
      ...(pgUrl && { TWO_FACTOR_PG_URL: pgUrl }),
      ...(redisUrl && { TWO_FACTOR_REDIS_URL: redisUrl }),
      ...(mysqlUrl && { TWO_FACTOR_MYSQL_URL: mysqlUrl }),
    }));
    // Every start, not only the first to fail: a stop must not tear down a server still being set up.
    this.#starting = Promise.allSettled(starts);
    return started;
  }

  /**
   * Stops every server started (waiting for a start under way) and deletes their directories. A call
   * while a stop is under way resolves when that one ends.
   */
  stop() {
    this.#stopping ??= this.#stopAll().finally(() => (this.#stopping = null));
    return this.#stopping;
  }

  async #stopAll() {
    await this.#starting;
    const cleanups = this.#cleanups.splice(0);
    await Promise.all(cleanups.map((cleanup) => cleanup().catch((error) => console.error(`test servers: ${error.message}`))));
  }

  async #postgres() {
    const dir = mkdtempSync(join(pgBaseDir(), 'two-factor-test-pg-'));
    const env = { ...process.env, TWO_FACTOR_PG_DIR: dir };
    this.#cleanups.push(async () => {
      const r = await run(PG_SCRIPT, ['destroy'], env);
      rmSync(dir, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`stopping PostgreSQL in ${dir} failed:\n${r.stderr}`);
    });
    env.TWO_FACTOR_PG_PORT = String(await freePort());
    const r = await run(PG_SCRIPT, ['start'], env);
    if (r.status !== 0) throw new Error(`starting PostgreSQL failed:\n${r.stderr}`);
    const url = r.stdout.trim();
    const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    this.servers.push({ name: 'postgres', url, pid, dir });
    return url;
  }

  async #mariadb() {
    const dir = mkdtempSync(join(pgBaseDir(), 'two-factor-test-mariadb-'));
    const env = { ...process.env, TWO_FACTOR_MYSQL_DIR: dir };
    this.#cleanups.push(async () => {
      const r = await run(MARIADB_SCRIPT, ['destroy'], env);
      rmSync(dir, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`stopping MariaDB in ${dir} failed:\n${r.stderr}`);
    });
    env.TWO_FACTOR_MYSQL_PORT = String(await freePort());
    const r = await run(MARIADB_SCRIPT, ['start'], env);
    if (r.status !== 0) throw new Error(`starting MariaDB failed:\n${r.stderr}`);
    const url = r.stdout.trim();
    const pid = Number(readFileSync(join(dir, 'mariadb.pid'), 'utf8').trim());
    this.servers.push({ name: 'mariadb', url, pid, dir });
    return url;
  }

  async #redis() {
    const dir = mkdtempSync(join(tmpdir(), 'two-factor-test-redis-'));
    let child = null;
    let gone = true;
    let exited = Promise.resolve();
    this.#cleanups.push(async () => {
      if (!gone) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    });
    // A port can be taken between freePort() and the server's bind: then the server exits, try another.
    for (let attempt = 1; attempt <= 3; attempt++) {
      const port = await freePort();
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
      child = spawn('redis-server', [...args, '--daemonize', 'no', '--logfile', join(dir, 'redis.log')], { stdio: 'ignore' });
      gone = false;
      exited = new Promise((resolve) => {
        child.once('close', resolve);
        child.once('error', resolve); // not started (no redis-server): no 'close' may follow
      }).then(() => (gone = true));
      for (let i = 0; i < 200 && !gone; i++) {
        if (await redisAnswers(port)) {
          const url = `redis://127.0.0.1:${port}`;
          this.servers.push({ name: 'redis', url, pid: child.pid, dir });
          return url;
        }
        await sleep(50);
      }
      if (!gone) throw new Error(`redis-server on port ${port} did not answer PING within 10 s (log: ${dir}/redis.log)`);
    }
    throw new Error(`redis-server did not start (log: ${dir}/redis.log)`);
  }
}

/**
 * Calls `handler(signal)` on SIGINT, SIGTERM or SIGHUP, once; further signals while it runs are ignored
 * (a second Ctrl+C must not cut the clean-up short). Returns a function that removes the listeners.
 */
export function onInterrupt(handler) {
  let called = false;
  const listener = (signal) => {
    if (called) return console.error(`${signal}: still stopping the test servers…`);
    called = true;
    handler(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, listener);
  return () => signals.forEach((signal) => process.off(signal, listener));
}

/** The exit status of a process ended by `signal`, as a shell reports it (SIGINT: 130). */
export const signalStatus = (signal) => 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 0);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const servers = new TestServers();
  let interrupted = false;
  onInterrupt(async (signal) => {
    interrupted = true;
    await servers.stop();
    process.exit(signalStatus(signal));
  });
  try {
    const env = await servers.start({});
    if (!interrupted) console.log(JSON.stringify({ env, servers: servers.servers }));
    setInterval(() => {}, 1 << 30); // keep running until a signal
  } catch (error) {
    console.error(error.message);
    await servers.stop();
    process.exit(1);
  }
}
