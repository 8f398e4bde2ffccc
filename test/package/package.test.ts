// The built package as users get it: the core bundle is free of Node built-ins, the packed tarball
// installs into a fresh project and works from require() and import(), and publint/attw are clean.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase32 } from '../../src/base32.js';
import { parseOtpauthUri } from '../../src/uri/parse.js';
import { isNodeBuiltin, moduleSpecifiers, nodeOnlyReferences } from '../support/browser-bundle.js';
import { buildIfMissing, installFresh, packTarball, root, run } from '../support/pack.js';

const dist = join(root, 'dist');
const NAME = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name;
const rfc6238 = JSON.parse(readFileSync(join(root, 'vectors/rfc6238.json'), 'utf8')) as {
  secrets: Record<string, { base32: string }>;
  vectors: { time: number; algorithm: string; totp: string }[];
};
const EXPECTED = rfc6238.vectors.map((v) => v.totp);

let work = '';
let tarball = '';

beforeAll(() => {
  buildIfMissing();
  work = mkdtempSync(join(tmpdir(), 'two-factor-pack-'));
  tarball = packTarball(work);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/**
 * What a bundle loads and which Node globals it uses. `require(…)` itself is how a CommonJS bundle loads
 * its chunks and dependencies, so here it counts by what it loads (in `specifiers`), not as a global.
 */
function scanBundle(code: string): { specifiers: string[]; nodeGlobals: string[] } {
  return { specifiers: moduleSpecifiers(code), nodeGlobals: nodeOnlyReferences(code).filter((use) => !use.startsWith('require(')) };
}

/** The entry file plus every relative chunk it pulls in. */
function bundleFiles(entry: string): string[] {
  const seen = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of moduleSpecifiers(readFileSync(file, 'utf8'))) if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
  };
  walk(entry);
  return [...seen];
}

describe('the built core has no Node built-ins', () => {
  it.each(['index.js', 'index.cjs'])('dist/%s: no node: import, no built-in require, no Buffer, no process', (name) => {
    const files = bundleFiles(join(dist, name));
    const problems: string[] = [];
    for (const file of files) {
      const { specifiers, nodeGlobals } = scanBundle(readFileSync(file, 'utf8'));
      for (const spec of specifiers) if (isNodeBuiltin(spec) || spec === '<computed>') problems.push(`${file}: imports ${spec}`);
      for (const use of nodeGlobals) problems.push(`${file}: uses ${use}`);
    }
    expect(problems).toEqual([]);
    // The scan itself sees what it must: the bundle does import its runtime dependency.
    expect(files.flatMap((f) => moduleSpecifiers(readFileSync(f, 'utf8')))).toContain('@noble/hashes/scrypt.js'); // backup codes' KDF
  });

  it('the scanner flags what it is meant to flag', () => {
    const probe = `import fs from 'node:fs'; const c = require("crypto"); Buffer.from('x'); globalThis.process; x.process; ({ process: 1 }); "Buffer";`;
    const { specifiers, nodeGlobals } = scanBundle(probe);
    expect(specifiers.filter(isNodeBuiltin)).toEqual(['node:fs', 'crypto']);
    expect(nodeGlobals.map((g) => g.split(' ')[0])).toEqual(['Buffer', 'process']);
  });
});

describe('the packed tarball', () => {
  it('installs into a fresh project with a cold npm cache; require() and import() both print the RFC 6238 codes', () => {
    const app = join(work, 'app');
    // Dependencies come from the registry through a cache of this install's own (as on a fresh machine).
    installFresh(app, [tarball], { name: 'smoke-app' });
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

  it('installs as a user installs it (scripts allowed) without a warning naming this package', () => {
    // npm 11 warns about every install script of a dependency "not yet covered by allowScripts":
    // a `prepare`, `preinstall`, `install` or `postinstall` in the shipped package.json would be named.
    const output = installFresh(join(work, 'plain-app'), [tarball], { name: 'plain-app' }, ['--loglevel=warn']);
    expect(output).toMatch(/added \d+ packages?/);
    expect(output.split('\n').filter((line) => line.includes(NAME))).toEqual([]);
    const shipped = JSON.parse(readFileSync(join(work, 'plain-app/node_modules', NAME, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    expect(Object.keys(shipped.scripts ?? {}).filter((s) => /^(pre|post)?(install|prepare)$/.test(s))).toEqual([]);
  });

  it('publint reports nothing and attw finds no problems (same tarball)', () => {
    // A non-zero exit throws here, with the tool's output in the error.
    const publint = run('npx', ['publint', 'run', tarball, '--strict']);
    expect(publint).toMatch(/All good/);
    // All four resolutions: node10 (via typesVersions), node16 from CJS and from ESM, and bundler.
    // run() throws on attw's non-zero exit, i.e. on any problem.
    const attw = run('npx', ['attw', tarball, '--format', 'ascii', '--no-emoji']);
    expect(attw).toMatch(/No problems found/);
    const verdicts = attw.split('\n').filter((line) => /^(node10|node16 \(from (CJS|ESM)\)|bundler):/.test(line));
    expect(verdicts.length).toBe(4 * Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports).length); // every subpath, ./package.json too
    expect(verdicts.every((line) => / OK\b/.test(line))).toBe(true);
  });
});

describe('examples/quickstart.mjs (`npm run example`), on the built dist/', () => {
  it('prints a secret, its setup key, a URI holding them, and a code that verifies once', () => {
    const out = run(process.execPath, ['examples/quickstart.mjs']);
    const line = (label: string) => out.split('\n').find((l) => l.startsWith(`${label}:`))?.slice(label.length + 1).trim() ?? '';
    const base32 = line('secret (base32)');
    expect(base32).toMatch(/^[A-Z2-7]{32}$/);
    expect(line('setup key')).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}\b/);
    expect(line('setup key').replace(/ \(.*$/, '').replace(/ /g, '')).toBe(base32);
    expect(parseOtpauthUri(line('otpauth URI'))).toEqual({
      type: 'totp',
      secret: decodeBase32(base32),
      accountName: 'alice@example.com',
      issuer: 'InworkJobs',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    });
    expect(line('current code')).toMatch(/^\d{6} {2}\(valid for \d+ s more\)$/);
    expect(JSON.parse(line('verifyTotp'))).toMatchObject({ valid: true });
    expect(JSON.parse(line('replayed'))).toEqual({ valid: false });
  });
});
