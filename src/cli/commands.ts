// The commands of `two-factor`: each its help text, its options and what it runs.
import { closeSync, fchmodSync, fstatSync, openSync, writeSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { encodeBase32, formatSetupKey } from '../base32.js';
import { generateSecret } from '../secret.js';
import { generateHotp, verifyHotp } from '../hotp.js';
import { generateTotp, verifyTotp } from '../totp.js';
import { qrModules, renderQrSvg } from '../qr.js';
import { generateBackupCodes } from '../backup-codes/codes.js';
import { hashBackupCodes } from '../backup-codes/hash.js';
import { encodeBase64Url } from '../internal/base64url.js';
import { randomBytes } from '../internal/random.js';
import { KEY_BYTES } from '../server/record/seal.js';
import {
  noPositionals,
  optionalInt,
  otpArgs,
  out,
  requiredSecret,
  uriFromArgs,
  UsageError,
  OTP_HELP,
  OTP_OPTIONS,
  URI_HELP,
  URI_OPTIONS,
  type Values,
} from './args.js';

/** One command: a line for the main help, its own help, its options, and what it does (the exit status). */
export interface Command {
  summary: string;
  usage: string;
  options: ParseArgsConfig['options'];
  run(values: Values, positionals: string[]): Promise<number> | number;
}

// The largest quiet zone renderQrSvg accepts (QrSvgOptions.margin), applied to --terminal too.
const MAX_MARGIN = 64;

export const COMMANDS: Record<string, Command> = {
  secret: {
    summary: 'generate a new random secret',
    usage: `two-factor secret [--bytes N] [--format base32|setup-key|hex]

Prints a new secret from the operating system's CSPRNG.
  --bytes N        16–1024, default 20 (160 bits, RFC 4226 R6)
  --format F       base32 (default), setup-key (groups of 4), or hex`,
    options: { bytes: { type: 'string' }, format: { type: 'string' } },
    run(values, positionals) {
      noPositionals('secret', positionals);
      const bytes = optionalInt(values.bytes, 'bytes');
      const secret = generateSecret(bytes === undefined ? undefined : { bytes });
      const format = (values.format as string | undefined) ?? 'base32';
      if (format === 'base32') out(encodeBase32(secret));
      else if (format === 'setup-key') out(formatSetupKey(secret));
      else if (format === 'hex') out(Array.from(secret, (b) => b.toString(16).padStart(2, '0')).join(''));
      else throw new UsageError('"--format" must be base32, setup-key or hex');
      return 0;
    },
  },
  key: {
    summary: 'generate a new encryption key for sealing secrets at rest',
    usage: `two-factor key

Prints a new AES-256 key for createTwoFactor({ encryption }): 32 bytes from the operating system's
CSPRNG, base64url without padding (43 characters). Keep it with your other secrets (environment,
secret manager), never in the database it protects.`,
    options: {},
    run(values, positionals) {
      noPositionals('key', positionals);
      out(encodeBase64Url(randomBytes(KEY_BYTES)));
      return 0;
    },
  },
  code: {
    summary: 'print the current TOTP (or an HOTP) code',
    usage: `two-factor code [secret options] [otp options]

Prints the code an authenticator app shows for the secret.
${OTP_HELP}`,
    options: OTP_OPTIONS,
    run(values, positionals) {
      noPositionals('code', positionals);
      const secret = requiredSecret(values);
      const otp = otpArgs(values);
      if (otp.counter !== undefined) out(generateHotp(secret, otp.counter, otp));
      else out(generateTotp(secret, otp));
      return 0;
    },
  },
  verify: {
    summary: 'check a code; exit status 0 when valid, 1 when not',
    usage: `two-factor verify CODE [secret options] [otp options] [--window N] [--look-ahead N]
two-factor verify [options] -- CODE      (for a CODE from user input: nothing after "--" is an option)

Prints "valid step=… delta=…" (or "valid counter=… delta=…" for HOTP) and exits 0, or prints "invalid"
and exits 1. Bad input exits 2, and so does --help (this text): a CODE such as "--help" never exits 0.
${OTP_HELP}
  --window N          TOTP steps tolerated on each side, default 1
  --look-ahead N      HOTP counters to look ahead (with --counter), default 0`,
    options: { ...OTP_OPTIONS, window: { type: 'string' }, 'look-ahead': { type: 'string' } },
    run(values, positionals) {
      if (positionals.length !== 1) throw new UsageError('"verify" takes exactly one CODE argument');
      const secret = requiredSecret(values);
      const otp = otpArgs(values);
      const code = positionals[0]!;
      if (otp.counter !== undefined) {
        const r = verifyHotp(secret, code, otp.counter, { ...otp, lookAhead: optionalInt(values['look-ahead'], 'look-ahead') });
        out(r.valid ? `valid counter=${r.counter} delta=${r.delta}` : 'invalid');
        return r.valid ? 0 : 1;
      }
      const r = verifyTotp(secret, code, { ...otp, window: optionalInt(values.window, 'window') });
      out(r.valid ? `valid step=${r.step} delta=${r.delta}` : 'invalid');
      return r.valid ? 0 : 1;
    },
  },
  uri: {
    summary: 'print an otpauth:// URI for authenticator apps',
    usage: `two-factor uri --account NAME [--issuer NAME] [secret options] [otp options] [--image URL]

Prints the otpauth:// URI (Key Uri Format). Without a secret, a new one is generated and printed on
standard error as "secret: …" (standard output holds the URI alone).
${URI_HELP}`,
    options: URI_OPTIONS,
    run(values, positionals) {
      noPositionals('uri', positionals);
      out(uriFromArgs(values));
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
    options: { ...URI_OPTIONS, out: { type: 'string' }, terminal: { type: 'boolean' }, level: { type: 'string' }, margin: { type: 'string' } },
    run(values, positionals) {
      if (positionals.length > 1) throw new UsageError('"qr" takes at most one TEXT argument');
      let text = positionals[0];
      if (text === undefined) {
        if (values.account === undefined) throw new UsageError('"qr" needs TEXT or --account to build an otpauth URI');
        text = uriFromArgs(values);
      }
      const options = {
        errorCorrection: values.level as 'L' | 'M' | 'Q' | 'H' | undefined,
        margin: optionalInt(values.margin, 'margin'),
      };
      if (values.terminal) {
        // renderQrSvg checks the margin of an SVG; the text rendering needs the same bound (one line
        // per two module rows: a margin of 100000 would build gigabytes of text).
        const margin = options.margin ?? 2;
        if (margin < 0 || margin > MAX_MARGIN) throw new UsageError(`"--margin" must be an integer 0–${MAX_MARGIN}`);
        out(terminalQr(qrModules(text, options), margin));
        return 0;
      }
      const svg = renderQrSvg(text, options);
      if (typeof values.out !== 'string') out(svg);
      else {
        try {
          writePrivate(values.out, svg + '\n');
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          throw new UsageError(`"--out" must be a file path that can be written (${reason})`);
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
        count: optionalInt(values.count, 'count'),
        length: optionalInt(values.length, 'length'),
      });
      out(codes.join('\n'));
      if (values.hash) out(`hash: ${await hashBackupCodes(codes)}`);
      return 0;
    },
  },
};

/**
 * Writes `text` to `path` readable by its owner only (0600): a QR code of an otpauth URI holds the secret.
 * An existing file is truncated and narrowed to 0600 before the text goes in; a device or pipe
 * (`--out /dev/stdout`) keeps its mode.
 */
function writePrivate(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
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
