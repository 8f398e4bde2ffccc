// The README's runnable blocks, as users copy them: the quick start and the encryption-key recipe run
// against the built package (dist/, through the package's own name and its exports map), with the
// app's functions (showQrCode, askForCode, …) played by a user with an authenticator app. Their stated
// results are checked, and so are the README's rules: no issue numbers, no file outside the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfMissing, root, run } from './support/pack.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
// Inside the checkout, so `@inworkjobs/two-factor/…` resolves to dist/ as it does for users.
const scratch = join(root, '.tmp', `readme-${process.pid}`);

/** The first ```js block after `heading`. */
function block(heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README has no heading ${heading}`);
  const match = /\n```js\n([\s\S]*?)\n```\n/.exec(readme.slice(at));
  if (!match) throw new Error(`no js block under ${heading}`);
  return match[1]!;
}

/** Runs `code` as an ES module in the checkout with `env`; returns the JSON its last line prints. */
function runModule(name: string, code: string, env: Record<string, string> = {}): unknown {
  const file = join(scratch, `${name}.mjs`);
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const key = () => run(process.execPath, [join(root, 'dist/cli.js'), 'key']).trim();

beforeAll(() => {
  buildIfMissing();
  mkdirSync(scratch, { recursive: true });
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README', () => {
  it('the quick start runs as written: enrol, confirm, sign in through a challenge with a code, then with a backup code', () => {
    // A user with an authenticator app: types the setup key in, answers with the code of now, then of
    // the next step (each code works once), then with the first backup code.
    const user = `
import { generateTotp } from '@inworkjobs/two-factor';
let secret = '';
let codes = [];
const log = [];
const showQrCode = (svg, setupKey) => { if (!svg.startsWith('<svg')) throw new Error('not an SVG'); secret = setupKey.replace(/ /g, ''); };
const showBackupCodes = (backupCodes) => { codes = backupCodes; };
const answers = [() => generateTotp(secret), () => generateTotp(secret, { now: Date.now() + 30_000 }), () => codes[0]];
const askForCode = async () => answers.shift()();
const startSession = (userId) => log.push('session ' + userId);
const showError = (message) => log.push(message);
`;
    const report = `\nconsole.log(JSON.stringify({ confirmed: confirmed.ok, codes: codes.length, signIn, withBackup, log }));\n`;
    const out = runModule('quick-start', user + block('## Quick start') + report) as Record<string, unknown>;
    expect(out).toMatchObject({
      confirmed: true,
      codes: 10,
      signIn: { ok: true, method: 'totp', backupCodesRemaining: 10 },
      withBackup: { ok: true, method: 'backup-code', backupCodesRemaining: 9 },
      log: ['session user-42'],
    });
  });

  it('the encryption-key recipe loads keys made by `two-factor key` from the environment, and rotation re-seals on the next write', () => {
    const [old, next] = [key(), key()];
    const check = `
import { generateTotp } from '@inworkjobs/two-factor';
const store = new MemoryStore();
const before = createTwoFactor({ store, issuer: 'Acme', encryption: encryptionFromEnv() });
const { secret } = await before.beginEnrollment('u1', { accountName: 'u1@example.com' });
const confirmed = await before.confirmEnrollment('u1', generateTotp(secret));
const kids = async () => JSON.stringify((await store.get('u1')).record).match(/"kid":"[^"]+"/g);
const sealedUnder = await kids();
// Step 2 of the rotation: the new key becomes current.
const after = createTwoFactor({ store, issuer: 'Acme', encryption: encryptionFromEnv({ ...process.env, TWO_FACTOR_KEY_ID: 'k2027' }) });
const status = await after.status('u1');
const afterRead = await kids();
const signIn = await after.verify('u1', generateTotp(secret, { now: Date.now() + 30_000 }));
const afterWrite = await kids();
// Step 3 too early: a service without the old key cannot open a record still under it.
const store2 = new MemoryStore();
const oldOnly = createTwoFactor({ store: store2, issuer: 'Acme', encryption: encryptionFromEnv() });
const second = await oldOnly.beginEnrollment('u2', { accountName: 'u2@example.com' });
await oldOnly.confirmEnrollment('u2', generateTotp(second.secret));
const newOnly = createTwoFactor({ store: store2, issuer: 'Acme', encryption: { keys: { k2027: encryptionFromEnv().keys.k2027 }, current: 'k2027' } });
const missing = await newOnly.verify('u2', generateTotp(second.secret, { now: Date.now() + 30_000 })).catch((e) => e.code + ' ' + e.message);
let badKey = null;
try { createTwoFactor({ store, issuer: 'Acme', encryption: encryptionFromEnv({ TWO_FACTOR_KEYS: 'k1:short', TWO_FACTOR_KEY_ID: 'k1' }) }); } catch (e) { badKey = e.code + ' ' + e.message; }
console.log(JSON.stringify({ confirmed: confirmed.ok, sealedUnder, status: status.state, afterRead, signIn: signIn.ok, afterWrite, missing, badKey, secretStored: JSON.stringify((await store.get('u1')).record).includes(secret) }));
`;
    const env = { TWO_FACTOR_KEYS: `k2026:${old},k2027:${next}`, TWO_FACTOR_KEY_ID: 'k2026' };
    const out = runModule('keys', block('### Encryption keys') + check, env) as Record<string, unknown>;
    expect(out).toMatchObject({
      confirmed: true,
      sealedUnder: ['"kid":"k2026"'],
      status: 'enabled',
      afterRead: ['"kid":"k2026"'], // reading alone writes nothing
      signIn: true,
      afterWrite: ['"kid":"k2027"'], // the next write re-sealed it under the new key
      secretStored: false,
    });
    expect(out.missing).toMatch(/^DECRYPTION_FAILED .*"k2026"/);
    expect(out.badKey).toMatch(/^INVALID_OPTION "encryption\.keys\.k1"/);
    expect(out.badKey).not.toContain('short');
  });

  it('names no issue number and no file outside the repository; every relative link resolves', () => {
    for (const file of ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', 'docs/security.md', 'docs/details.md', 'docs/design.md', 'docs/performance.md', 'docs/hmac-on-noble.md', 'docs/architecture.md', 'docs/sign-in.md', 'docs/stores.md', 'docs/core.md', 'docs/migrating.md']) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text, file).not.toMatch(/\bissues? #?\d+|#\d{1,3}\b(?![\d.])/i);
      expect(text, file).not.toMatch(/shared\/|API\.md|\.\.\//);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        expect(existsSync(join(root, file, '..', target!)), `${file} → ${target}`).toBe(true);
      }
    }
  });
});
