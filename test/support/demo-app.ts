// The demo app (examples/demo) as its end-to-end suites start it: on a temporary SQLite file, with a clock
// the test moves, a fresh encryption key, its audit lines collected, and one headless Chromium page.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Demo } from '../../examples/demo/server.mjs';
import { launchChromium } from './browser.js';
import { buildIfMissing } from './pack.js';

/** A running demo and the browser page that drives it. */
export interface DemoInChromium {
  /** The demo's module (DEMO_USER, ISSUER, start), loaded from the built package. */
  server: typeof import('../../examples/demo/server.mjs');
  demo: Demo;
  page: Page;
  /** The demo's SQLite file. */
  dbFile: string;
  /** Every line the demo logged, in order. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * Builds dist/ if missing (the demo imports the package by name), starts the demo on a fresh SQLite file in
 * a temporary folder named after `name`, and opens Chromium; `artifacts`, when given, is emptied for
 * screenshots.
 */
export async function startDemoInChromium(name: string, now: () => number, artifacts?: string): Promise<DemoInChromium> {
  buildIfMissing();
  const server = await import('../../examples/demo/server.mjs');
  const workDir = mkdtempSync(join(tmpdir(), `${name}-e2e-`));
  const dbFile = join(workDir, 'demo.db');
  if (artifacts) {
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
  }
  const logs: string[] = [];
  const demo = await server.start({ port: 0, dbFile, now, encryptionKey: crypto.getRandomValues(new Uint8Array(32)), log: (line) => logs.push(line) });
  const browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const close = async (): Promise<void> => {
    await browser.close();
    await demo.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  return { server, demo, page, dbFile, logs, close };
}
