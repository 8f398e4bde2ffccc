// scripts/glue-count.mjs: both example apps stay within 40 lines of 2FA glue by the rule in the script's header,
// and the rule cannot be dodged by moving a 2FA call into a file that is not otherwise glue (the views, the users
// table), by wrapping it, by renaming its result, or by joining statements onto one line.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { countGlue, GLUE_LIMIT } from '../../scripts/glue-count.mjs';

type Counted = { count: number; lines: { file: string; line: number; text: string; weight: number }[] };
const count = countGlue as (folder: string) => Counted;
const ROOT = new URL('../../', import.meta.url);
const APPS = ['express', 'hono'] as const;
const folder = (app: string) => new URL(`examples/${app}`, ROOT).pathname;
const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of an example app to plant code in. */
function copyOf(app: string): string {
  const dir = mkdtempSync(join(tmpdir(), `glue-${app}-`));
  copies.push(dir);
  cpSync(folder(app), dir, { recursive: true, filter: (src) => !src.includes('/.data') });
  return dir;
}

describe('glue-count', () => {
  it.each(APPS)('counts at most 40 lines of 2FA glue in examples/%s, every service call among them', (app) => {
    const { count: n, lines } = count(folder(app));
    expect(GLUE_LIMIT).toBe(40);
    expect(n).toBeLessThanOrEqual(GLUE_LIMIT);
    const counted = new Set(lines.map((l) => `${l.file}:${l.line}`));
    for (const file of ['app.mjs', 'server.mjs']) {
      readFileSync(join(folder(app), file), 'utf8').split('\n').forEach((text, i) => {
        if (/twoFactor\.\w+\(|createTwoFactor\(|describeFailure\(|isRecent\(/.test(text) && !/^\s*(\/\/|\*)/.test(text)) {
          expect(counted, `${file}:${i + 1} ${text.trim()}`).toContain(`${file}:${i + 1}`);
        }
      });
    }
  });

  it('prints a line per app', () => {
    const out = execFileSync(process.execPath, [new URL('scripts/glue-count.mjs', ROOT).pathname], { encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^${APPS[i]}: \\d+ glue lines \\(limit 40\\)$`)));
    for (const app of APPS) expect(out).toContain(`${app}: ${count(folder(app)).count} glue lines`);
  });

  it.each(APPS)('catches a 2FA call planted in the views of %s, and every line handling its result', (app) => {
    const dir = copyOf(app);
    const before = count(dir).count;
    appendFileSync(
      join(dir, 'views.mjs'),
      ['', 'export async function planted(service, id, code) {', '  const outcome = await service.verify(id, code);', '  const renamed = outcome;',
        '  if (renamed.reason === "throttled") return "wait";', '  return "ok";', '}', ''].join('\n'),
    );
    const after = count(dir);
    expect(after.count - before).toBe(3);
    expect(after.lines.filter((l) => l.file === 'views.mjs').map((l) => l.text)).toEqual([
      'const outcome = await service.verify(id, code);',
      'const renamed = outcome;',
      'if (renamed.reason === "throttled") return "wait";',
    ]);
  });

  it.each(APPS)('catches a wrapper in the users table of %s and its callers in the app', (app) => {
    const dir = copyOf(app);
    const before = count(dir).count;
    appendFileSync(join(dir, 'users.mjs'), '\nexport const offCheck = (service, id, code) => service.disable(id, code);\n');
    const appFile = join(dir, 'app.mjs');
    const source = readFileSync(appFile, 'utf8');
    const marker = "app.get('/', ";
    expect(source).toContain(marker);
    writeFileSync(appFile, source.replace(marker, `app.get('/planted', async () => {\n    const x = await offCheck(twoFactor, 'u', 'c');\n    return x;\n  });\n  ${marker}`));
    const after = count(dir);
    // The wrapper, its call, and the line handing its result on.
    expect(after.count - before).toBe(3);
  });

  it('weighs a crammed line by its length, not as one line', () => {
    const dir = copyOf('express');
    const before = count(dir).count;
    const call = "await twoFactor.verify('u', 'c');";
    appendFileSync(join(dir, 'views.mjs'), `\nexport const crammed = async (twoFactor) => { ${Array(10).fill(call).join(' ')} };\n`);
    const after = count(dir).count;
    expect(after - before).toBe(Math.ceil((`export const crammed = async (twoFactor) => { ${Array(10).fill(call).join(' ')} };`).length / 120));
    expect(after - before).toBeGreaterThan(2);
  });

  it('counts the options of a multi-line createTwoFactor({ … }), and never comments or blank lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glue-mini-'));
    copies.push(dir);
    writeFileSync(
      join(dir, 'server.mjs'),
      [
        "import { createTwoFactor } from '@inworkjobs/two-factor/server';",
        '// a comment about twoFactor.verify(',
        '/* twoFactor.disable( in a block comment */',
        '',
        'const service = createTwoFactor({',
        '  store,',
        "  issuer: 'X',",
        '});',
        "const label = 'twoFactor.verify( in a string';",
        'export default service;',
      ].join('\n'),
    );
    expect(count(dir).lines.map((l) => l.line)).toEqual([1, 5, 6, 7, 8, 10]);
  });
});
