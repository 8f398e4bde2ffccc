// The `two-factor` command: the library's functions for a terminal, a shell script or a test fixture.
// Node-only (process, fs); the library entries never import it. Its commands are args.ts and commands.ts beside it.
import { parseArgs } from 'node:util';
import { TwoFactorError } from '../errors.js';
import { out, UsageError, type Values } from './args.js';
import { COMMANDS } from './commands.js';

const MAIN_HELP = `two-factor — two-factor authentication from the command line (@inworkjobs/two-factor)

Usage: two-factor COMMAND [options]      two-factor COMMAND --help for its options

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`)
  .join('\n')}

Exit status: 0 done (verify: the code is valid), 1 verify: the code is not valid, 2 bad input
(one line on standard error naming the option; option values, secrets and codes are never repeated
there). COMMAND --help (or -h) prints its usage and exits 0, except verify --help, which exits 2 so
that a CODE of "--help" is never taken as valid. After "--" every argument is a positional, e.g.
two-factor verify -- "$CODE".

Example:
  export TWO_FACTOR_SECRET=$(two-factor secret)
  two-factor code
  two-factor qr --issuer InworkJobs --account alice@example.com --terminal`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    out(VERSION);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  // Not echoed: the first argument may be a secret pasted in the wrong place, or `--secret=…`.
  if (!command) throw new UsageError(`unknown command, expected one of ${Object.keys(COMMANDS).join(', ')} (try: two-factor --help)`);
  let parsed;
  try {
    // --help is an option like the others: after "--" it is a positional (e.g. the CODE of verify).
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own wording suggests "--" tricks; an unknown option is usually a typo, so say just that.
    const unknown = /^Unknown option '([^']*)'/.exec((error as Error).message);
    const problem = unknown ? `unknown option "${unknown[1]}" for "${name}"` : (error as Error).message;
    throw new UsageError(`${problem} (try: two-factor ${name} --help)`);
  }
  if (parsed.values.help) {
    out(command.usage);
    // verify's 0 means "valid": a CODE of "--help" from a script must not pass.
    return name === 'verify' ? 2 : 0;
  }
  return command.run(parsed.values as Values, parsed.positionals);
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0';

// A reader that stops early (`two-factor backup-codes | head -3`) closes the pipe: the rest of the output is
// unwanted, not a crash. The status stays what the command decided (verify: valid or not), 0 if undecided.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') process.stderr.write(`two-factor: cannot write to standard output (${error.code ?? 'error'})\n`);
  process.exit(error.code !== 'EPIPE' ? 2 : typeof process.exitCode === 'number' ? process.exitCode : 0);
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    // One clear line, no stack trace: bad input is the user's to fix, not a crash. The library's
    // ", got …" part describes the value (a number as itself), which may be a secret in the wrong option.
    const message =
      error instanceof TwoFactorError
        ? error.message.replace(/, got [^]*$/, '')
        : error instanceof UsageError
          ? error.message
          : `unexpected error: ${String((error as Error)?.message ?? error)}`;
    process.stderr.write(`two-factor: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = 2;
  },
);
