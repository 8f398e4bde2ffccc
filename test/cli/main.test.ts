// The `two-factor` command as installed (dist/cli.js, the package's bin), run as a child process:
// codes checked against oathtool, URIs parsed back, QR codes decoded back, backup-code hashes verified,
// secrets taken from stdin and the environment, and bad input answered with one line and no stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase32 } from '../../src/base32.js';
import { verifyBackupCode } from '../../src/backup-codes/hash.js';
import { qrModules } from '../../src/qr.js';
import { parseOtpauthUri } from '../../src/uri/parse.js';
import { generateTotp } from '../../src/index.js';
import { createTwoFactor, MemoryStore } from '../../src/server/index.js';
import { buildIfMissing, root } from '../support/pack.js';
import { decodeWithJsqr, decodeWithZxing, rasterise, type Raster } from '../support/qr-decode.js';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890", the RFC 4226/6238 SHA-1 seed
const SECRET_256 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA'; // RFC 6238 SHA-256 seed (32 bytes)
const OTHER = 'JBSWY3DPEHPK3PXP';

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with a clean environment (no inherited TWO_FACTOR_SECRET). */
function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Result {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  const r = spawnSync(process.execPath, [CLI, ...args], { env, input: options.input ?? '', encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** oathtool's code for the same inputs (the reference implementation). */
function oathtool(args: string[]): string {
  const r = spawnSync('/usr/bin/oathtool', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`oathtool ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

let work = '';
let CLI = '';
beforeAll(() => {
  buildIfMissing();
  work = mkdtempSync(join(tmpdir(), 'two-factor-cli-'));
  // A copy of dist/cli.js (one file; its one dependency resolves through the linked node_modules), so
  // that a rebuild of dist/ while this file runs (tsup --watch, a build in another terminal) cannot
  // take the command away between two of the many runs below.
  CLI = join(work, 'cli.js');
  copyFileSync(join(root, 'dist/cli.js'), CLI);
  writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A QR code read back by jsQR and ZXing-C++. */
const read = (raster: Raster) => {
  const jsqr = decodeWithJsqr(raster);
  const [zxing] = decodeWithZxing([raster]);
  return { jsqr: jsqr && new TextDecoder().decode(jsqr), zxing: zxing?.map((b) => new TextDecoder().decode(b)) };
};

const COMMANDS = ['secret', 'key', 'code', 'verify', 'uri', 'qr', 'backup-codes'];

describe('help', () => {
  it('--help lists every command and the exit statuses; --version prints the package version', () => {
    const help = cli(['--help']);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(help.stdout).toMatch(/Exit status: 0 .* 1 .* 2 bad input/);
    const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
    expect(cli(['--version'])).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('without a command: the help, and exit status 2', () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('Usage: two-factor COMMAND');
  });

  it.each(COMMANDS)('%s --help (and -h) prints its usage and options, exit 0 (2 for verify)', (command) => {
    const r = cli([command, '--help']);
    // verify's exit status 0 means "valid": its help must never return it (see the tests below).
    expect(r).toMatchObject({ status: command === 'verify' ? 2 : 0, stderr: '' });
    expect(r.stdout.startsWith(`two-factor ${command}`)).toBe(true);
    expect(cli([command, '-h']).stdout).toBe(r.stdout);
    const expectedOptions: Record<string, string[]> = {
      secret: ['--bytes', '--format'],
      key: ['32 bytes', 'base64url'],
      code: ['--secret-env', '--secret-stdin', '--secret', 'TWO_FACTOR_SECRET', '--algorithm', '--digits', '--period', '--counter', '--time'],
      verify: ['--window', '--look-ahead', '--secret-stdin', '--time'],
      uri: ['--account', '--issuer', '--image', '--secret-env', '--period'],
      qr: ['--out', '--terminal', '--level', '--margin', '--account'],
      'backup-codes': ['--count', '--length', '--hash'],
    };
    for (const option of expectedOptions[command]!) expect(r.stdout).toContain(option);
  });
});

describe('secret', () => {
  it('prints a new 20-byte base32 secret by default, a different one each time', () => {
    const a = cli(['secret']);
    const b = cli(['secret']);
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^[A-Z2-7]{32}\n$/);
    expect(decodeBase32(a.stdout.trim())).toHaveLength(20);
    expect(b.stdout).not.toBe(a.stdout);
  });

  it('--bytes sets the length; --format hex and setup-key', () => {
    expect(decodeBase32(cli(['secret', '--bytes', '32']).stdout.trim())).toHaveLength(32);
    expect(cli(['secret', '--format', 'hex']).stdout).toMatch(/^[0-9a-f]{40}\n$/);
    const key = cli(['secret', '--format', 'setup-key', '--bytes', '16']).stdout.trim();
    expect(key).toMatch(/^([A-Z2-7]{4} ){6}[A-Z2-7]{2}$/);
    expect(decodeBase32(key)).toHaveLength(16);
  });
});

describe('key', () => {
  it('prints a new 32-byte key, base64url without padding, a different one each time', () => {
    const a = cli(['key']);
    const b = cli(['key']);
    expect(a).toMatchObject({ status: 0, stderr: '' });
    expect(a.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(Buffer.from(a.stdout.trim(), 'base64url')).toHaveLength(32);
    expect(Buffer.from(a.stdout.trim(), 'base64url').toString('base64url')).toBe(a.stdout.trim()); // canonical: no stray bits
    expect(b.stdout).not.toBe(a.stdout);
    expect(cli(['key', 'extra']).status).toBe(2);
  });

  it('the key seals secrets: createTwoFactor takes it, and a service without it cannot open them', async () => {
    const key = new Uint8Array(Buffer.from(cli(['key']).stdout.trim(), 'base64url'));
    const store = new MemoryStore();
    const twoFactor = createTwoFactor({ store, issuer: 'Test', encryption: { keys: { k1: key }, current: 'k1' } });
    const { secret } = await twoFactor.beginEnrollment('alice', { accountName: 'alice@example.com' });
    expect(await twoFactor.confirmEnrollment('alice', generateTotp(secret))).toMatchObject({ ok: true });
    expect(JSON.stringify((await store.get('alice'))!.record)).not.toContain(secret);
    const other = new Uint8Array(Buffer.from(cli(['key']).stdout.trim(), 'base64url'));
    const wrong = createTwoFactor({ store, issuer: 'Test', encryption: { keys: { k1: other }, current: 'k1' } });
    await expect(wrong.verify('alice', generateTotp(secret, { now: Date.now() + 30_000 }))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
  });
});

describe('code matches oathtool', () => {
  // [our options, oathtool options]; times as Unix seconds. The SHA-256 seed is used with SHA-256, as in RFC 6238.
  const totp: [string, string[], string[]][] = [
    [SECRET, [], ['--totp']],
    [SECRET, ['--digits', '8'], ['--totp', '-d', '8']],
    [SECRET, ['--digits', '7', '--period', '60'], ['--totp=SHA1', '-d', '7', '-s', '60']],
    [SECRET_256, ['--algorithm', 'SHA256', '--digits', '8'], ['--totp=SHA256', '-d', '8']],
    [SECRET, ['--algorithm', 'SHA512', '--period', '60'], ['--totp=SHA512', '-s', '60']],
    [OTHER, ['--algorithm', 'sha256', '--digits', '7'], ['--totp=SHA256', '-d', '7']],
    [OTHER, ['--algorithm', 'SHA512', '--digits', '8', '--period', '90'], ['--totp=SHA512', '-d', '8', '-s', '90']],
  ];
  const times = [59, 1111111109, 1234567890, 2000000000];

  it.each(totp)('TOTP %s %j at several times', (secret, ours, theirs) => {
    for (const time of times) {
      const r = cli(['code', '--time', String(time), ...ours], { env: { TWO_FACTOR_SECRET: secret } });
      expect(r, `${ours.join(' ')} at ${time}`).toEqual({ status: 0, stdout: `${oathtool([...theirs, '-N', `@${time}`, '-b', secret])}\n`, stderr: '' });
    }
  });

  it('--time accepts ISO 8601 and @seconds alike', () => {
    const env = { TWO_FACTOR_SECRET: SECRET };
    const iso = cli(['code', '--time', '2005-03-18T01:58:29Z', '--digits', '8'], { env }).stdout;
    expect(iso).toBe('07081804\n'); // RFC 6238 Appendix B, SHA-1 at 1111111109
    expect(cli(['code', '--time', '@1111111109', '--digits', '8'], { env }).stdout).toBe(iso);
  });

  it('without --time: the code of now (as oathtool sees now)', () => {
    // Retried once in case the two processes straddle a step boundary.
    const attempt = () => cli(['code'], { env: { TWO_FACTOR_SECRET: OTHER } }).stdout === `${oathtool(['--totp', '-b', OTHER])}\n`;
    expect(attempt() || attempt()).toBe(true);
  });

  it.each([
    [['--counter', '0'], ['-c', '0']],
    [['--counter', '1', '--digits', '8'], ['-c', '1', '-d', '8']],
    [['--counter', '9', '--digits', '7'], ['-c', '9', '-d', '7']],
    [['--counter', '123456789012'], ['-c', '123456789012']],
  ])('HOTP %j', (ours, theirs) => {
    const r = cli(['code', ...ours], { env: { TWO_FACTOR_SECRET: SECRET } });
    expect(r).toEqual({ status: 0, stdout: `${oathtool(['--hotp', ...theirs, '-b', SECRET])}\n`, stderr: '' });
  });
});

describe('verify', () => {
  const env = { TWO_FACTOR_SECRET: SECRET };

  it('exit 0 for a valid TOTP code (with step and delta), 1 for a wrong one', () => {
    expect(cli(['verify', '07081804', '--digits', '8', '--time', '@1111111109'], { env })).toEqual({ status: 0, stdout: 'valid step=37037036 delta=0\n', stderr: '' });
    // One step late is inside the default window of 1, two steps are not.
    expect(cli(['verify', '07081804', '--digits', '8', '--time', '@1111111139'], { env }).stdout).toBe('valid step=37037036 delta=-1\n');
    expect(cli(['verify', '07081804', '--digits', '8', '--time', '@1111111169'], { env })).toEqual({ status: 1, stdout: 'invalid\n', stderr: '' });
    expect(cli(['verify', '07081804', '--digits', '8', '--time', '@1111111169', '--window', '2'], { env }).status).toBe(0);
    expect(cli(['verify', '07081805', '--digits', '8', '--time', '@1111111109'], { env }).status).toBe(1);
  });

  it('HOTP with --counter and --look-ahead', () => {
    const code = oathtool(['--hotp', '-c', '7', '-b', SECRET]);
    expect(cli(['verify', code, '--counter', '7'], { env }).stdout).toBe('valid counter=7 delta=0\n');
    expect(cli(['verify', code, '--counter', '5'], { env }).status).toBe(1);
    expect(cli(['verify', code, '--counter', '5', '--look-ahead', '2'], { env })).toEqual({ status: 0, stdout: 'valid counter=7 delta=2\n', stderr: '' });
  });
});

describe('verify: --help is never "valid"', () => {
  const env = { TWO_FACTOR_SECRET: SECRET, S: SECRET };
  // `CODE=--help; two-factor verify "$CODE" --secret-env S`: a script passing user input as the code.
  it.each([
    [['verify', '--help', '--secret-env', 'S']],
    [['verify', '-h', '--secret-env', 'S']],
    [['verify', '--secret-env', 'S', '--help']],
    [['verify', '--secret-env', 'S', '-h', '--time', '@59']],
    [['verify', '--help']],
  ])('%j exits 2 with the usage, never 0', (args) => {
    const r = cli(args, { env });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^two-factor verify /);
    expect(r.stdout).not.toMatch(/^valid/m);
  });

  it.each([
    [['verify', '--secret-env', 'S', '--', '--help']],
    [['verify', '--secret-env', 'S', '--', '-h']],
    [['verify', '--', '--help']],
  ])('%j: after "--" it is the CODE, checked and invalid (exit 1)', (args) => {
    expect(cli(args, { env })).toEqual({ status: 1, stdout: 'invalid\n', stderr: '' });
  });

  it('after "--", --help is an argument for every command: qr renders it, code refuses a stray argument', () => {
    const qr = cli(['qr', '--', '--help']);
    expect(qr.status).toBe(0);
    expect(qr.stdout).toMatch(/^<svg/);
    expect(read(rasterise(qr.stdout, 300)).jsqr).toBe('--help');
    const code = cli(['code', '--', '-h'], { env });
    expect(code.status).toBe(2);
    expect(code.stderr).toMatch(/"code" takes no arguments, got 1/);
  });

  it('the help texts and the README document the exit statuses, verify --help exiting 2 included', () => {
    expect(cli(['--help']).stdout.replace(/\s+/g, ' ')).toMatch(/Exit status: 0 .* 1 .* 2 bad input .*--help.* 2/);
    expect(cli(['verify', '--help'], { env }).stdout.replace(/\s+/g, ' ')).toMatch(/exits 2/);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('\n## ', readme.indexOf('## Command line') + 5));
    expect(section.replace(/\s+/g, ' ')).toMatch(/[Ee]xit status.*0.*1.*2/);
    expect(section).toContain('verify --help');
  });
});

describe('option values are never repeated on standard error', () => {
  // Each value-taking option with a value that fails, on every failure path that option has. The
  // sentinel stands for a secret pasted into the wrong option; it must appear in neither output.
  const WORD = 'Q7ZSENTINELX9'; // not base32 (the '9'), not a number
  const NUMBER = '987654321987';
  const env = { TWO_FACTOR_SECRET: SECRET };
  const cases: [string, string[], { env?: Record<string, string>; input?: string }][] = [
    ['secret --bytes (not a number)', ['secret', '--bytes', WORD], {}],
    ['secret --bytes (out of range)', ['secret', '--bytes', NUMBER], {}],
    ['secret --format', ['secret', '--format', WORD], {}],
    ['--secret-env (unset)', ['code', '--secret-env', WORD], {}],
    ['--secret-env (set to bad base32)', ['code', '--secret-env', 'V'], { env: { V: WORD } }],
    ['--secret (bad base32)', ['code', '--secret', WORD], {}],
    ['--secret-stdin (bad base32)', ['code', '--secret-stdin'], { input: WORD }],
    ['TWO_FACTOR_SECRET (bad base32)', ['code'], { env: { TWO_FACTOR_SECRET: WORD } }],
    ['--algorithm', ['code', '--algorithm', WORD], { env }],
    ['--digits (not a number)', ['code', '--digits', WORD], { env }],
    ['--digits (out of range)', ['code', '--digits', NUMBER], { env }],
    ['--period (not a number)', ['code', '--period', WORD], { env }],
    ['--period (out of range)', ['code', '--period', NUMBER], { env }],
    ['--period (negative)', ['code', `--period=-${NUMBER}`], { env }],
    ['--counter (not a number)', ['code', '--counter', WORD], { env }],
    ['--counter (beyond 2^64)', ['code', '--counter', NUMBER + NUMBER], { env }],
    ['--time (not a date)', ['code', '--time', WORD], { env }],
    ['--time (beyond any date)', ['code', '--time', `@${NUMBER}${NUMBER}`], { env }],
    ['--window (not a number)', ['verify', '123456', '--window', WORD], { env }],
    ['--window (out of range)', ['verify', '123456', '--window', NUMBER], { env }],
    ['--look-ahead (not a number)', ['verify', '123456', '--counter', '1', '--look-ahead', WORD], { env }],
    ['--look-ahead (out of range)', ['verify', '123456', '--counter', '1', '--look-ahead', NUMBER], { env }],
    ['verify CODE with a bad option', ['verify', WORD, '--digits', '3'], { env }],
    ['uri --account (too long)', ['uri', '--account', WORD.repeat(40)], { env }],
    ['uri --account (with a bad digits)', ['uri', '--account', WORD, '--digits', '3'], { env }],
    ['uri --issuer (too long)', ['uri', '--account', 'a', '--issuer', WORD.repeat(40)], { env }],
    ['uri --image (not a URL)', ['uri', '--account', 'a', '--image', WORD], { env }],
    ['qr --out (not writable)', ['qr', 'text', '--out', `/nonexistent-${WORD}/qr.svg`], {}],
    ['qr --level', ['qr', 'text', '--level', WORD], {}],
    ['qr --margin (not a number)', ['qr', 'text', '--margin', WORD], {}],
    ['qr --margin (out of range)', ['qr', 'text', '--margin', NUMBER], {}],
    ['qr --terminal --margin (out of range)', ['qr', 'text', '--terminal', '--margin', NUMBER], {}],
    ['qr --account (too long)', ['qr', '--account', WORD.repeat(40)], { env }],
    ['backup-codes --count (not a number)', ['backup-codes', '--count', WORD], {}],
    ['backup-codes --count (out of range)', ['backup-codes', '--count', NUMBER], {}],
    ['backup-codes --length (not a number)', ['backup-codes', '--length', WORD], {}],
    ['backup-codes --length (out of range)', ['backup-codes', '--length', NUMBER], {}],
    ['a value given to a flag', ['code', `--secret-stdin=${WORD}`], { env }],
    ['a value given to an unknown option', ['code', `--secrets=${WORD}`], { env }],
  ];

  it.each(cases)('%s', (_name, args, options) => {
    const r = cli(args, options);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^two-factor: [^\n]+\n$/);
    for (const sentinel of [WORD, NUMBER]) {
      expect(r.stderr).not.toContain(sentinel);
      expect(r.stdout).not.toContain(sentinel);
    }
    // Nor a shortened or reformatted copy of it.
    expect(r.stderr).not.toMatch(/SENTINEL|9876543/i);
  });

  it('the errors still name the option', () => {
    expect(cli(['code', '--secret-env', WORD]).stderr).toContain('"--secret-env"');
    expect(cli(['code', '--digits', NUMBER], { env }).stderr).toMatch(/"(--)?digits"/);
    expect(cli(['qr', 'text', '--out', `/nonexistent-${WORD}/qr.svg`]).stderr).toMatch(/"--out" .*ENOENT/);
  });
});

describe('uri', () => {
  it('prints a URI that parses back to the given parameters', () => {
    const r = cli(['uri', '--account', 'alice@example.com', '--issuer', 'Inwork Jobs', '--algorithm', 'SHA256', '--digits', '8', '--period', '60'], {
      env: { TWO_FACTOR_SECRET: OTHER },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const parsed = parseOtpauthUri(r.stdout.trim());
    expect(parsed).toEqual({ type: 'totp', secret: decodeBase32(OTHER), accountName: 'alice@example.com', issuer: 'Inwork Jobs', algorithm: 'SHA256', digits: 8, period: 60 });
  });

  it('an HOTP URI with --counter', () => {
    const parsed = parseOtpauthUri(cli(['uri', '--account', 'bob', '--counter', '42'], { env: { TWO_FACTOR_SECRET: OTHER } }).stdout.trim());
    expect(parsed).toMatchObject({ type: 'hotp', accountName: 'bob' });
    expect(BigInt(parsed.counter!)).toBe(42n);
  });

  it('without a secret: generates one and prints it on stderr as "secret: …", the URI holds it', () => {
    const r = cli(['uri', '--account', 'alice']);
    expect(r.status).toBe(0);
    const printed = /^secret: ([A-Z2-7]{32})\n$/.exec(r.stderr)?.[1];
    expect(printed).toBeDefined();
    expect(parseOtpauthUri(r.stdout.trim()).secret).toEqual(decodeBase32(printed!));
    // As both helps say.
    for (const command of ['uri', 'qr']) expect(cli([command, '--help']).stdout.replace(/\s+/g, ' ')).toContain('printed on standard error');
  });
});

describe('qr', () => {
  it('TEXT to standard output as SVG, decoded back by jsQR and ZXing-C++', () => {
    const text = 'otpauth://totp/Inwork%20Jobs:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Inwork%20Jobs';
    const r = cli(['qr', text]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^<svg[^]*<\/svg>\n$/);
    expect(read(rasterise(r.stdout, 400))).toEqual({ jsqr: text, zxing: [text] });
  });

  it('--out FILE from the uri options: the file decodes to the URI `uri` prints for the same options', () => {
    const options = ['--account', 'jürgen@example.com', '--issuer', 'InworkJobs', '--digits', '8'];
    const env = { TWO_FACTOR_SECRET: OTHER };
    const uri = cli(['uri', ...options], { env }).stdout.trim();
    const file = join(work, 'qr.svg');
    const r = cli(['qr', ...options, '--out', file, '--level', 'Q'], { env });
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(read(rasterise(readFileSync(file, 'utf8'), 400))).toEqual({ jsqr: uri, zxing: [uri] });
  });

  it('--out writes the file readable by its owner only (0600), also over an existing 0644 file', () => {
    const fresh = join(work, 'private-new.svg');
    expect(cli(['qr', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', '--out', fresh]).status).toBe(0);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    const existing = join(work, 'private-old.svg');
    writeFileSync(existing, 'x'.repeat(100_000), { mode: 0o644 });
    chmodSync(existing, 0o644);
    expect(cli(['qr', 'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP', '--out', existing]).status).toBe(0);
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    expect(readFileSync(existing, 'utf8')).toMatch(/^<svg[^]*<\/svg>\n$/); // the old, longer content is gone
  });

  it.each([[[], 2], [['--margin', '1'], 1], [['--level', 'H'], 2]] as const)('--terminal %j reads back as the module matrix', (extra, margin) => {
    const text = 'otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP';
    const r = cli(['qr', text, '--terminal', ...extra]);
    expect(r.status).toBe(0);
    const level = extra[0] === '--level' ? (extra[1] as 'H') : undefined;
    const expected = qrModules(text, { errorCorrection: level });
    // Blocks are light modules, so a dark terminal background shows through as the dark ones.
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    const grid: boolean[][] = [];
    for (const line of lines) {
      const chars = [...line];
      grid.push(chars.map((c) => c === ' ' || c === '▄'), chars.map((c) => c === ' ' || c === '▀'));
    }
    const size = expected.length + 2 * margin;
    expect(lines.every((line) => [...line].length === size)).toBe(true);
    const inner = grid.slice(margin, margin + expected.length).map((row) => row.slice(margin, margin + expected.length));
    expect(inner).toEqual(expected);
    // The quiet zone is light all round (the padding half-row of an odd height included).
    expect(grid.slice(0, margin).flat().concat(grid.slice(margin + expected.length).flat()).some(Boolean)).toBe(false);
    // And the text rendering scans: 8 px per module, read by jsQR.
    const px = 8;
    const rgba = new Uint8Array(size * px * size * px * 4).fill(255);
    for (let y = 0; y < size * px; y++) for (let x = 0; x < size * px; x++) if (grid[Math.floor(y / px)]![Math.floor(x / px)]) rgba.fill(0, (y * size * px + x) * 4, (y * size * px + x) * 4 + 3);
    const decoded = decodeWithJsqr({ width: size * px, height: size * px, rgba });
    expect(decoded && new TextDecoder().decode(decoded)).toBe(text);
  });
});

describe('backup-codes', () => {
  it('prints 10 distinct codes by default; --count and --length', () => {
    const codes = cli(['backup-codes']).stdout.trim().split('\n');
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const custom = cli(['backup-codes', '--count', '4', '--length', '12']).stdout.trim().split('\n');
    expect(custom).toHaveLength(4);
    for (const code of custom) expect(code.replace(/-/g, '')).toHaveLength(12);
  });

  it('--hash adds the string to store; it verifies each printed code and nothing else', async () => {
    const lines = cli(['backup-codes', '--count', '3', '--hash']).stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    const hash = lines[3]!.replace(/^hash: /, '');
    expect(lines[3]).toMatch(/^hash: /);
    for (const code of lines.slice(0, 3)) expect(hash).not.toContain(code);
    expect(await verifyBackupCode(hash, lines[1]!)).toMatchObject({ valid: true, index: 1 });
    expect(await verifyBackupCode(hash, 'aaaaa-aaaaa')).toEqual({ valid: false });
  });
});

describe('a reader that closes the pipe early', () => {
  // Like `| head -0`: the reading end is closed before the CLI writes, so every write fails with EPIPE. The
  // CLI stops quietly, keeping the status it decided.
  const piped = async (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { status, stderr };
  };

  it('backup-codes --hash: exit 0, no stack trace', async () => {
    expect(await piped(['backup-codes', '--hash'])).toEqual({ status: 0, stderr: '' });
  });

  it('verify keeps its status: 1 for a wrong code, 0 for a right one', async () => {
    const env = { S: SECRET };
    const right = cli(['code', '--secret-env', 'S'], { env }).stdout.trim();
    const wrong = right === '000000' ? '111111' : '000000';
    expect(await piped(['verify', wrong, '--secret-env', 'S'], env)).toEqual({ status: 1, stderr: '' });
    expect(await piped(['verify', right, '--secret-env', 'S'], env)).toEqual({ status: 0, stderr: '' });
  });
});

describe('secrets off the command line', () => {
  const expected = `${oathtool(['--totp', '-d', '8', '-N', '@59', '-b', SECRET])}\n`;
  const args = ['code', '--digits', '8', '--time', '@59'];

  it('from standard input (--secret-stdin)', () => {
    expect(cli([...args, '--secret-stdin'], { input: `${SECRET}\n` })).toEqual({ status: 0, stdout: expected, stderr: '' });
  });

  it('from a named environment variable (--secret-env NAME)', () => {
    expect(cli([...args, '--secret-env', 'MY_TOTP_KEY'], { env: { MY_TOTP_KEY: SECRET } })).toEqual({ status: 0, stdout: expected, stderr: '' });
  });

  it('from TWO_FACTOR_SECRET', () => {
    expect(cli(args, { env: { TWO_FACTOR_SECRET: SECRET } })).toEqual({ status: 0, stdout: expected, stderr: '' });
  });

  it('an explicit option wins over TWO_FACTOR_SECRET', () => {
    expect(cli([...args, '--secret-stdin'], { input: SECRET, env: { TWO_FACTOR_SECRET: OTHER } }).stdout).toBe(expected);
    expect(cli([...args, '--secret', SECRET], { env: { TWO_FACTOR_SECRET: OTHER } }).stdout).toBe(expected);
  });
});

describe('bad input: exit status ≠ 0, one line on stderr, no stack trace, no secret', () => {
  const bad = 'JBSWY3DPEHPK3PX1'; // '1' is not base32
  const cases: [string, string[], { env?: Record<string, string>; input?: string }, RegExp][] = [
    // The unknown command is not repeated: it may be a secret pasted in the wrong place.
    ['unknown command', ['frobnicate'], {}, /unknown command, expected one of secret, key, code, verify, uri, qr, backup-codes/],
    ['a secret in place of the command', [SECRET], {}, /unknown command/],
    ['--secret=… before the command', [`--secret=${SECRET}`, 'code'], {}, /unknown command/],
    ['an Object.prototype name as the command', ['toString'], {}, /unknown command/],
    ['an Object.prototype name with --help', ['constructor', '--help'], {}, /unknown command/],
    ['bad base32 on the command line', ['code', '--secret', bad], {}, /"secret" must be base32/],
    ['bad base32 in TWO_FACTOR_SECRET', ['code'], { env: { TWO_FACTOR_SECRET: bad } }, /"secret" must be base32/],
    ['bad base32 on stdin', ['code', '--secret-stdin'], { input: bad }, /"secret" must be base32/],
    ['empty stdin', ['code', '--secret-stdin'], { input: '' }, /no secret on standard input/],
    ['digits 3', ['code', '--digits', '3'], { env: { TWO_FACTOR_SECRET: SECRET } }, /"digits" must be an integer 6–10$/m],
    ['digits not a number', ['code', '--digits', 'six'], { env: { TWO_FACTOR_SECRET: SECRET } }, /"--digits" must be an integer/],
    ['unknown algorithm', ['code', '--algorithm', 'MD5'], { env: { TWO_FACTOR_SECRET: SECRET } }, /"algorithm" must be/],
    ['period 0', ['code', '--period', '0'], { env: { TWO_FACTOR_SECRET: SECRET } }, /"period" must be/],
    ['bad time', ['code', '--time', 'yesterday'], { env: { TWO_FACTOR_SECRET: SECRET } }, /"--time" must be/],
    ['negative counter', ['code', '--counter', '-1'], { env: { TWO_FACTOR_SECRET: SECRET } }, /"--counter"|argument/],
    ['unknown flag', ['code', '--sceret', SECRET], {}, /unknown option "--sceret" for "code"/],
    ['unknown flag with =value', ['code', `--sceret=${SECRET}`], {}, /unknown option "--sceret"/],
    ['missing option value', ['code', '--digits'], { env: { TWO_FACTOR_SECRET: SECRET } }, /--digits/],
    ['missing secret', ['code'], {}, /no secret given/],
    ['unset --secret-env variable', ['code', '--secret-env', 'NOPE'], {}, /the environment variable named by "--secret-env" is not set/],
    ['two secret sources', ['code', '--secret', SECRET, '--secret-stdin'], { input: SECRET }, /one way only/],
    ['secret as a stray argument', ['code', SECRET], {}, /"code" takes no arguments, got 1/],
    ['verify without a code', ['verify'], { env: { TWO_FACTOR_SECRET: SECRET } }, /exactly one CODE/],
    ['secret too short', ['secret', '--bytes', '8'], {}, /"bytes" must be an integer 16–1024$/m],
    ['unknown format', ['secret', '--format', 'pem'], {}, /"--format" must be/],
    ['uri without account', ['uri'], { env: { TWO_FACTOR_SECRET: SECRET } }, /"--account" is required/],
    ['qr level X', ['qr', 'text', '--level', 'X'], {}, /errorCorrection/],
    ['qr --out into a missing directory', ['qr', 'text', '--out', '/nonexistent-dir/qr.svg'], {}, /"--out" must be .*ENOENT/],
    ['qr --terminal with a huge margin', ['qr', 'text', '--terminal', '--margin', '100000'], {}, /"--margin" must be an integer 0–64$/m],
    ['qr --terminal with a negative margin', ['qr', 'text', '--terminal', '--margin=-1'], {}, /"--margin" must be an integer 0–64$/m],
    ['backup codes count 0', ['backup-codes', '--count', '0'], {}, /"count" must be/],
  ];

  it.each(cases)('%s', (_name, args, options, message) => {
    const r = cli(args, options);
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBe(null);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^two-factor: [^\n]+\n$/);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('unexpected error');
    for (const secret of [SECRET, bad, OTHER]) expect(r.stderr).not.toContain(secret);
  });

  it('usage errors exit 2, a wrong code exits 1: scripts can tell them apart', () => {
    expect(cli(['code', '--digits', '3'], { env: { TWO_FACTOR_SECRET: SECRET } }).status).toBe(2);
    expect(cli(['verify', '000000', '--time', '@59'], { env: { TWO_FACTOR_SECRET: SECRET } }).status).toBe(1);
  });
});
