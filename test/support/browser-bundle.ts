// Bundling as a frontend does: esbuild, platform 'browser', resolving `@inworkjobs/two-factor/...` through
// this package's own `exports` map (so the built dist/ ESM is what gets bundled), with a plugin that
// refuses every Node built-in instead of letting the bundler quietly stub or defer it.
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import ts from 'typescript';

export const root = fileURLToPath(new URL('../..', import.meta.url));

const BUILTINS = new Set(builtinModules);

/** True for `node:x`, `fs`, `fs/promises`, … — every name Node resolves to a built-in. */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

/** Fails the build on any import or require() of a Node built-in, even one esbuild would leave for run time. */
const forbidNodeBuiltins: Plugin = {
  name: 'forbid-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) =>
      isNodeBuiltin(args.path)
        ? { errors: [{ text: `Node built-in "${args.path}" (${args.kind}) imported by ${args.importer.replace(root, '') || '<entry>'}` }] }
        : undefined,
    );
  },
};

export interface BrowserBundle {
  code: string;
  /** Input files that ended up in the bundle, relative to the repository root. */
  inputs: string[];
}

/** Bundles `source` (an ESM module resolved from the repository root) for a browser, built-ins forbidden. */
export async function bundleForBrowser(source: string, options: BuildOptions = {}): Promise<BrowserBundle> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, sourcefile: 'entry.js', loader: 'ts' },
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    // tsup's split chunks carry bare `import "./chunk"` lines that "sideEffects": false lets esbuild drop;
    // the warning about it is noise here (a consumer bundling from node_modules does not see it).
    logLevel: 'silent',
    plugins: [forbidNodeBuiltins],
    ...options,
  });
  return { code: result.outputFiles![0]!.text, inputs: Object.keys(result.metafile!.inputs) };
}

/**
 * Every module a file loads, from its syntax tree: `import`/`export … from` specifiers and the argument
 * of each `import(…)` and `require(…)` call (`<computed>` when it is not a string literal).
 */
export function moduleSpecifiers(code: string): string[] {
  const source = ts.createSourceFile('module.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const [arg] = node.arguments;
      found.push(arg && ts.isStringLiteralLike(arg) ? arg.text : '<computed>');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Node-only globals a browser bundle must not use: every `Buffer` / `process` identifier that is not a
 * property name, and every `require(…)` call. From the syntax tree, so the words inside strings and
 * comments (noble's "expected … Buffer, Int8Array …" messages) do not count.
 */
export function nodeOnlyReferences(code: string): string[] {
  const source = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const where = (node: ts.Node) => `${node.getText(source).slice(0, 60)} (line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1})`;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require') {
      found.push(`require( ${where(node)}`);
    } else if (ts.isIdentifier(node) && (node.text === 'Buffer' || node.text === 'process')) {
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node && !(ts.isIdentifier(parent.expression) && /^(globalThis|global|self|window)$/.test(parent.expression.text))) ||
        ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node);
      if (!isPropertyName) found.push(`${node.text} ${where(parent)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
