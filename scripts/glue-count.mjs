// `node scripts/glue-count.mjs [--list] [folder …]`: how many lines of two-factor glue each example app has
// (default: examples/express and examples/hono), one line per app: "express: 40 glue lines (limit 40)";
// `--list` prints the counted lines too. Exits 1 when an app is over the limit.
//
// The rule. An app is every .js/.mjs/.ts file in its folder (not .d.ts, not tests). Blank lines and comments
// never count. A line is glue when it
//   a. names the package ('@inworkjobs/two-factor…'), or
//   b. calls a method of the 2FA service by name: `.beginSignIn(`, `.completeSignIn(`, `.verify(`, `.disable(`, …
//      (every TwoFactor method; `.status(` only on a receiver that also makes one of the other calls, as Express's
//      `res.status(` is no 2FA call), or
//   c. refers to a tainted name (as a variable: not a property `x.name` nor an object key `{ name: … }`):
//      - a name imported from the package, except the throttle's pure functions (throttleDelayMs, retryAfterMs),
//        which an app applies to its own counters for the password step: their import line counts, their use is
//        the users table's;
//      - a name declared (`const`/`let`/`var`, destructured too) with a value from the library: an expression that
//        calls the service or reads a result field, starts with a tainted name or a wrapper's call, or is an object
//        or array literal holding a tainted value (so `const app = createApp({ twoFactor })` counts, but `app`, the
//        framework's, is not tainted by it);
//      - a bare name whose result fields are read (`result.ok`): it holds a result, wherever the result came from;
//      - anywhere in the app, the call of a function that returns a value from the library (its own `return`, or an
//        arrow's body): a wrapper's callers count, or
//   d. reads or writes a result field by name (.ok .reason .required .challenge .verifiedAt .trustedDevice
//      .trustedDeviceToken .backupCodes .retryAfterMs), or sets an option of the service as an object key
//      (trustDevice: trustedDeviceToken: proof: accountName:), or
//   e. lies inside the brackets a glue line leaves open: `(` or `[` (the options of `createTwoFactor({ … })`, the
//      arguments of a call spread over lines), not a block `{` that an `if (…) {` opens.
// Applied until nothing changes. A glue line counts once per started 120 characters of code (indentation and a
// trailing comment aside), so joining statements on one line saves nothing. So a 2FA call moved into another file
// (the views, the users table) still counts, and so does every line that handles its result under any name; HTML
// that only shows values handed to it (a QR code, a setup key) does not, nor does the framework's own code (routes,
// sessions, CSRF, password checks). Known blind spot: a result passed as an argument and read in another function
// under a new name counts only where its fields are read (rule c's third case).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const GLUE_LIMIT = 40;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const APPS = ['examples/express', 'examples/hono'];
const PACKAGE = '@inworkjobs/two-factor';
const METHODS = ['beginSignIn', 'completeSignIn', 'cancelSignIn', 'beginEnrollment', 'confirmEnrollment', 'pendingEnrollment',
  'verify', 'disable', 'regenerateBackupCodes', 'reset', 'unlock', 'addHotpToken', 'resyncHotp', 'listFactors', 'renameFactor',
  'removeFactor', 'importFactor', 'verifyTrustedDevice', 'listTrustedDevices', 'revokeTrustedDevice', 'revokeTrustedDevices'];
