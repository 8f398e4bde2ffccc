// `npm test`: install the Debian packages the suites need when they are missing (scripts/test-deps.mjs),
// start a throwaway PostgreSQL and Redis unless TWO_FACTOR_PG_URL / TWO_FACTOR_REDIS_URL are given
// (scripts/test-servers.mjs), build (the packaging tests exercise dist/ and the packed tarball), run
// every vitest suite, stop the servers (also on failure and on Ctrl+C), and end with the plain
// `N passed, N failed, N skipped` line CI reads (scripts/test-report.mjs: a suite that fails to load
// or whose hook throws counts as failed). Arguments go to vitest. Exit status: non-zero exactly when
// that line says failed > 0 (or the run was interrupted).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provision } from './test-deps.mjs';
import { summarizeFile } from './test-report.mjs';
import { TestServers, onInterrupt, signalStatus } from './test-servers.mjs';

const servers = new TestServers();
const reportDir = mkdtempSync(join(tmpdir(), 'two-factor-test-report-'));
let current = null; // the child running now (tsup or vitest)

/** Runs a command with inherited output; resolves with its exit status. */
function run(cmd, args, env) {
  return new Promise((resolve) => {
    current = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    current.on('error', (error) => {
      console.error(`${cmd}: ${error.message}`);
      resolve(1);
    });
    current.on('close', (status, signal) => resolve(status ?? signalStatus(signal)));
  });
}

let finishing = null;
/** Stops the servers, prints the closing line and exits; the first call wins (an interrupt or the end). */
function finish(line, code) {
  finishing ??= (async () => {
    await servers.stop();
    rmSync(reportDir, { recursive: true, force: true });
    console.log(line);
    process.exit(code);
  })();
  return finishing;
}

onInterrupt(async (signal) => {
  current?.kill(signal);
  console.error(`npm test: interrupted (${signal}), stopping the test servers`);
  await finish('0 passed, 1 failed, 0 skipped', signalStatus(signal));
});

async function main() {
  try {
    provision();
  } catch (error) {
    console.error(error.message);
    return finish('0 passed, 1 failed, 0 skipped', 1);
  }
  const env = { ...process.env, NO_COLOR: '1' };
  let serverEnv;
  let buildStatus;
  try {
    // The servers start while tsup builds.
    [serverEnv, buildStatus] = await Promise.all([servers.start(env), run('npx', ['tsup'], env)]);
  } catch (error) {
    console.error(`npm test: ${error.message}`);
    return finish('0 passed, 1 failed, 0 skipped', 1);
  }
  if (buildStatus !== 0) {
    console.error('npm test: the build (tsup) failed');
    return finish('0 passed, 1 failed, 0 skipped', 1);
  }
  for (const { name, url } of servers.servers) console.log(`npm test: throwaway ${name} at ${url.replace(/:[^:@/]+@/, ':…@')}`);
  const report = join(reportDir, 'vitest-report.json');
  const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)];
  const status = await run('npx', args, { ...env, ...serverEnv });
  const summary = summarizeFile(report, status);
  for (const problem of summary.problems) console.log(`npm test: ${problem}`);
  return finish(summary.line, summary.exitCode);
}

main().catch(async (error) => {
  console.error(error);
  await finish('0 passed, 1 failed, 0 skipped', 1);
});
