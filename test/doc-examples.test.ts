// Every ```ts example in the TSDoc of src/*.ts (cli.ts aside) runs against the library, and every line
// `expr; // result` (or `const x = expr; // result`, or a statement followed by `// result` lines) has its
// result checked. STYLE.md §9: "a short example that a test actually runs" — an example that drifts fails.
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
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import * as qr from '../src/qr.js';

const SRC = new URL('../src/', import.meta.url);
const FILES = readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'cli.ts').sort();
const LIBRARY: Record<string, unknown> = { ...core, ...qr };

/** Commented example lines that are deliberately not checked, by `file#symbol: line`, with the reason. */
const UNCHECKED: Record<string, string> = {
  "backup-codes.ts#generateBackupCodes: const codes = generateBackupCodes();  // 10 random codes like 'k7m2p-9xq4t': show them once":
    'random output; the next line checks the count, test/backup-codes.test.ts the format',
};

/** Free names an example uses for things of the host application, per example. */
const PLACEHOLDERS: Record<string, Record<string, unknown>> = {
  // `img` is a DOM <img> element, `uri` an otpauth URI.
  'qr.ts#qrSvgDataUri': { img: {}, uri: 'otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME' },
};

interface Example {
  id: string; // file#symbol, or file#symbol#2 for a second block
  file: string;
  symbol: string;
  lines: string[];
}

/** The ```ts blocks of every TSDoc comment, with the declaration the comment documents. */
function extractExamples(file: string, source: string): Example[] {
  const examples: Example[] = [];
  for (const match of source.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const text = match[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    const blocks: string[][] = [];
    let block: string[] | undefined;
    for (const line of text) {
      if (block === undefined && line.trim() === '```ts') block = [];
      else if (block !== undefined && line.trim() === '```') { blocks.push(block); block = undefined; }
      else block?.push(line);
    }
    if (block !== undefined) throw new Error(`${file}: unterminated \`\`\`ts block`);
    if (blocks.length === 0) continue;
    const after = source.slice(match.index + match[0].length).trimStart();
    // TSDoc attaches to the declaration right after the comment: an example before anything else
    // (a `//` comment, a private const) documents nothing a user sees.
    const declaration = /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/.exec(after);
    if (!declaration) throw new Error(`${file}: a TSDoc example not directly above an export: ${after.slice(0, 60)}`);
    blocks.forEach((lines, i) => {
      const symbol = declaration[1]!;
      examples.push({ id: `${file}#${symbol}${i === 0 ? '' : `#${i + 1}`}`, file, symbol, lines });
    });
  }
  return examples;
}

/** Splits a line at its `//` comment, outside string literals. */
function splitComment(line: string): { code: string; comment?: string } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return { code: line.slice(0, i).trimEnd(), comment: line.slice(i + 2).trim() };
  }
  return { code: line.trimEnd() };
}

/** A matcher for any Uint8Array of `length` bytes. */
const bytesOfLength = (length: number) => ({
  asymmetricMatch: (actual: unknown) => actual instanceof Uint8Array && actual.length === length,
  toString: () => `Uint8Array(${length})`,
  toAsymmetricMatcher: () => `Uint8Array(${length})`,
});

/** `…` in strings becomes a wildcard, recursively. */
function withWildcards(value: unknown): unknown {
  if (typeof value === 'string' && value.includes('…')) {
    const pattern = value.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*');
    return expect.stringMatching(new RegExp(`^${pattern}$`));
  }
  if (Array.isArray(value)) return value.map(withWildcards);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withWildcards(v)]));
  }
  return value;
}

/** The expected value a result comment states, or undefined when it is not a literal. */
function parseResult(text: string): { expected: unknown } | undefined {
  const note = /^(.*\S)\s+\([^()]*\)$/.exec(text); // a trailing source note: '755224' (RFC 4226 Appendix D)
  return parseLiteral(text) ?? (note ? parseLiteral(note[1]!) : undefined);
}

