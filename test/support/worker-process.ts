// The cross-process tests' pieces shared by their test files and their worker processes: a worker
// process and the JSON lines it prints, and a store wrapper that counts the compare-and-sets that lost.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TwoFactorStore } from '../../src/server/index.js';

/** A worker process (`node file config`) and the lines it prints, one JSON value each. */
export class WorkerProcess {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  readonly #waiting: ((line: string) => void)[] = [];
  stderr = '';

  constructor(file: string, config: object, options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    this.proc = spawn(process.execPath, [file, JSON.stringify(config)], { cwd: options.cwd, stdio: 'pipe', env: options.env ?? process.env });
    this.proc.stderr.on('data', (chunk) => (this.stderr += chunk));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const waiter = this.#waiting.shift();
      if (waiter) waiter(line);
      else this.#lines.push(line);
    });
  }

  next(): Promise<unknown> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(JSON.parse(line));
    return new Promise((resolve, reject) => {
      this.#waiting.push((l) => resolve(JSON.parse(l)));
      this.proc.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${this.stderr}`)));
    });
  }

  async stop(): Promise<number | null> {
    this.proc.stdin.end();
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    return new Promise((resolve) => this.proc.once('exit', resolve));
  }
}

/** `inner` with a count of its compareAndSet calls that returned false (lost to another writer). */
export function countingConflicts(inner: TwoFactorStore): { store: TwoFactorStore; take: () => number } {
  let conflicts = 0;
  const store: TwoFactorStore = {
    get: (userId) => inner.get(userId),
    compareAndSet: async (userId, expectedVersion, next) => {
      const done = await inner.compareAndSet(userId, expectedVersion, next);
      if (!done) conflicts++;
      return done;
    },
  };
  // The count since the last take.
  const take = () => {
    const n = conflicts;
    conflicts = 0;
    return n;
  };
  return { store, take };
}
