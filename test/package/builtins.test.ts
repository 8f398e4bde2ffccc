// The core, `/qr` and `/server` run where there is no Node: each is bundled for a browser with every Node
// built-in forbidden (the build must succeed), and the bundle text holds no Buffer, process. or require().
// Both the built dist/ ESM (through the package's exports map, as a frontend resolves it) and src/.
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, nodeOnlyReferences } from '../support/browser-bundle.js';
import { buildIfMissing } from '../support/pack.js';

beforeAll(buildIfMissing);

// entry → [package specifier, src file, a name the entry exports, the dist file it must come from]
const ENTRIES = [
  ['.', '@inworkjobs/two-factor', './src/index.ts', 'generateTotp', 'dist/index.js'],
  ['./qr', '@inworkjobs/two-factor/qr', './src/qr.ts', 'renderQrSvg', 'dist/qr.js'],
  ['./server', '@inworkjobs/two-factor/server', './src/server/index.ts', 'createTwoFactor', 'dist/server.js'],
] as const;

describe.each(ENTRIES)('entry %s bundles for a browser with Node built-ins forbidden', (_entry, specifier, srcFile, exported, distFile) => {
  it(`from dist (${specifier})`, async () => {
    const { code, inputs } = await bundleForBrowser(`export * from '${specifier}';`);
    expect(inputs).toContain(distFile);
    expect(inputs.some((file) => file.startsWith('src/'))).toBe(false);
    expect(code).toContain(exported);
    expect(nodeOnlyReferences(code)).toEqual([]);
  });

  it(`from src (${srcFile})`, async () => {
    const { code, inputs } = await bundleForBrowser(`export * from '${srcFile}';`);
    expect(inputs).toContain(srcFile.slice(2));
    expect(code).toContain(exported);
    expect(nodeOnlyReferences(code)).toEqual([]);
  });

  it('minified, too (the minifier introduces no Node globals)', async () => {
    const { code } = await bundleForBrowser(`export * from '${specifier}';`, { minify: true });
    expect(nodeOnlyReferences(code)).toEqual([]);
  });
});

describe('the check can fail', () => {
  it.each([
    [`import { createHash } from 'node:crypto'; export const h = createHash('sha1');`, 'node:crypto'],
    [`import { readFileSync } from 'fs'; export const r = readFileSync;`, 'fs'],
    [`export { writeFile } from 'fs/promises';`, 'fs/promises'],
    // esbuild alone leaves a require() inside try/catch for run time (no error, no warning): the plugin does not.
    [`export function save() { try { return require('fs'); } catch { return null; } }`, 'fs'],
  ])('rejects %s', async (source, builtin) => {
    await expect(bundleForBrowser(source)).rejects.toThrow(`Node built-in "${builtin}"`);
  });

  it('the scan flags Buffer, process and require( and passes look-alikes', () => {
    const flagged = nodeOnlyReferences(`Buffer.from(x); if (globalThis.process.env.X) y(); const m = require ("m");`);
    expect(flagged.map((f) => f.split(' ')[0])).toEqual(['Buffer', 'process', 'require(']);
    expect(nodeOnlyReferences(`a.Buffer; "process.env, Buffer"; // Buffer\n__require(1); o.require(2); ({ process: 1 }); ArrayBuffer.isView(v)`)).toEqual([]);
  });
});
