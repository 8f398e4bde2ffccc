// The closing line of `npm test` (scripts/test-report.mjs) on real vitest reports: each case is a small
// fixture test file run by vitest in a throwaway directory. The finding this guards: a suite that failed
// to load, or whose beforeAll threw, used to end in "0 failed" (its tests are listed as skipped).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { summarize } from '../../scripts/test-report.mjs';
import { fixtureProject, vitestReport } from './helpers.js';

const head = "import { afterAll, beforeAll, describe, expect, test } from 'vitest';\n";
const CASES = {
  allPass: "test('a', () => expect(1).toBe(1));\ntest('b', () => expect(2).toBe(2));\n",
  failingTest: "test('passes', () => expect(1).toBe(1));\ntest('fails', () => expect(1).toBe(2));\n",
  failsToLoad: "import './no-such-module.js';\ntest('never runs', () => expect(1).toBe(1));\n",
  beforeAllThrows:
    "describe('suite', () => {\n  beforeAll(() => { throw new Error('set-up broke'); });\n" +
    "  test('one', () => expect(1).toBe(1));\n  test('two', () => expect(1).toBe(1));\n});\n",
  afterAllThrows: "afterAll(() => { throw new Error('tear-down broke'); });\ntest('passes', () => expect(1).toBe(1));\n",
  unhandledError:
    "test('throws later', () => { setTimeout(() => { throw new Error('late'); }, 1); });\n" +
    "test('waits', () => new Promise((resolve) => setTimeout(resolve, 100)));\n",
} as const;

type Summary = { passed: number; failed: number; skipped: number; problems: string[]; line: string; exitCode: number };
const runs = {} as Record<keyof typeof CASES, { report: any; status: number; summary: Summary }>;
const dirs: string[] = [];

beforeAll(async () => {
  await Promise.all(
    Object.entries(CASES).map(async ([name, body]) => {
      const dir = fixtureProject({ [`test/${name}.test.ts`]: head + body });
      dirs.push(dir);
      const { report, status } = await vitestReport(dir);
      runs[name as keyof typeof CASES] = { report, status, summary: summarize(report, status) as Summary };
    }),
  );
});
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('the closing line on real vitest reports', () => {
  test('all pass: 0 failed, exit status 0', () => {
    expect(runs.allPass.status).toBe(0);
    expect(runs.allPass.summary).toMatchObject({ line: '2 passed, 0 failed, 0 skipped', exitCode: 0, problems: [] });
  });

  test('a failing test: 1 failed, non-zero exit status', () => {
    expect(runs.failingTest.summary).toMatchObject({ line: '1 passed, 1 failed, 0 skipped', exitCode: 1 });
  });

  test('a suite that fails to load: 1 failed, with the reason', () => {
    const { report, summary } = runs.failsToLoad;
    expect(report.numFailedTests).toBe(0); // vitest's own count says nothing failed
    expect(summary).toMatchObject({ line: '0 passed, 1 failed, 0 skipped', exitCode: 1 });
    expect(summary.problems).toEqual([expect.stringMatching(/failsToLoad\.test\.ts failed to load: .*no-such-module/)]);
  });

  test('beforeAll throws: its tests count as failed, not skipped', () => {
    const { report, summary } = runs.beforeAllThrows;
    expect([report.numFailedTests, report.numPendingTests]).toEqual([0, 2]); // what vitest reports
    expect(summary).toMatchObject({ line: '0 passed, 2 failed, 0 skipped', exitCode: 1 });
    expect(summary.problems).toEqual([expect.stringMatching(/beforeAllThrows\.test\.ts its tests did not run/)]);
  });

  test('afterAll throws after the tests passed: the suite counts as 1 failed', () => {
    expect(runs.afterAllThrows.summary).toMatchObject({ line: '1 passed, 1 failed, 0 skipped', exitCode: 1 });
    expect(runs.afterAllThrows.summary.problems).toEqual([expect.stringMatching(/tear-down broke/)]);
  });

  test('an unhandled error (not in the JSON report, only in the exit status): 1 failed', () => {
    const { report, status, summary } = runs.unhandledError;
    expect([report.success, report.numFailedTests, status]).toEqual([true, 0, 1]);
    expect(summary).toMatchObject({ line: '2 passed, 1 failed, 0 skipped', exitCode: 1 });
  });

  test('no report at all: 1 failed, and the exit status stays non-zero', () => {
    expect(summarize(null, 0)).toMatchObject({ line: '0 passed, 1 failed, 0 skipped', exitCode: 1 });
    expect(summarize(null, 130)).toMatchObject({ exitCode: 130 });
  });

  test('the line says 0 failed exactly when vitest succeeded, and the exit status follows the line', () => {
    for (const { status, summary } of Object.values(runs)) {
      expect(summary.failed === 0).toBe(status === 0);
      expect(summary.exitCode !== 0).toBe(summary.failed > 0);
      expect(summary.line).toBe(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
    }
  });
});
