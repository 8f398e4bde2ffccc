// The `two-factor` command: the library's functions for a terminal, a shell script or a test fixture.
// Node-only (process, fs); the library entries never import it.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TwoFactorError } from './errors.js';
import { encodeBase32, formatSetupKey, secretBytes } from './base32.js';
import { generateSecret } from './secret.js';
import { generateHotp, verifyHotp } from './hotp.js';
import { generateTotp, secondsRemaining, verifyTotp } from './totp.js';
import { buildOtpauthUri } from './uri-build.js';
import { qrModules, renderQrSvg } from './qr.js';
import { generateBackupCodes } from './backup-codes.js';
import { hashBackupCodes } from './backup-codes-hash.js';
import type { Algorithm } from './algorithm.js';

type Values = Record<string, string | boolean | undefined>;

class UsageError extends Error {}

// The largest quiet zone renderQrSvg accepts (QrSvgOptions.margin), applied to --terminal too.
const MAX_MARGIN = 64;

const SECRET_OPTIONS = {
  'secret-env': { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  secret: { type: 'string' },
} as const;
const OTP_OPTIONS = {
  algorithm: { type: 'string' },
  digits: { type: 'string' },
  period: { type: 'string' },
  counter: { type: 'string' },
  time: { type: 'string' },
} as const;

const SECRET_HELP = `Secret (base32), one of:
  --secret-env NAME   read it from environment variable NAME
  --secret-stdin      read it from standard input (e.g. a pipe from a password manager)
  --secret VALUE      on the command line (visible in the process list: avoid on shared machines)
  TWO_FACTOR_SECRET   environment variable, used when none of the options above is given`;
const OTP_HELP = `  --algorithm SHA1|SHA256|SHA512   default SHA1
  --digits N          6–10, default 6
  --period SECONDS    TOTP step, default 30
  --counter N         use HOTP with this counter instead of TOTP
  --time WHEN         ISO 8601 date, or Unix seconds (e.g. 1111111109 or @1111111109); default now`;

interface Command {
  summary: string;
  usage: string;
  options: ParseArgsConfig['options'];
  run(values: Values, positionals: string[]): Promise<number> | number;
}

const COMMANDS: Record<string, Command> = {
  secret: {
    summary: 'generate a new random secret',
    usage: `two-factor secret [--bytes N] [--format base32|setup-key|hex]

Prints a new secret from the operating system's CSPRNG.
  --bytes N        16–1024, default 20 (160 bits, RFC 4226 R6)
  --format F       base32 (default), setup-key (groups of 4), or hex`,
    options: { bytes: { type: 'string' }, format: { type: 'string' } },
    run(values, positionals) {
      noPositionals('secret', positionals);
      const bytes = values.bytes === undefined ? undefined : intArg(values.bytes, 'bytes');
      const secret = generateSecret(bytes === undefined ? undefined : { bytes });
      const format = (values.format as string | undefined) ?? 'base32';
      if (format === 'base32') out(encodeBase32(secret));
      else if (format === 'setup-key') out(formatSetupKey(secret));
      else if (format === 'hex') out(Array.from(secret, (b) => b.toString(16).padStart(2, '0')).join(''));
      else throw new UsageError(`"--format" must be base32, setup-key or hex, got ${format}`);
      return 0;
    },
  },
  code: {
    summary: 'print the current TOTP (or an HOTP) code',
    usage: `two-factor code [secret options] [otp options]

Prints the code an authenticator app shows for the secret.
${SECRET_HELP}
${OTP_HELP}`,
    options: { ...SECRET_OPTIONS, ...OTP_OPTIONS },
    async run(values, positionals) {
      noPositionals('code', positionals);
      const secret = await readSecret(values, true);
      const otp = otpArgs(values);
      if (otp.counter !== undefined) out(generateHotp(secret!, otp.counter, otp));
      else out(generateTotp(secret!, otp));
      return 0;
    },
  },
  verify: {
    summary: 'check a code; exit status 0 when valid, 1 when not',
    usage: `two-factor verify CODE [secret options] [otp options] [--window N] [--look-ahead N]

Prints "valid step=… delta=…" (or "valid counter=… delta=…" for HOTP) and exits 0, or prints "invalid"
and exits 1.
${SECRET_HELP}
${OTP_HELP}
  --window N          TOTP steps tolerated on each side, default 1
  --look-ahead N      HOTP counters to look ahead (with --counter), default 0`,
    options: { ...SECRET_OPTIONS, ...OTP_OPTIONS, window: { type: 'string' }, 'look-ahead': { type: 'string' } },
    async run(values, positionals) {
      if (positionals.length !== 1) throw new UsageError('"verify" takes exactly one CODE argument');
      const secret = await readSecret(values, true);
      const otp = otpArgs(values);
      const code = positionals[0]!;
      if (otp.counter !== undefined) {
        const lookAhead = values['look-ahead'] === undefined ? undefined : intArg(values['look-ahead'], 'look-ahead');
        const r = verifyHotp(secret!, code, otp.counter, { ...otp, lookAhead });
        out(r.valid ? `valid counter=${r.counter} delta=${r.delta}` : 'invalid');
        return r.valid ? 0 : 1;
      }
      const window = values.window === undefined ? undefined : intArg(values.window, 'window');
      const r = verifyTotp(secret!, code, { ...otp, window });
      out(r.valid ? `valid step=${r.step} delta=${r.delta}` : 'invalid');
      return r.valid ? 0 : 1;
    },
  },
  uri: {
    summary: 'print an otpauth:// URI for authenticator apps',
    usage: `two-factor uri --account NAME [--issuer NAME] [secret options] [otp options] [--image URL]

Prints the otpauth:// URI (Key Uri Format). Without a secret, a new one is generated and printed on
standard error as "secret: …" (standard output holds the URI alone).
  --account NAME      the account shown in the app, e.g. alice@example.com (required)
  --issuer NAME       the service, e.g. InworkJobs
  --image URL         optional logo URL
${SECRET_HELP}
${OTP_HELP}`,
    options: { ...SECRET_OPTIONS, ...OTP_OPTIONS, account: { type: 'string' }, issuer: { type: 'string' }, image: { type: 'string' } },
    async run(values, positionals) {
      noPositionals('uri', positionals);
      out(await uriFromArgs(values));
      return 0;
    },
  },
  qr: {
    summary: 'render a QR code (SVG, or text for the terminal)',
    usage: `two-factor qr [TEXT | --account NAME [uri options]] [--out FILE] [--terminal] [--level L|M|Q|H]

Renders TEXT (or the otpauth URI built from the uri options) as an SVG QR code to standard output or
--out FILE, or with --terminal as block characters for a terminal to scan from the screen.
  --out FILE          write the SVG to FILE instead of standard output
  --terminal          print a text rendering instead of SVG
  --level L|M|Q|H     error correction, default M
  --margin N          quiet zone in modules, 0–64, default 4 (2 with --terminal)
The uri options (--account, --issuer, --image, the secret and otp options) are those of "two-factor uri";
without a secret, a new one is generated and printed on standard error, as "two-factor uri" does.`,
    options: {
      ...SECRET_OPTIONS,
      ...OTP_OPTIONS,
      account: { type: 'string' },
      issuer: { type: 'string' },
      image: { type: 'string' },
      out: { type: 'string' },
      terminal: { type: 'boolean' },
      level: { type: 'string' },
      margin: { type: 'string' },
    },
    async run(values, positionals) {
      if (positionals.length > 1) throw new UsageError('"qr" takes at most one TEXT argument');
      let text = positionals[0];
      if (text === undefined) {
        if (values.account === undefined) throw new UsageError('"qr" needs TEXT or --account to build an otpauth URI');
        text = await uriFromArgs(values);
      }
      const options = {
        errorCorrection: values.level as 'L' | 'M' | 'Q' | 'H' | undefined,
        margin: values.margin === undefined ? undefined : intArg(values.margin, 'margin'),
      };
      if (values.terminal) {
        // renderQrSvg checks the margin of an SVG; the text rendering needs the same bound (one line
        // per two module rows: a margin of 100000 would build gigabytes of text).
        const margin = options.margin ?? 2;
        if (margin < 0 || margin > MAX_MARGIN) throw new UsageError(`"margin" must be an integer 0–${MAX_MARGIN}, got ${margin}`);
        out(terminalQr(qrModules(text, options), margin));
        return 0;
      }
      const svg = renderQrSvg(text, options);
      if (typeof values.out !== 'string') out(svg);
      else {
        try {
          writeFileSync(values.out, svg + '\n');
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          throw new UsageError(`"--out" must be a file path that can be written, got ${values.out} (${reason})`);
        }
      }
      return 0;
    },
  },
  'backup-codes': {
    summary: 'generate single-use backup codes (and their hash to store)',
    usage: `two-factor backup-codes [--count N] [--length N] [--hash]

Prints new backup codes, one per line. With --hash, also prints the string to store (scrypt hashes,
never the codes) on a last line starting with "hash: ".
  --count N      how many codes, 1–100, default 10
  --length N     characters per code, dashes not counted, 10–32, default 10`,
    options: { count: { type: 'string' }, length: { type: 'string' }, hash: { type: 'boolean' } },
    async run(values, positionals) {
      noPositionals('backup-codes', positionals);
      const codes = generateBackupCodes({
        count: values.count === undefined ? undefined : intArg(values.count, 'count'),
        length: values.length === undefined ? undefined : intArg(values.length, 'length'),
      });
      out(codes.join('\n'));
      if (values.hash) out(`hash: ${await hashBackupCodes(codes)}`);
      return 0;
    },
  },
};

const MAIN_HELP = `two-factor — two-factor authentication from the command line (@inworkjobs/two-factor)

Usage: two-factor COMMAND [options]      two-factor COMMAND --help for its options

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`)
  .join('\n')}

