// Throwaway redis-server processes for the Redis store tests: each on a free loopback port in a temporary
// directory, started and killed by the test itself. Every server runs under a small shell that kills it
// with SIGKILL as soon as this process's pipe to it closes, so no server outlives the test process, even
// when a test fails or the worker is killed.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HOST = '127.0.0.1';
const live = new Set<RedisServer>();
process.once('exit', () => {
  for (const server of live) server.kill();
});

/** A port that is free now on loopback, and (for a cluster node) so is its bus port, port + 10000. */
async function freePort(withBus = false): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if ((await portFree(port)) && (!withBus || (await portFree(port + 10_000)))) return port;
  }
  throw new Error('no free loopback port found');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

/** One raw command over RESP; resolves with the reply text. For health checks before a client exists. */
export function rawCommand(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    socket.setTimeout(2_000, () => socket.destroy(new Error('timeout')));
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      // Enough for simple, error and integer replies and one bulk string (PING, CLUSTER INFO, KEYSLOT).
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if (/^[+\-:]/.test(reply) && reply.endsWith('\r\n')) socket.end();
      else if (bulk && Buffer.byteLength(reply) >= bulk[0].length + Number(bulk[1]) + 2) socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

export interface RedisServerOptions {
  /** Redis config lines as arguments, e.g. `['--appendonly', 'yes']`. */
  config?: string[];
  /** Cluster node: `--cluster-enabled yes` and a free bus port. */
  cluster?: boolean;
}

/** One redis-server in its own temporary directory. `start()` again after a kill reuses port and directory. */
export class RedisServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'two-factor-redis-'));
  port = 0;
  pid = 0;
  #shell: ChildProcessWithoutNullStreams | undefined;
  log = '';

  constructor(readonly options: RedisServerOptions = {}) {}

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  /** Starts the server (on a new free port the first time) and waits until it answers PING. */
  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort(this.options.cluster);
    const args = ['--port', String(this.port), '--bind', HOST, '--dir', this.dir, '--save', '', '--daemonize', 'no'];
    if (this.options.cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
    args.push(...(this.options.config ?? []));
    // The shell prints redis-server's pid, then waits for its stdin to close and kills it.
    const shell = spawn('sh', ['-c', 'redis-server "$@" & echo $!; read _; kill -9 $! 2>/dev/null', 'sh', ...args], { stdio: 'pipe' });
    this.#shell = shell;
    live.add(this);
    shell.stderr.on('data', (chunk) => (this.log += chunk));
    this.pid = await new Promise<number>((resolve, reject) => {
      shell.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().split('\n')[0])));
      shell.once('exit', (code) => reject(new Error(`redis-server did not start (${code}): ${this.log}`)));
    });
    shell.stdout.on('data', (chunk) => (this.log += chunk));
    for (let i = 0; ; i++) {
      const reply = await rawCommand(this.port, 'PING').catch(() => '');
      // -LOADING while it replays its append-only file.
      if (reply.startsWith('+PONG')) break;
      if (i > 300) throw new Error(`redis-server on ${this.port} never answered: ${this.log}`);
      await sleep(20);
    }
    return this;
  }

  /** `kill -9`: the server dies at once, mid-request, without writing anything more. */
  async kill9(): Promise<void> {
    const shell = this.#shell;
    if (!shell || shell.exitCode !== null) return;
    const exited = new Promise((resolve) => shell.once('exit', resolve));
    process.kill(this.pid, 'SIGKILL');
    shell.stdin.end();
    await exited;
    this.#shell = undefined;
  }

  /** SIGSTOP / SIGCONT: the server freezes with its connections open (a hung host), then carries on. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    process.kill(this.pid, signal);
  }

  /** Kills the server (if running) without waiting; for exit handlers. */
  kill(): void {
    try {
      if (this.pid && this.#shell?.exitCode === null) process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    this.#shell?.stdin.end();
  }

  /** Kills the server and removes its directory. */
  async destroy(): Promise<void> {
    await this.kill9();
    live.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Starts one standalone server. */
function startRedis(options?: RedisServerOptions): Promise<RedisServer> {
  return new RedisServer(options).start();
}

/** A Redis Cluster of `masters` masters (no replicas) on loopback, ready (cluster_state:ok on every node). */
export async function startCluster(masters = 3): Promise<{ nodes: RedisServer[]; destroy: () => Promise<void> }> {
  const nodes: RedisServer[] = [];
  const destroy = async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
  };
  try {
    for (let i = 0; i < masters; i++) nodes.push(await startRedis({ cluster: true }));
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: 'pipe',
      timeout: 30_000,
    });
    for (const node of nodes) {
      for (let i = 0; !(await rawCommand(node.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
        if (i > 500) throw new Error(`cluster node ${node.port} never reached cluster_state:ok`);
        await sleep(20);
      }
    }
    return { nodes, destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
