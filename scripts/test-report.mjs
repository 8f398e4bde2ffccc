// The closing line of `npm test`, read from vitest's JSON report (`--reporter=json`) and its exit status.
//
// Counting rule (vitest's own totals are not enough: a suite that fails to load has no tests, and the
// tests of a suite whose beforeAll throws are listed as "skipped"):
// - in a test file that failed, every test that did not pass counts as failed;
// - a failed file in which no test failed (it failed to load, or afterAll threw after its tests passed)
//   counts as one failed;
// - vitest exiting non-zero with nothing counted as failed (an unhandled error, which the JSON report
//   does not record) counts as one failed; so does a missing or unreadable report.
// So the line says "0 failed" only when vitest itself succeeded, and the exit status is non-zero exactly
// when it says failed > 0.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Counts of one run and the problems that are not failed tests.
 * @param {object | null} report vitest's parsed JSON report, or null when there is none
 * @param {number} vitestStatus vitest's exit status
 * @returns {{ passed: number, failed: number, skipped: number, problems: string[], line: string, exitCode: number }}
 */
export function summarize(report, vitestStatus) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const problems = [];
  if (!report || !Array.isArray(report.testResults)) {
    failed = 1;
    problems.push(`vitest wrote no report (exit status ${vitestStatus})`);
  } else {
    for (const file of report.testResults) {
      const tests = file.assertionResults ?? [];
      const fileFailed = file.status === 'failed';
      let failedHere = 0;
      for (const test of tests) {
        if (test.status === 'passed') passed++;
        else if (test.status === 'failed' || fileFailed) failedHere++;
        else skipped++;
      }
      if (fileFailed && !tests.some((t) => t.status === 'failed')) {
        const why =
          failedHere > 0
            ? 'its tests did not run (a beforeAll/beforeEach hook threw): counted as failed'
            : tests.length === 0
              ? 'failed to load'
              : 'failed in a hook after its tests passed';
        failedHere = Math.max(failedHere, 1);
        problems.push(`${name(file.name)} ${why}${file.message ? `: ${firstLine(file.message)}` : ''}`);
      }
      failed += failedHere;
    }
    if (failed === 0 && (vitestStatus !== 0 || report.success === false)) {
      failed = 1;
      problems.push(`vitest exited with status ${vitestStatus} without a failed test (an unhandled error: see its output above)`);
    }
  }
  const exitCode = failed > 0 ? vitestStatus || 1 : 0;
  return { passed, failed, skipped, problems, line: `${passed} passed, ${failed} failed, ${skipped} skipped`, exitCode };
}

/** Reads and summarizes the report file; a missing or unparsable file is a failure. */
export function summarizeFile(path, vitestStatus) {
  let report = null;
  try {
    report = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    report = null;
  }
  return summarize(report, vitestStatus);
}

const name = (path) => relative(process.cwd(), path) || path;
const firstLine = (text) => String(text).split('\n')[0];
