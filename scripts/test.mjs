// `npm test`: install the Debian packages the suites need when they are missing (scripts/test-deps.mjs),
// start a throwaway PostgreSQL, MariaDB and Redis unless TWO_FACTOR_PG_URL / TWO_FACTOR_MYSQL_URL /
// TWO_FACTOR_REDIS_URL are given (scripts/test-servers.mjs), build (the packaging tests exercise dist/ and the packed tarball), run
// every vitest suite, stop the servers (also on failure and on Ctrl+C), and end with the plain
// `N passed, N failed, N skipped` line CI reads (scripts/test-report.mjs: a suite that fails to load
// or whose hook throws counts as failed). Arguments go to vitest. Exit status: non-zero exactly when
// that line says failed > 0 (or the run was interrupted).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provision } from './test-deps.mjs';
import { summarizeFile } from './test-report.mjs';
import { TestServers, onInterrupt, signalStatus } from './test-servers.mjs';

const servers = new TestServers();
// The run's own directory, deleted at the end: the report, and the TMPDIR of the tests (so what they or
// vitest leave there, also when interrupted, goes too). Searchable by all: servers that tests start
// under root run as `postgres`.
const runDir = mkdtempSync(join(tmpdir(), 'two-factor-test-run-'));
const testTmp = join(runDir, 'tmp');
mkdirSync(testTmp);
chmodSync(runDir, 0o755);
chmodSync(testTmp, 0o1777);
const children = new Set(); // the commands running now (tsup, vitest), each { child, done }

// Started directly, not through npx, so a signal reaches them.
const bin = (name) => join(process.cwd(), 'node_modules', '.bin', name);

/** Runs a command with inherited output; resolves with its exit status. */
function run(cmd, args, env) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  const done = new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`${cmd}: ${error.message}`);
      resolve(1);
    });
    child.on('close', (status, signal) => resolve(status ?? signalStatus(signal)));
  });
  const entry = { child, done };
  children.add(entry);
  return done.finally(() => children.delete(entry));
}

/** Passes the signal on to the running commands and waits for them to end (10 s, then SIGKILL). */
async function stopChildren(signal) {
  await Promise.all(
    [...children].map(async ({ child, done }) => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    }),
  );
}

/** The closing line when the tests did not run (or were cut short): the run failed. */
const NOT_RUN = '0 passed, 1 failed, 0 skipped';
let finishing = null;
let interrupted = false;
/** Stops the servers, prints the closing line and exits; after an interrupt, only its own call counts. */
function finish(line, code, fromInterrupt = false) {
  if (interrupted && !fromInterrupt) return new Promise(() => {});
  finishing ??= (async () => {
    await stopChildren('SIGTERM'); // a build still running when the servers failed to start
    await servers.stop();
    rmSync(runDir, { recursive: true, force: true });
    console.log(line);
    process.exit(code);
  })();
  return finishing;
}

onInterrupt(async (signal) => {
  console.error(`npm test: interrupted (${signal}), stopping the tests and the test servers`);
  interrupted = true;
  await stopChildren(signal);
  await finish(NOT_RUN, signalStatus(signal), true);
});

async function main() {
  try {
    provision();
  } catch (error) {
    console.error(error.message);
    return finish(NOT_RUN, 1);
  }
  const env = { ...process.env, NO_COLOR: '1' };
  let serverEnv;
  let buildStatus;
  try {
    // The servers start while tsup builds.
    [serverEnv, buildStatus] = await Promise.all([servers.start(env), run(bin('tsup'), [], env)]);
  } catch (error) {
    console.error(`npm test: ${error.message}`);
    return finish(NOT_RUN, 1);
  }
  if (buildStatus !== 0) {
    console.error('npm test: the build (tsup) failed');
    return finish(NOT_RUN, 1);
  }
  for (const { name, url } of servers.servers) console.log(`npm test: throwaway ${name} at ${url.replace(/:[^:@/]+@/, ':…@')}`);
  const report = join(runDir, 'vitest-report.json');
  const args = ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)];
  const status = await run(bin('vitest'), args, { ...env, ...serverEnv, TMPDIR: testTmp });
  if (interrupted) return finishing; // the interrupt handler prints the line
  const summary = summarizeFile(report, status);
  for (const problem of summary.problems) console.log(`npm test: ${problem}`);
  return finish(summary.line, summary.exitCode);
}

main().catch(async (error) => {
  console.error(error);
  await finish(NOT_RUN, 1);
});
