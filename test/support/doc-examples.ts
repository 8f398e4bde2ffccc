// The TSDoc example checker: finds the ```ts blocks of a source file, turns each into a function whose
// result lines (`expr; // result`) report their value, and runs it in a scope of names. The conventions
// of a result are in test/technique/doc-examples.test.ts's header.
import { transformSync } from 'esbuild';
import { expect } from 'vitest';

export interface Example {
  id: string; // file#symbol, or file#symbol#2 for a second block
  file: string;
  symbol: string;
  lines: string[];
}

/** The ```ts blocks of every TSDoc comment, with the declaration the comment documents. */
export function extractExamples(file: string, source: string): Example[] {
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
    // A method or property of an exported interface or class counts too: users see it on the type.
    const declaration =
      /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/.exec(after) ??
      /^(?:readonly\s+|static\s+|async\s+)*([A-Za-z_$][\w$]*)\??\s*[(<:]/.exec(after);
    if (!declaration) throw new Error(`${file}: a TSDoc example not directly above an export or a member: ${after.slice(0, 60)}`);
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

export interface Plan {
  example: Example;
  checks: Check[];
  unchecked: string[]; // UNCHECKED keys
  body: string;
}

/** An example's `import … from '…';` as a declaration through `__import` (see {@link run}); undefined for other lines. */
function importLine(line: string): string | undefined {
  const match = /^\s*import\s+(.+?)\s+from\s+'([^']+)';?\s*$/.exec(line);
  if (!match) return undefined;
  const [, what, specifier] = match as unknown as [string, string, string];
  const from = `__import(${JSON.stringify(specifier)})`;
  if (what.startsWith('{')) return `const ${what.replace(/\bas\b/g, ':')} = ${from};`;
  if (what.startsWith('* as ')) return `const ${what.slice(5)} = ${from};`;
  return `const ${what} = ${from}.default;`;
}

/** Turns an example into a function body whose checked lines report their value to `__check(i, value)`. */
export function plan(example: Example): Plan {
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
    const imported = importLine(line);
    if (imported !== undefined) {
      flush();
      out.push(imported);
      continue;
    }
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

/**
 * Runs a planned example with `scope` as its free names and checks every stated result; `modules` answers
 * the example's `import` lines; `epilogue` is code run after the example (closing what it opened).
 */
export async function run({ example, checks, body }: Plan, scope: Record<string, unknown>, modules: Record<string, unknown> = {}, epilogue = ''): Promise<void> {
  const { code } = transformSync(`async function __example() {\n${body}\n${epilogue}\n}`, { loader: 'ts' });
  const seen = new Set<number>();
  const __check = (i: number, actual: unknown) => {
    seen.add(i);
    expect(actual, `${example.id}: ${checks[i]!.line}`).toEqual(checks[i]!.expected);
  };
  const __import = (specifier: string): unknown => {
    if (!(specifier in modules)) throw new Error(`${example.id}: imports '${specifier}', which the test does not provide`);
    return modules[specifier];
  };
  const names = [...Object.keys(scope), '__check', '__import'];
  const factory = new Function(...names, `"use strict";\n${code}\nreturn __example;`) as (...args: unknown[]) => () => Promise<void>;
  await factory(...Object.values(scope), __check, __import)();
  // A check inside a branch that did not run (a catch that caught nothing) would otherwise pass silently.
  expect([...Array(checks.length).keys()].filter((i) => !seen.has(i)).map((i) => checks[i]!.line), `${example.id}: checks that never ran`).toEqual([]);
}