function parseLiteral(text: string): { expected: unknown } | undefined {
  const bytes = /^Uint8Array of '([^'\\]*)'$/.exec(text);
  if (bytes) return { expected: new TextEncoder().encode(bytes[1]) };
  const js = text.replace(/\bUint8Array\((\d+)\)/g, '__bytes($1)');
  try {
    // Evaluated with nothing of the library in scope: a result is a value, not another call.
    const value: unknown = new Function('__bytes', `"use strict"; return (${js}\n);`)(bytesOfLength);
    return { expected: withWildcards(value) };
  } catch {
    return undefined;
  }
}

/** Whether `code` (without its `;`) is a single JavaScript expression. */
function isExpression(code: string): boolean {
  if (/^(?:if|for|while|do|try|catch|finally|switch|return|throw|const|let|var|function|class|import|export)\b|^[{}]/.test(code)) return false;
  try {
    transformSync(`(${code}\n);`, { loader: 'ts' });
    return true;
  } catch {
    return false;
  }
}

interface Check { line: string; expected: unknown }

interface Plan {
  example: Example;
  checks: Check[];
  unchecked: string[]; // UNCHECKED keys
  body: string;
}

/** Turns an example into a function body whose checked lines report their value to `__check(i, value)`. */
function plan(example: Example): Plan {
  const checks: Check[] = [];
  const unchecked: string[] = [];
  const out: string[] = [];
  // A statement without its own comment, followed by comment-only lines: those lines are its result.
  let pending: { index: number; code: string; line: string; result: string[] } | undefined;
  const flush = () => {
    if (pending === undefined) return;
    const { index, code, line, result } = pending;
    pending = undefined;
    if (result.length === 0) return;
    out[index] = checked(code, result.join(' '), `${line} // ${result.join(' ')}`) ?? out[index]!;
  };
  const checked = (code: string, comment: string, line: string): string | undefined => {
    const result = parseResult(comment);
    const declaration = /^(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*([\s\S]+);$/.exec(code);
    const expression = !declaration && code.endsWith(';') && isExpression(code.slice(0, -1)) ? code.slice(0, -1) : undefined;
    if (result === undefined || (!declaration && expression === undefined)) {
      unchecked.push(`${example.id}: ${line.trim()}`);
      return undefined;
    }
    const i = checks.push({ line: line.trim(), expected: result.expected }) - 1;
    return declaration ? `${code} __check(${i}, ${declaration[1]});` : `__check(${i}, (${expression}\n));`;
  };
  for (const line of example.lines) {
    const { code, comment } = splitComment(line);
    if (code.trim() === '') {
      if (comment !== undefined && pending !== undefined) pending.result.push(comment);
      else flush();
      out.push(line);
      continue;
    }
    flush();
    out.push(code);
    if (comment === undefined) {
      pending = { index: out.length - 1, code: code.trim(), line: code.trim(), result: [] };
    } else {
      const replaced = checked(code.trim(), comment, line);
      if (replaced !== undefined) out[out.length - 1] = replaced;
    }
  }
  flush();
  return { example, checks, unchecked, body: out.join('\n') };
}

async function run({ example, checks, body }: Plan): Promise<void> {
  const { code } = transformSync(`async function __example() {\n${body}\n}`, { loader: 'ts' });
  const scope = { ...LIBRARY, ...PLACEHOLDERS[example.id] };
  const seen = new Set<number>();
  const __check = (i: number, actual: unknown) => {
    seen.add(i);
    expect(actual, `${example.id}: ${checks[i]!.line}`).toEqual(checks[i]!.expected);
  };
  const names = [...Object.keys(scope), '__check'];
  const factory = new Function(...names, `"use strict";\n${code}\nreturn __example;`) as (...args: unknown[]) => () => Promise<void>;
  await factory(...Object.values(scope), __check)();
  // A check inside a branch that did not run (a catch that caught nothing) would otherwise pass silently.
  expect([...Array(checks.length).keys()].filter((i) => !seen.has(i)).map((i) => checks[i]!.line), `${example.id}: checks that never ran`).toEqual([]);
}

const examples = FILES.flatMap((file) => extractExamples(file, readFileSync(new URL(file, SRC), 'utf8')));
const plans = examples.map(plan);

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
