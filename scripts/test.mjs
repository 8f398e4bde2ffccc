// `npm test`: build (the packaging tests exercise dist/ and the packed tarball), run every vitest
// suite, and end with the plain `N passed, N failed` line CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const env = { ...process.env, NO_COLOR: '1' };
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env }).status ?? 1;

const report = '.vitest-report.json';
rmSync(report, { force: true });
let status = run('npx', ['tsup']);
if (status !== 0) {
  console.log('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)]);
if (!existsSync(report)) {
  console.log('0 passed, 1 failed');
  process.exit(status || 1);
}
const r = JSON.parse(readFileSync(report, 'utf8'));
// A suite that fails to load counts as a failure even though it has no failed test.
const brokenSuites = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests + brokenSuites} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
process.exit(status);