// The throttle's pure functions, applied by an app to its own counters (the password step): their import counts, not their use.
const PASSWORD_HELPERS = ['throttleDelayMs', 'retryAfterMs', 'DEFAULT_THROTTLE'];
const OPTIONS = ['trustDevice', 'trustedDeviceToken', 'proof', 'accountName'];
const FIELDS = ['ok', 'reason', 'required', 'challenge', 'verifiedAt', 'trustedDevice', 'trustedDeviceToken', 'backupCodes', 'retryAfterMs'];
const METHOD_CALL = new RegExp(`([\\w$]+)?\\s*\\??\\.\\s*(${METHODS.join('|')})\\s*\\(`, 'g');
const FIELD = new RegExp(`\\??\\.(${FIELDS.join('|')})\\b|\\b(${OPTIONS.join('|')})\\s*:`);
const FUNCTION = /(?:function\s*\*?\s*([\w$]+)|(?:const|let|var)\s+([\w$]+)\s*=\s*(?:async\s*)?(?:\([^)]*\)|[\w$]+)\s*=>|^\s*(?:async\s+)?([\w$]+)\s*\([^)]*\)\s*\{|^\s*([\w$]+)\s*:\s*(?:async\s*)?(?:\([^)]*\)|[\w$]+)\s*=>)/;

/**
 * Splits source into lines with, per line, its code (strings' and regexes' contents and comments blanked, so
 * brackets and words are seen only in code) and the bracket depths at its start and end.
 */
function scan(source) {
  const lines = [];
  let code = '';
  let round = 0; // ( and [
  let curly = 0;
  let startRound = 0;
  let startCurly = 0;
  const stack = []; // what each open { or ${ belongs to: 'code' or 'template'
  let state = 'code'; // code | line-comment | block-comment | ' | " | ` | regex
  let last = ''; // last significant code character, to tell a regex from a division
  const push = () => {
    lines.push({ code, startRound, startCurly, endRound: round, endCurly: curly });
    code = '';
    startRound = round;
    startCurly = curly;
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') {
      if (state === 'line-comment') state = 'code';
      push();
      continue;
    }
    if (state === 'line-comment' || state === 'block-comment') {
      if (state === 'block-comment' && c === '*' && source[i + 1] === '/') (state = 'code'), i++;
      continue;
    }
    if (state === "'" || state === '"' || state === 'regex') {
      if (c === '\\') { i++; code += '  '; continue; }
      if (state === 'regex' && c === '[') { const end = source.indexOf(']', i); code += ' '.repeat(end - i + 1); i = end; continue; }
      if (c === (state === 'regex' ? '/' : state)) state = 'code';
      code += c === state || c === '/' ? c : ' ';
      continue;
    }
    if (state === '`') {
      if (c === '\\') { i++; code += '  '; continue; }
      if (c === '`') { state = 'code'; code += c; continue; }
      if (c === '$' && source[i + 1] === '{') { stack.push('template'); state = 'code'; code += '${'; i++; continue; }
      code += ' ';
      continue;
    }
    if (c === '/' && source[i + 1] === '/') { state = 'line-comment'; continue; }
    if (c === '/' && source[i + 1] === '*') { state = 'block-comment'; i++; continue; }
    if (c === '/' && (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last) || /\b(return|typeof|case)\s*$/.test(code))) { state = 'regex'; code += c; last = c; continue; }
    if (c === "'" || c === '"' || c === '`') { state = c; code += c; last = c; continue; }
    if (c === '(' || c === '[') round++;
    if (c === ')' || c === ']') round--;
    if (c === '{') { curly++; stack.push('code'); }
    if (c === '}') {
      curly--;
      if (stack.pop() === 'template') { state = '`'; code += c; continue; }
    }
    code += c;
    if (!/\s/.test(c)) last = c;
  }
  push();
  return lines;
}

