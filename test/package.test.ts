// The built package as users get it: the core bundle is free of Node built-ins, the packed tarball
// installs into a fresh project and works from require() and import(), and publint/attw are clean.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const rfc6238 = JSON.parse(readFileSync(join(root, 'vectors/rfc6238.json'), 'utf8')) as {
  secrets: Record<string, { base32: string }>;
  vectors: { time: number; algorithm: string; totp: string }[];
};
const EXPECTED = rfc6238.vectors.map((v) => v.totp);

const quiet: ExecFileSyncOptions = { cwd: root, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } };
const run = (cmd: string, args: string[], options: ExecFileSyncOptions = {}) =>
  execFileSync(cmd, args, { ...quiet, ...options }) as unknown as string;

let work = '';
let tarball = '';

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` on a fresh clone builds here.
  if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'index.cjs'))) run('npx', ['tsup']);
  work = mkdtempSync(join(tmpdir(), 'two-factor-pack-'));
  // --ignore-scripts: dist/ is built already; a `prepare` build here would only repeat it.
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work])) as { filename: string }[];
  tarball = join(work, packed[0]!.filename);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every module specifier, `require()`d name and Buffer/process reference in a bundle, from its AST. */
function scanBundle(file: string): { specifiers: string[]; nodeGlobals: string[] } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const specifiers: string[] = [];
  const nodeGlobals: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [arg] = node.arguments;
      specifiers.push(arg && ts.isStringLiteralLike(arg) ? arg.text : '<computed>');
    } else if (ts.isIdentifier(node) && (node.text === 'Buffer' || node.text === 'process')) {
      const parent = node.parent;
      // `x.process` / `{ process: … }` name a property, not the Node global; `globalThis.process` does.
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node && !(ts.isIdentifier(parent.expression) && /^(globalThis|global|self|window)$/.test(parent.expression.text))) ||
        (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isPropertyName) nodeGlobals.push(`${node.text} at ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { specifiers, nodeGlobals };
}

/** The entry file plus every relative chunk it pulls in. */
function bundleFiles(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of scanBundle(file).specifiers) if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
  };
  walk(entry);
  return [...seen];
}

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec) || builtinModules.includes(spec.split('/')[0]!);

describe('the built core has no Node built-ins', () => {
  it.each(['index.js', 'index.cjs'])('dist/%s: no node: import, no built-in require, no Buffer, no process', (name) => {
    const files = bundleFiles(join(dist, name));
    const problems: string[] = [];
    for (const file of files) {
      const { specifiers, nodeGlobals } = scanBundle(file);
      for (const spec of specifiers) if (isBuiltin(spec) || spec === '<computed>') problems.push(`${file}: imports ${spec}`);
      for (const use of nodeGlobals) problems.push(`${file}: uses ${use}`);
    }
    expect(problems).toEqual([]);
    // The scan itself sees what it must: the bundle does import its runtime dependency.
    expect(files.flatMap((f) => scanBundle(f).specifiers)).toContain('@noble/hashes/scrypt.js'); // backup codes' KDF
  });

  it('the scanner flags what it is meant to flag', () => {
    const probe = join(work, 'probe.js');
    writeFileSync(probe, `import fs from 'node:fs'; const c = require("crypto"); Buffer.from('x'); globalThis.process; x.process; ({ process: 1 }); "Buffer";`);
    const { specifiers, nodeGlobals } = scanBundle(probe);
    expect(specifiers.filter(isBuiltin)).toEqual(['node:fs', 'crypto']);
    expect(nodeGlobals.map((g) => g.split(' ')[0])).toEqual(['Buffer', 'process']);
  });
});

describe('the packed tarball', () => {
  it('installs offline into a fresh project; require() and import() both print the RFC 6238 codes', () => {
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'smoke-app', version: '1.0.0', private: true }));
    // Dependencies come from the npm cache: no network in tests.
    run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: app });
    const body = (lib: string) => `
      const secrets = ${JSON.stringify(Object.fromEntries(Object.entries(rfc6238.secrets).map(([a, s]) => [a, s.base32])))};
      const vectors = ${JSON.stringify(rfc6238.vectors.map(({ time, algorithm }) => ({ time, algorithm })))};
      const codes = vectors.map(({ time, algorithm }) =>
        ${lib}.generateTotp(secrets[algorithm], { algorithm, digits: 8, now: time * 1000 }));
      const ok = ${lib}.verifyTotp(secrets.SHA1, codes[0], { digits: 8, now: 59000 });
      let error = null;
      try { ${lib}.generateTotp('not base32!'); } catch (e) { error = { isTwoFactorError: e instanceof ${lib}.TwoFactorError, code: e.code }; }
      console.log(JSON.stringify({ codes, ok, error }));`;
    writeFileSync(join(app, 'smoke.cjs'), `const lib = require('@inworkjobs/two-factor');\n${body('lib')}\n`);
    writeFileSync(join(app, 'smoke.mjs'), `const lib = await import('@inworkjobs/two-factor');\n${body('lib')}\n`);
    for (const file of ['smoke.cjs', 'smoke.mjs']) {
      const out = JSON.parse(run(process.execPath, [file], { cwd: app }));
      expect(out, file).toEqual({ codes: EXPECTED, ok: { valid: true, step: 1, delta: 0 }, error: { isTwoFactorError: true, code: 'INVALID_SECRET' } });
    }
    // The installed copy is the tarball's, not a link back into this checkout.
    expect(existsSync(join(app, 'node_modules/@inworkjobs/two-factor/dist/index.cjs'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/@inworkjobs/two-factor/src'))).toBe(false);
  });

  it('publint reports nothing and attw finds no problems (same tarball)', () => {
    // A non-zero exit throws here, with the tool's output in the error.
    const publint = run('npx', ['publint', 'run', tarball, '--strict']);
    expect(publint).toMatch(/All good/);
    // node16 profile: engines.node is >=20.19, so node10's resolution (no exports map) is out of scope.
    // run() throws on attw's non-zero exit, i.e. on any problem in node16 (CJS and ESM) or bundler resolution.
    const attw = run('npx', ['attw', tarball, '--profile', 'node16', '--format', 'ascii', '--no-emoji']);
    const verdicts = attw.split('\n').filter((line) => /^(node16 \(from (CJS|ESM)\)|bundler):/.test(line));
    expect(verdicts.length).toBe(3 * Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports).length); // every subpath, ./package.json too
    expect(verdicts.every((line) => / OK\b/.test(line))).toBe(true);
  });
});
