// The API reference (`npm run docs`: TypeDoc over the TSDoc of the package's public entries) builds
// without a warning, so it cannot rot: an undocumented export, a {@link} that resolves to nothing, or a
// public type that points at an unexported one fails this test. TypeDoc runs with the repository's
// typedoc.json (treatWarningsAsErrors and the validation options) into a temporary folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import tsupConfig from '../../tsup.config.js';
import { root } from '../support/pack.js';

const TYPEDOC = join(root, 'node_modules/typedoc/bin/typedoc');
const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
  entryPoints: string[];
  out: string;
  treatWarningsAsErrors: boolean;
  validation: Record<string, boolean>;
};
const work = mkdtempSync(join(tmpdir(), 'two-factor-typedoc-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function typedoc(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TYPEDOC, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') };
}

describe('the API reference', () => {
  it('documents exactly the entries the package builds (the library entries of tsup.config.ts)', () => {
    const library = (tsupConfig as { entry: Record<string, string> }[]).find((c) => 'index' in c.entry)!;
    expect([...config.entryPoints].sort()).toEqual(Object.values(library.entry).sort());
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.validation).toMatchObject({ notExported: true, invalidLink: true, notDocumented: true });
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain(`${config.out}/`);
  });

  it('builds with no warning, a page for every entry', () => {
    const out = join(work, 'api');
    const r = typedoc(['--options', join(root, 'typedoc.json'), '--out', out]);
    expect(r.output).not.toMatch(/\[warning\]|\[error\]/);
    expect(r.status).toBe(0);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    for (const entry of ['index', 'qr', 'server', 'testing', 'stores_sqlite', 'stores_postgres', 'stores_redis']) expect(existsSync(join(out, 'modules', `${entry}.html`)), entry).toBe(true);
    expect(readFileSync(join(out, 'functions', 'server.createTwoFactor.html'), 'utf8')).toContain('beginEnrollment');
  }, 180_000);

  it('the check can fail: an undocumented export and a broken {@link} are reported and the run fails', () => {
    const fixture = join(work, 'fixture');
    mkdirSync(fixture);
    writeFileSync(join(fixture, 'entry.ts'), '/** Documented, with a link to {@link nowhere}. */\nexport const linked = 1;\nexport function undocumented(): void {}\n');
    writeFileSync(join(fixture, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: [] }, files: ['entry.ts'] }));
    // The repository's options, with this fixture as the project.
    writeFileSync(join(fixture, 'typedoc.json'), JSON.stringify({ extends: [join(root, 'typedoc.json')], entryPoints: ['entry.ts'], tsconfig: 'tsconfig.json', out: 'out' }));
    const r = typedoc(['--options', join(fixture, 'typedoc.json')]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/undocumented.*does not have any documentation/);
    expect(r.output).toMatch(/Failed to resolve link to "nowhere"/);
  }, 120_000);
});
