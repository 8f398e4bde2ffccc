// What the commands share: the option groups and their help, and reading them into library arguments.
// A usage problem is a UsageError: one line on standard error, exit status 2.
import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { fail } from '../internal/assert.js';
import { encodeBase32, secretBytes } from '../base32.js';
import { generateSecret } from '../secret.js';
import { buildOtpauthUri } from '../uri/build.js';
import { ALGORITHM_RULE, parseAlgorithmName, type Algorithm } from '../algorithm.js';

export type Values = Record<string, string | boolean | undefined>;
type Options = NonNullable<ParseArgsConfig['options']>;

/** Bad command-line input: reported in one line, exit status 2. */
export class UsageError extends Error {}

const text = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;

const SECRET_OPTIONS = { 'secret-env': text, 'secret-stdin': flag, secret: text } as const satisfies Options;
/** The secret and OTP parameters: `code` and `verify`. */
export const OTP_OPTIONS = { ...SECRET_OPTIONS, algorithm: text, digits: text, period: text, counter: text, time: text } as const satisfies Options;
/** Everything an otpauth URI is built from: `uri` and `qr`. */
export const URI_OPTIONS = { ...OTP_OPTIONS, account: text, issuer: text, image: text } as const satisfies Options;

export const OTP_HELP = `Secret (base32), one of:
  --secret-env NAME   read it from environment variable NAME
  --secret-stdin      read it from standard input (e.g. a pipe from a password manager)
  --secret VALUE      on the command line (visible in the process list: avoid on shared machines)
  TWO_FACTOR_SECRET   environment variable, used when none of the options above is given
  --algorithm SHA1|SHA256|SHA512   default SHA1
  --digits N          6–10, default 6
  --period SECONDS    TOTP step, default 30
  --counter N         use HOTP with this counter instead of TOTP
  --time WHEN         ISO 8601 date, or Unix seconds (e.g. 1111111109 or @1111111109); default now`;

export const URI_HELP = `  --account NAME      the account shown in the app, e.g. alice@example.com (required)
  --issuer NAME       the service, e.g. InworkJobs
  --image URL         optional logo URL
${OTP_HELP}`;

export function out(text: string): void {
  process.stdout.write(text + '\n');
}

// Positional arguments are never echoed: a secret pasted in the wrong place must not reach a log.
export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(`"${command}" takes no arguments, got ${positionals.length} (secrets go in --secret-env, --secret-stdin or TWO_FACTOR_SECRET)`);
  }
}

function intArg(value: string | boolean | undefined, name: string): number {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new UsageError(`"--${name}" must be an integer`);
  return Number(value);
}

/** An integer option, or `undefined` when it is not given. */
export const optionalInt = (value: string | boolean | undefined, name: string): number | undefined =>
  value === undefined ? undefined : intArg(value, name);

/** The secret from whichever source was given, or `undefined` when none was. */
function givenSecret(values: Values): Uint8Array | undefined {
  // An explicit option wins over the ambient TWO_FACTOR_SECRET; two explicit sources are a mistake.
  const given = (['secret-env', 'secret-stdin', 'secret'] as const).filter((name) => values[name] !== undefined);
  if (given.length > 1) throw new UsageError(`give the secret one way only, got ${given.map((name) => `--${name}`).join(' and ')}`);
  let text: string | undefined;
  if (typeof values['secret-env'] === 'string') {
    text = process.env[values['secret-env']];
    // The name is not repeated either: it may be the secret itself, given in place of a name.
    if (text === undefined || text === '') throw new UsageError('the environment variable named by "--secret-env" is not set');
  } else if (values['secret-stdin']) {
    text = readFileSync(0, 'utf8').trim();
    if (text === '') throw new UsageError('no secret on standard input (from "--secret-stdin")');
  } else if (typeof values.secret === 'string') {
    text = values.secret;
  } else if (process.env.TWO_FACTOR_SECRET !== undefined && process.env.TWO_FACTOR_SECRET !== '') {
    text = process.env.TWO_FACTOR_SECRET;
  }
  return text === undefined ? undefined : secretBytes(text);
}

/** The secret, which the command cannot do without. */
export function requiredSecret(values: Values): Uint8Array {
  const secret = givenSecret(values);
  if (secret === undefined) throw new UsageError('no secret given: use --secret-env NAME, --secret-stdin, --secret or TWO_FACTOR_SECRET');
  return secret;
}

function parseTime(value: string): number {
  const seconds = /^@?(\d{1,15})$/.exec(value);
  if (seconds) return Number(seconds[1]) * 1000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError('"--time" must be an ISO 8601 date or Unix seconds');
  return ms;
}

/** The OTP options as library arguments; `counter` set means HOTP. */
export function otpArgs(values: Values): { algorithm?: Algorithm; digits?: number; period?: number; now?: number; counter?: bigint } {
  let counter: bigint | undefined;
  if (values.counter !== undefined) {
    if (typeof values.counter !== 'string' || !/^\d{1,20}$/.test(values.counter)) {
      throw new UsageError('"--counter" must be an integer ≥ 0');
    }
    counter = BigInt(values.counter);
  }
  const { algorithm } = values;
  return {
    algorithm: typeof algorithm === 'string' ? (parseAlgorithmName(algorithm) ?? fail('INVALID_OPTION', 'algorithm', ALGORITHM_RULE, algorithm)) : undefined,
    digits: optionalInt(values.digits, 'digits'),
    period: optionalInt(values.period, 'period'),
    now: typeof values.time === 'string' ? parseTime(values.time) : undefined,
    counter,
  };
}

/** The otpauth URI of the uri options; without a secret, a new one is made and shown on standard error. */
export function uriFromArgs(values: Values): string {
  if (typeof values.account !== 'string') throw new UsageError('"--account" is required');
  let secret = givenSecret(values);
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