/** The names a line refers to: identifiers that are not a property (`x.name`) or an object key (`{ name: … }`). */
function references(code) {
  const out = new Set();
  for (const m of code.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const before = code.slice(0, m.index).trimEnd();
    const after = code.slice(m.index + m[0].length).trimStart();
    if (before.endsWith('.') || (after.startsWith(':') && /[{,]$/.test(before))) continue;
    out.add(m[0]);
  }
  return out;
}
const calls = (code, name) => new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}\\s*\\(`).test(code);
/** What a line declares: `const x = init`, `let { a, b: c } = init`, `const [d, e] = init` (init: the rest of the line). */
function declarations(code) {
  const out = [];
  for (const m of code.matchAll(/\b(?:const|let|var)\s+([\w$]+|\{[^}]*\}|\[[^\]]*\])\s*=(?!=)/g)) {
    const target = m[1];
    const names = [];
    if (!/^[[{]/.test(target)) names.push(target);
    else for (const part of target.slice(1, -1).split(',')) { const name = part.split(':').pop().split('=')[0].trim().replace(/^\.\.\./, ''); if (name) names.push(name); }
    out.push({ names, init: code.slice(m.index + m[0].length) });
  }
  return out;
}

/** The functions of a file, named or not, each with its line extent. */
function functionsOf(lines) {
  lines.functions ??= lines.flatMap((l, i) => {
    if (!/=>|\bfunction\b|^\s*(?:async\s+)?[\w$]+\s*\([^)]*\)\s*\{/.test(l.code)) return [];
    const m = FUNCTION.exec(l.code);
    const name = m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : undefined;
    let end = i;
    if (l.endCurly > l.startCurly || l.endRound > l.startRound) {
      while (end + 1 < lines.length && (lines[end + 1].startCurly > l.startCurly || lines[end + 1].startRound > l.startRound)) end++;
    }
    const expressionBody = /=>\s*(?!\{)\S/.test(l.code) || (/=>\s*$/.test(l.code) && !/^\s*\{/.test(lines[i + 1]?.code ?? ''));
    return [{ start: i, end, name: ['if', 'for', 'while', 'switch', 'catch', 'function'].includes(name) ? undefined : name, expressionBody }];
  });
  return lines.functions;
}

/** The innermost function holding line `j` of file `f`. */
function innermost(f, j) {
  let best;
  for (const fn of functionsOf(f.lines)) if (fn.start <= j && j <= fn.end && (!best || fn.start >= best.start)) best = fn;
  return best;
}

/** Every source file of an app, with its scanned lines. */
function appFiles(folder) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) { if (!entry.name.startsWith('.') && entry.name !== 'node_modules') walk(path); continue; }
      if (/\.(m?js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !/\.test\./.test(entry.name)) {
        const source = readFileSync(path, 'utf8');
        files.push({ path, raw: source.split('\n'), lines: scan(source) });
      }
    }
  };
  walk(folder);
  return files;
}

/**
 * Counts the glue of the app in `folder` by the rule above.
 * @returns {{ count: number, lines: { file: string, line: number, text: string, weight: number }[] }}
 */
export function countGlue(folder) {
  const files = appFiles(folder);
  const receivers = new Set();
  for (const f of files) for (const l of f.lines) for (const m of l.code.matchAll(METHOD_CALL)) if (m[1] && m[2] !== 'status') receivers.add(m[1]);
  const statusCall = new RegExp(`\\b(${[...receivers].join('|') || '$^'})\\s*\\??\\.\\s*status\\s*\\(`);
  const appWide = new Set(); // names of functions that hold glue
  const local = new Map(files.map((f) => [f, new Set()]));
  const glue = new Map(files.map((f) => [f, new Set()]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of files) {
      const tainted = local.get(f);
      const marked = glue.get(f);
      const mark = (i) => { if (!marked.has(i)) { marked.add(i); changed = true; } };
      // A value that comes from the library: an expression that calls the service or reads a result field, starts
      // with a tainted name or a wrapper's call, or is an object or array literal holding a tainted value.
      const fromGlue = (expr) => {
        const head = /^(?:await\s+|new\s+|[(!\s])*([A-Za-z_$][\w$]*)/.exec(expr)?.[1];
        const literal = /^\s*[{[]/.test(expr) && [...references(expr)].some((n) => tainted.has(n));
        return [...expr.matchAll(METHOD_CALL)].some((m) => m[2] !== 'status') || statusCall.test(expr) || FIELD.test(expr) || literal ||
          (head !== undefined && tainted.has(head)) || [...appWide].some((n) => calls(expr, n));
      };
      f.lines.forEach((l, i) => {
        if (!l.code.trim()) return;
        const raw = f.raw[i];
        const names = references(l.code);
        const hit = raw.includes(PACKAGE) || [...l.code.matchAll(METHOD_CALL)].some((m) => m[2] !== 'status') || statusCall.test(l.code) ||
          FIELD.test(l.code) || [...names].some((n) => tainted.has(n)) || [...appWide].some((n) => calls(l.code, n));
        if (!hit) return;
        mark(i);
        const declaredFromGlue = declarations(l.code).flatMap(({ names: declaredNames, init }) => (fromGlue(init) ? declaredNames : []));
        for (const name of [...importedNames(raw), ...resultHolders(l.code), ...declaredFromGlue]) {
          if (!tainted.has(name)) { tainted.add(name); changed = true; }
        }
        // e: the lines inside the ( or [ this line leaves open
        if (l.endRound > l.startRound) for (let j = i + 1; j < f.lines.length && f.lines[j].startRound > l.startRound; j++) if (f.lines[j].code.trim()) mark(j);
      });
      // c: a function that returns glue (a glue `return` line of its own, not of a function inside it, or an arrow
      // whose expression body is glue) taints its name, app-wide: its callers count wherever they are
      for (const fn of functionsOf(f.lines)) {
        if (!fn.name || appWide.has(fn.name)) continue;
        const own = [...marked].filter((j) => innermost(f, j) === fn);
        const returned = (j) => (fn.expressionBody && j === fn.start ? f.lines[j].code.split('=>').slice(1).join('=>') : /\breturn\b(.*)/.exec(f.lines[j].code)?.[1]);
        if (own.some((j) => { const expr = returned(j); return expr !== undefined && fromGlue(expr); })) { appWide.add(fn.name); changed = true; }
      }
    }
  }
  const lines = files.flatMap((f) => [...glue.get(f)].sort((a, b) => a - b).map((i) => ({
    file: relative(folder, f.path),
    line: i + 1,
    text: f.raw[i].trim(),
    weight: Math.max(1, Math.ceil(f.lines[i].code.trim().length / 120)), // code only: a trailing comment is free
  })));
  return { count: lines.reduce((n, l) => n + l.weight, 0), lines };
}

/** The names a line imports from the package (rule c), the password step's throttle functions aside. */
function importedNames(raw) {
  if (!raw.includes(PACKAGE)) return [];
  const names = [];
  for (const m of raw.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}/g)) for (const part of m[1].split(',')) {
    const [imported, local = imported] = part.replace(/\btype\b/, '').trim().split(/\s+as\s+/);
    if (local && !PASSWORD_HELPERS.includes(imported)) names.push(local);
  }
  for (const m of raw.matchAll(/import\s+(?:\*\s+as\s+)?([\w$]+)\s+from\s+['"]@inworkjobs\/two-factor/g)) names.push(m[1]);
  return names;
}

/** Bare names whose result fields a line reads (`result.ok`, not `req.session.challenge`): they hold results. */
const resultHolders = (code) =>
  [...code.matchAll(new RegExp(`(?<![\\w$.]\\s*)([A-Za-z_$][\\w$]*)\\??\\.(?:${FIELDS.join('|')})\\b`, 'g'))].map((m) => m[1]);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const list = process.argv.includes('--list');
  const folders = process.argv.slice(2).filter((a) => a !== '--list');
  let over = false;
  for (const folder of folders.length ? folders : APPS.map((a) => join(ROOT, a))) {
    const { count, lines } = countGlue(folder);
    if (list) for (const l of lines) console.log(`  ${l.file}:${l.line}${l.weight > 1 ? ` (×${l.weight})` : ''}  ${l.text}`);
    console.log(`${relative(join(ROOT, 'examples'), folder) || folder}: ${count} glue lines (limit ${GLUE_LIMIT})`);
    over ||= count > GLUE_LIMIT;
  }
  process.exitCode = over ? 1 : 0;
}
