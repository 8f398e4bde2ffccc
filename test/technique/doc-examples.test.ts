// Every ```ts example in the TSDoc of the core and /qr (src/ outside server/, stores/, testing/, cli/) runs against the library, and every line
// `expr; // result` (or `const x = expr; // result`, or a statement followed by `// result` lines) has its
// result checked. STYLE.md §9: "a short example that a test actually runs" — an example that drifts fails.
// The examples of src/server/, src/stores/ and src/testing/ run in test/technique/doc-examples-server.test.ts; the
// checker both use is test/support/doc-examples.ts.
//
// A result is a JavaScript literal (string, number, bigint, boolean, null, undefined, object or array),
// with three conventions that read naturally in documentation:
//   - `…` inside a quoted string matches any run of characters: '$2fa-bc$v=1$…';
//   - `Uint8Array(n)` is any Uint8Array of n bytes (random or beside the point);
//   - `Uint8Array of 'text'` is the UTF-8 bytes of text;
//   - a trailing parenthetical note after the value is ignored: '755224' (RFC 4226 Appendix D).
// A commented line whose comment is not such a result (prose, random output) must be listed in
// UNCHECKED with the reason, so a new unchecked example fails here until someone decides about it.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractExamples, plan, run as runIn, type Plan } from '../support/doc-examples.js';
import * as core from '../../src/index.js';
import * as qr from '../../src/qr.js';

const SRC = new URL('../../src/', import.meta.url);
// The core and /qr: every file of src/ outside the server, stores, test kit and CLI folders.
const FILES = (readdirSync(SRC, { recursive: true }) as string[])
  .map((f) => f.split('\\').join('/'))
  .filter((f) => f.endsWith('.ts') && !/^(server|stores|testing|cli)\//.test(f))
  .sort();
const LIBRARY: Record<string, unknown> = { ...core, ...qr };

/** Commented example lines that are deliberately not checked, by `file#symbol: line`, with the reason. */
const UNCHECKED: Record<string, string> = {
  "backup-codes/codes.ts#generateBackupCodes: const codes = generateBackupCodes();  // 10 random codes like 'k7m2p-9xq4t': show them once":
    'random output; the next line checks the count, test/backup-codes/codes.test.ts the format',
};

/** Free names an example uses for things of the host application, per example. */
const PLACEHOLDERS: Record<string, Record<string, unknown>> = {
  // `img` is a DOM <img> element, `uri` an otpauth URI.
  'qr.ts#qrSvgDataUri': { img: {}, uri: 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME' },
};

const examples = FILES.flatMap((file) => extractExamples(file, readFileSync(new URL(file, SRC), 'utf8')));
const plans = examples.map(plan);
const run = (p: Plan): Promise<void> => runIn(p, { ...LIBRARY, ...PLACEHOLDERS[p.example.id] });

describe('TSDoc examples', () => {
  it('every exported function and class of the core and /qr has an example', () => {
    const documented = new Set(examples.map((e) => e.symbol));
    const callable = Object.entries(LIBRARY).filter(([, v]) => typeof v === 'function').map(([k]) => k);
    expect(callable.length).toBeGreaterThan(20);
    expect(callable.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('the unchecked example lines are exactly the ones listed, each with a reason', () => {
    expect(plans.flatMap((p) => p.unchecked).sort()).toEqual(Object.keys(UNCHECKED).sort());
    for (const reason of Object.values(UNCHECKED)) expect(reason.length).toBeGreaterThan(10);
    expect(Object.keys(PLACEHOLDERS).every((id) => examples.some((e) => e.id === id))).toBe(true);
  });

  it('checks a result in nearly every example', () => {
    expect(plans.reduce((n, p) => n + p.checks.length, 0)).toBeGreaterThanOrEqual(25);
    // Only one /qr example states no checkable result: an assignment to a DOM element.
    expect(plans.filter((p) => p.checks.length === 0).map((p) => p.example.id)).toEqual(['qr.ts#qrSvgDataUri']);
  });

  it.each(plans.map((p) => ({ id: p.example.id, plan: p })))('$id', async ({ plan: p }) => {
    await run(p);
  });
});

describe('the checker itself', () => {
  const example = (lines: string[]): Plan => plan({ id: 'x.ts#f', file: 'x.ts', symbol: 'f', lines });

  it('fails on a wrong stated result, in each of the three line forms', async () => {
    for (const lines of [
      ["generateHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0); // '755225'"],
      ["const code = generateHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0); // '755225'"],
      ["verifyHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '287082', 0, { lookAhead: 2 });", '// { valid: true, counter: 1n,', '//   delta: 2 }'],
      ["decodeBase32('jbsw y3dp ee======'); // Uint8Array of 'Hello?'"],
      ["generateSecret(); // Uint8Array(16)"],
      ["generateHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1); // '755224' (RFC 4226 Appendix D)"],
      ["await hashBackupCodes(['k7m2p-9xq4t'], { cost: { N: 1024, r: 8, p: 1 } }); // '$2fa-bc$v=1$scrypt$N=16384…'"],
    ]) {
      const p = example(lines);
      expect(p.checks).toHaveLength(1);
      await expect(run(p), lines.join('\n')).rejects.toThrow();
    }
  });

  it('passes the same lines with the right results', async () => {
    for (const lines of [
      ["generateHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0); // '755224'"],
      ["const code = generateHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 0); // '755224'"],
      ["verifyHotp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '287082', 0, { lookAhead: 2 });", '// { valid: true, counter: 1n,', '//   delta: 1 }'],
      ["decodeBase32('jbsw y3dp ee======'); // Uint8Array of 'Hello!'"],
      ["generateSecret(); // Uint8Array(20)"],
      ["await hashBackupCodes(['k7m2p-9xq4t'], { cost: { N: 1024, r: 8, p: 1 } }); // '$2fa-bc$v=1$scrypt$N=1024,…$0:…'"],
    ]) {
      const p = example(lines);
      expect(p.checks).toHaveLength(1);
      await run(p);
    }
  });

  it('fails when a checked line never runs, and lists prose as unchecked', async () => {
    await expect(run(example(['try { } catch (e) {', "  e.code; // 'INVALID_SECRET'", '}']))).rejects.toThrow(/never ran/);
    expect(example(['generateSecret(); // 20 random bytes', 'const k = generateSecret(); // a fresh key']).unchecked).toEqual([
      'x.ts#f: generateSecret(); // 20 random bytes',
      'x.ts#f: const k = generateSecret(); // a fresh key',
    ]);
  });
});
