// The two static files: the browser script (client.mjs bundled with the library's `/qr` entry) and the style.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { send, sendAsset } from './respond.mjs';

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles client.mjs with the library's `/qr` entry into one ES module for the browser, once per start.
 * esbuild is a dev dependency of this repository (an application would use its own bundler).
 */
export async function bundleClient() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(demoDir, 'client.mjs')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The assets of one app; `serve` answers a GET for one of them and says whether it did. */
export function createAssets(clientScript) {
  const style = readFileSync(join(demoDir, 'style.css'), 'utf8');
  return {
    serve(res, path) {
      if (path === '/assets/app.js') sendAsset(res, 'text/javascript; charset=utf-8', clientScript);
      else if (path === '/assets/style.css') sendAsset(res, 'text/css; charset=utf-8', style);
      else if (path === '/favicon.ico') send(res, 204, '');
      else return false;
      return true;
    },
  };
}