Exit status: 0 done (verify: the code is valid), 1 verify: the code is not valid, 2 bad input
(one line on standard error; secrets and codes are never repeated there).

Example:
  export TWO_FACTOR_SECRET=$(two-factor secret)
  two-factor code
  two-factor qr --issuer InworkJobs --account alice@example.com --terminal`;

function out(text: string): void {
  process.stdout.write(text + '\n');
}

// Positional arguments are never echoed: a secret pasted in the wrong place must not reach a log.
function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(`"${command}" takes no arguments, got ${positionals.length} (secrets go in --secret-env, --secret-stdin or TWO_FACTOR_SECRET)`);
  }
}

function intArg(value: string | boolean | undefined, name: string): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new UsageError(`"--${name}" must be an integer, got ${String(value)}`);
  return Number(value);
}

async function readSecret(values: Values, required: boolean): Promise<Uint8Array | undefined> {
  // An explicit option wins over the ambient TWO_FACTOR_SECRET; two explicit sources are a mistake.
  const given = (['secret-env', 'secret-stdin', 'secret'] as const).filter((name) => values[name] !== undefined);
  if (given.length > 1) throw new UsageError(`give the secret one way only, got ${given.map((name) => `--${name}`).join(' and ')}`);
  let text: string | undefined;
  if (typeof values['secret-env'] === 'string') {
    text = process.env[values['secret-env']];
    if (text === undefined || text === '') throw new UsageError(`environment variable ${values['secret-env']} (from "--secret-env") is not set`);
  } else if (values['secret-stdin']) {
    text = readFileSync(0, 'utf8').trim();
    if (text === '') throw new UsageError('no secret on standard input (from "--secret-stdin")');
  } else if (typeof values.secret === 'string') {
    text = values.secret;
  } else if (process.env.TWO_FACTOR_SECRET !== undefined && process.env.TWO_FACTOR_SECRET !== '') {
    text = process.env.TWO_FACTOR_SECRET;
  }
  if (text === undefined) {
    if (required) throw new UsageError('no secret given: use --secret-env NAME, --secret-stdin, --secret or TWO_FACTOR_SECRET');
    return undefined;
  }
  return secretBytes(text);
}

function parseTime(value: string): number {
  const seconds = /^@?(\d{1,15})$/.exec(value);
  if (seconds) return Number(seconds[1]) * 1000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`"--time" must be an ISO 8601 date or Unix seconds, got ${value}`);
  return ms;
}

function otpArgs(values: Values): { algorithm?: Algorithm; digits?: number; period?: number; now?: number; counter?: bigint } {
  let counter: bigint | undefined;
  if (values.counter !== undefined) {
    if (typeof values.counter !== 'string' || !/^\d{1,20}$/.test(values.counter)) {
      throw new UsageError(`"--counter" must be an integer ≥ 0, got ${String(values.counter)}`);
    }
    counter = BigInt(values.counter);
  }
  const algorithm = typeof values.algorithm === 'string' ? values.algorithm.toUpperCase().replace('-', '') : undefined;
  return {
    algorithm: algorithm as Algorithm | undefined,
    digits: values.digits === undefined ? undefined : intArg(values.digits, 'digits'),
    period: values.period === undefined ? undefined : intArg(values.period, 'period'),
    now: typeof values.time === 'string' ? parseTime(values.time) : undefined,
    counter,
  };
}

async function uriFromArgs(values: Values): Promise<string> {
  if (typeof values.account !== 'string') throw new UsageError('"--account" is required');
  let secret = await readSecret(values, false);
  if (secret === undefined) {
    secret = generateSecret();
    process.stderr.write(`secret: ${encodeBase32(secret)}\n`);
  }
  const otp = otpArgs(values);
  return buildOtpauthUri({
    type: otp.counter === undefined ? 'totp' : 'hotp',
    secret,
    accountName: values.account,
    issuer: typeof values.issuer === 'string' ? values.issuer : undefined,
    image: typeof values.image === 'string' ? values.image : undefined,
    algorithm: otp.algorithm,
    digits: otp.digits,
    period: otp.counter === undefined ? otp.period : undefined,
    counter: otp.counter,
  });
}

/** Two module rows per text line with half blocks; light modules are drawn as spaces on a dark terminal's inverse. */
function terminalQr(modules: boolean[][], margin: number): string {
  const size = modules.length;
  const dark = (r: number, c: number) => r >= 0 && r < size && c >= 0 && c < size && modules[r]![c]!;
  const lines: string[] = [];
  for (let r = -margin; r < size + margin; r += 2) {
    let line = '';
    for (let c = -margin; c < size + margin; c++) {
      const top = dark(r, c);
      const bottom = dark(r + 1, c);
      // Light modules are printed as full blocks so the code reads on dark and light terminals alike.
      line += top ? (bottom ? ' ' : '▄') : bottom ? '▀' : '█';
    }
    lines.push(line);
  }
  return lines.join('\n');
}

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
  if (rest.includes('--help') || rest.includes('-h')) {
    out(command.usage);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own wording suggests "--" tricks; an unknown option is usually a typo, so say just that.
    const unknown = /^Unknown option '([^']*)'/.exec((error as Error).message);
    const problem = unknown ? `unknown option "${unknown[1]}" for "${name}"` : (error as Error).message;
    throw new UsageError(`${problem} (try: two-factor ${name} --help)`);
  }
  return command.run(parsed.values as Values, parsed.positionals);
}

declare const __VERSION__: string;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0';

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    // One clear line, no stack trace: bad input is the user's to fix, not a crash.
    const message = error instanceof TwoFactorError || error instanceof UsageError ? (error as Error).message : `unexpected error: ${String((error as Error)?.message ?? error)}`;
    process.stderr.write(`two-factor: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = 2;
  },
);
