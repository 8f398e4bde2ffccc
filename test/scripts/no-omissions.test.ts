// No silent omissions: no suite is skipped or made conditional, and a suite that needs a server fails when
// its URL is missing. The finding this guards: the real-PostgreSQL suites were left out, with every test
// passing, whenever TWO_FACTOR_PG_URL was unset outside CI.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT, cleanEnv, runNode } from './helpers.js';

/** Every TypeScript file under test/, as a path relative to the repository. */
function testSources(dir = join(ROOT, 'test')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testSources(path);
    return /\.[cm]?tsx?$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

// Written so that this file does not match them itself.
const OMISSIONS: [string, RegExp][] = [
  ['a skipped, focused or todo test or suite', /\b(describe|it|test|suite)\s*\.\s*(skip|skipIf|runIf|only|todo)\b/],
  ['a test skipping itself (the context skip method)', /\.skip\s*\(/],
  ['a suite depending on CI', /process\.env\.CI\b/],
  ['a suite made conditional on an environment variable', /\bif\s*\(\s*!?\s*process\.env\b/],
];

describe('no silent omissions', () => {
  test('no test file skips, focuses or conditions a suite', () => {
    const found = testSources().flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => OMISSIONS.filter(([, re]) => re.test(line)).map(([what]) => `${file}:${i + 1}: ${what}: ${line.trim()}`)),
    );
    expect(found).toEqual([]);
  });

  test('each suite that needs a server URL fails (never passes) when the URL is unset', async () => {
    const needing = testSources().filter(
      (file) => file.endsWith('.test.ts') && !file.startsWith('test/scripts/') && /TWO_FACTOR_(PG|REDIS|MYSQL)_URL/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(needing).toEqual(expect.arrayContaining(['test/stores/mysql.test.ts', 'test/stores/postgres.test.ts', 'test/stores/multiprocess.test.ts', 'test/stores/redis.test.ts']));
    const dir = mkdtempSync(join(tmpdir(), 'two-factor-unset-'));
    try {
      const out = join(dir, 'report.json');
      const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
      const exit = await runNode([vitest, 'run', '--reporter=json', `--outputFile=${out}`, ...needing], { env: cleanEnv({ TMPDIR: dir }) });
      const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: { name: string; status: string; message: string }[] };
      expect(exit.status).not.toBe(0);
      for (const file of report.testResults) {
        expect({ file: relative(ROOT, file.name), status: file.status }).toEqual({ file: relative(ROOT, file.name), status: 'failed' });
      }
      expect(report.testResults.map((f) => f.message)).toContainEqual(expect.stringMatching(/TWO_FACTOR_PG_URL is not set: `npm test` starts/));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
