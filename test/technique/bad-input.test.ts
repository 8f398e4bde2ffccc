// A table of malformed arguments thrown at every public core function. Each must end in a
// TwoFactorError with the right stable code and a message naming the field — never a bare TypeError,
// never a hang, never the secret or the code echoed back. A malformed *code* is a result, not an error.
import { describe, expect, it } from 'vitest';
import { fastestMs } from '../support/timing.js';
import {
  TwoFactorError,
  decodeBase32,
  encodeBase32,
  formatSetupKey,
  generateHotp,
  generateSecret,
  generateTotp,
  secondsRemaining,
  timeStep,
  verifyHotp,
  verifyTotp,
} from '../../src/index.js';

const SECRET = 'OBUYIZLSN5ZWKY3SMV2A'; // base32 of 'piHerosecret' — distinctive enough to search messages for
const SECRET_BYTES = decodeBase32(SECRET);
const CODE = '314159';
const ONE_MB = 'A'.repeat(1 << 20);
const ONE_MB_DIGITS = '7'.repeat(1 << 20);
// Generous: the point is "no hang, no quadratic work on 1 MB", not a benchmark (2 busy cores here).
const FAST_MS = 250;


type Case = { name: string; call: () => unknown; code: 'INVALID_SECRET' | 'INVALID_OPTION'; field: string };
const cases: Case[] = [];
const add = (name: string, call: () => unknown, code: Case['code'], field: string) => cases.push({ name, call, code, field });
const label = (value: unknown): string => {
  if (typeof value === 'string') return value.length > 20 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'bigint') return value > 2n ** 70n ? 'huge bigint' : `${value}n`;
  if (typeof value === 'symbol') return 'Symbol()';
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (value instanceof Uint8Array || value instanceof Uint16Array) return `${value.constructor.name}(${value.length})`;
  if (typeof value === 'number') return String(value);
  try { return JSON.stringify(value) ?? String(value); } catch { return typeof value; }
};

const WRONG_TYPES: unknown[] = [null, {}, [], true, Symbol('x'), () => 1];
const BAD_NUMBERS: unknown[] = [NaN, Infinity, -Infinity, -1, 1.5, 1e300, '1', 1n, ...WRONG_TYPES];

// Secrets: bad as a type, empty, not base32, impossible length, too long, 1 MB.
const BAD_SECRETS: unknown[] = [
  undefined, null, {}, [], 1, 1n, NaN, Symbol('s'), true, new Uint8Array(0), new Uint8Array(1025), new Uint16Array(4),
  new ArrayBuffer(20), '', '   ', '====', 'A', 'ABC', 'ABCDEF', '0000', '1111', 'ıııııııı', 'ſſſſſſſſ', `${SECRET}!`, 'A'.repeat(4097), ONE_MB,
];
const BAD_ALGORITHMS: unknown[] = ['sha1', 'SHA-1', 'sha256', 'MD5', 'SHA384', '', null, 1, {}, [], Symbol('a')];
const BAD_DIGITS: unknown[] = [3, 5, 11, 6.5, 0, -6, NaN, Infinity, 1e300, '6', 6n, 2n ** (2n ** 22n), null, {}, Symbol('d')];
const BAD_OPTIONS: unknown[] = [null, [], 1, '1', 1n, true, Symbol('o')];
const BAD_NOW: unknown[] = [NaN, Infinity, -Infinity, -1, 8.64e15 + 1, 1e300, new Date(NaN), '0', 0n, null, {}, [], true, Symbol('n')];
const BAD_PERIODS: unknown[] = [0, -1, 1.5, NaN, Infinity, 2 ** 32, 1e300, '30', 30n, null, {}, Symbol('p')];
const BAD_EPOCHS: unknown[] = [-1, 1.5, NaN, Infinity, 2 ** 53, '0', 0n, null, {}];
const BAD_COUNTERS: unknown[] = [
  NaN, Infinity, -Infinity, -1, -0.5, 1.5, 2 ** 53, 1e300, -1n, 2n ** 64n, 2n ** 1000n, -(2n ** 1000n), 2n ** (2n ** 22n), undefined, null, '1', '0x10', {}, [], true,
  Symbol('c'), new Date(0),
];

// --- generateSecret
for (const v of BAD_OPTIONS) add(`generateSecret(${label(v)})`, () => generateSecret(v as never), 'INVALID_OPTION', 'options');
for (const v of [...BAD_NUMBERS, 0, 15, 1025, 2 ** 31]) add(`generateSecret({ bytes: ${label(v)} })`, () => generateSecret({ bytes: v as never }), 'INVALID_OPTION', 'bytes');

// --- encodeBase32: its argument is bytes, so a wrong type is an option error
for (const v of [undefined, null, {}, [], 'AAAA', 1, 1n, Symbol('b'), new Uint16Array(2), new ArrayBuffer(4), [1, 2, 3]]) {
  add(`encodeBase32(${label(v)})`, () => encodeBase32(v as never), 'INVALID_OPTION', 'bytes');
}

// --- decodeBase32, formatSetupKey: the whole argument is a secret
for (const v of BAD_SECRETS.filter((s) => !(s instanceof Uint8Array))) {
  add(`decodeBase32(${label(v)})`, () => decodeBase32(v as never), 'INVALID_SECRET', 'text');
}
for (const v of BAD_SECRETS) add(`formatSetupKey(${label(v)})`, () => formatSetupKey(v as never), 'INVALID_SECRET', 'secret');

// --- the four OTP functions
const otpFunctions: Record<string, (secret: unknown, options: unknown) => unknown> = {
  generateHotp: (s, o) => generateHotp(s as never, 1, o as never),
  verifyHotp: (s, o) => verifyHotp(s as never, CODE, 1, o as never),
  generateTotp: (s, o) => generateTotp(s as never, o as never),
  verifyTotp: (s, o) => verifyTotp(s as never, CODE, o as never),
};
for (const [name, fn] of Object.entries(otpFunctions)) {
  for (const v of BAD_SECRETS) add(`${name}(secret ${label(v)})`, () => fn(v, undefined), 'INVALID_SECRET', 'secret');
  for (const v of BAD_OPTIONS) add(`${name}(options ${label(v)})`, () => fn(SECRET, v), 'INVALID_OPTION', 'options');
  for (const v of BAD_ALGORITHMS) add(`${name}({ algorithm: ${label(v)} })`, () => fn(SECRET, { algorithm: v }), 'INVALID_OPTION', 'algorithm');
  for (const v of BAD_DIGITS) add(`${name}({ digits: ${label(v)} })`, () => fn(SECRET, { digits: v }), 'INVALID_OPTION', 'digits');
}
for (const v of BAD_COUNTERS) {
  add(`generateHotp(counter ${label(v)})`, () => generateHotp(SECRET, v as never), 'INVALID_OPTION', 'counter');
  add(`verifyHotp(counter ${label(v)})`, () => verifyHotp(SECRET, CODE, v as never), 'INVALID_OPTION', 'counter');
}
for (const v of [...BAD_NUMBERS, 1001, 1e6]) {
  add(`verifyHotp({ lookAhead: ${label(v)} })`, () => verifyHotp(SECRET, CODE, 0, { lookAhead: v as never }), 'INVALID_OPTION', 'lookAhead');
}

// --- time options, on every function that takes them
const timeFunctions: Record<string, (options: unknown) => unknown> = {
  generateTotp: (o) => generateTotp(SECRET, o as never),
  verifyTotp: (o) => verifyTotp(SECRET, CODE, o as never),
  timeStep: (o) => timeStep(o as never),
  secondsRemaining: (o) => secondsRemaining(o as never),
};
for (const [name, fn] of Object.entries(timeFunctions)) {
  if (name === 'timeStep' || name === 'secondsRemaining') {
    for (const v of BAD_OPTIONS) add(`${name}(${label(v)})`, () => fn(v), 'INVALID_OPTION', 'options');
  }
  for (const v of BAD_NOW) add(`${name}({ now: ${label(v)} })`, () => fn({ now: v }), 'INVALID_OPTION', 'now');
  for (const v of BAD_PERIODS) add(`${name}({ period: ${label(v)} })`, () => fn({ now: 0, period: v }), 'INVALID_OPTION', 'period');
  for (const v of BAD_EPOCHS) add(`${name}({ epoch: ${label(v)} })`, () => fn({ now: 1e12, epoch: v }), 'INVALID_OPTION', 'epoch');
  // A moment before T0 has no time step.
  add(`${name}({ now: 0, epoch: 1 })`, () => fn({ now: 0, epoch: 1 }), 'INVALID_OPTION', 'now');
}

// --- verifyTotp window and afterStep
const windowCases: [unknown, string][] = [
  [-1, 'window'], [101, 'window'], [1.5, 'window'], [NaN, 'window'], [Infinity, 'window'], ['1', 'window'], [1n, 'window'],
  [null, 'window'], [[], 'window'], [[1, 1], 'window'], [true, 'window'], [Symbol('w'), 'window'],
  [{ past: -1, future: 1 }, 'window.past'], [{ past: -1 }, 'window.past'], [{ past: 1.5, future: 1 }, 'window.past'], [{ past: '1', future: 1 }, 'window.past'],
  [{ past: 101, future: 0 }, 'window.past'], [{ past: 1, future: 101 }, 'window.future'], [{ past: 1, future: NaN }, 'window.future'], [{ future: -1 }, 'window.future'],
];
for (const [v, field] of windowCases) add(`verifyTotp({ window: ${label(v)} })`, () => verifyTotp(SECRET, CODE, { window: v as never }), 'INVALID_OPTION', field);
for (const v of [1.5, NaN, Infinity, -Infinity, 2 ** 53, '1', 1n, null, {}, [], Symbol('a')]) {
  add(`verifyTotp({ afterStep: ${label(v)} })`, () => verifyTotp(SECRET, CODE, { afterStep: v as never }), 'INVALID_OPTION', 'afterStep');
}

describe('bad arguments throw TwoFactorError with a stable code and the field name', () => {
  it('covers every public core function', () => {
    const covered = new Set(cases.map((c) => c.name.match(/^\w+/)![0]));
    expect([...covered].sort()).toEqual(
      ['decodeBase32', 'encodeBase32', 'formatSetupKey', 'generateHotp', 'generateSecret', 'generateTotp', 'secondsRemaining', 'timeStep', 'verifyHotp', 'verifyTotp'],
    );
  });

  it.each(cases)('$name → $code "$field"', ({ call, code, field }) => {
    let caught: unknown;
    const ms = fastestMs(() => {
      try {
        call();
      } catch (error) {
        caught = error;
      }
    }, FAST_MS);
    expect(ms).toBeLessThan(FAST_MS);
    expect(caught).toBeInstanceOf(TwoFactorError);
    const error = caught as TwoFactorError;
    expect(error.name).toBe('TwoFactorError');
    expect(error.code).toBe(code);
    expect(error.message.startsWith(`"${field}" must be `), error.message).toBe(true);
    expect(error.message).toMatch(/, got .+$/);
    // Never the secret, the code, or a slab of hostile input.
    expect(error.message.length).toBeLessThan(200);
    for (const forbidden of [SECRET, SECRET.toLowerCase(), CODE, 'ıııı', 'AAAAAAAAAAAAAAAA']) expect(error.message).not.toContain(forbidden);
  });
});

describe('bad codes are { valid: false }, fast, and not exceptions', () => {
  const badCodes: unknown[] = [
    undefined, null, 314159, 314159n, NaN, {}, [], ['3', '1', '4', '1', '5', '9'], true, Symbol('code'), new Uint8Array(6), new String(CODE),
    '', ' ', 'abcdef', '31415a', '3141590', '31415', '314 15', '３１４１５９', '314-159', '0x1234', ONE_MB, ONE_MB_DIGITS, `${CODE}${' '.repeat(1 << 20)}`,
  ];
  it.each(badCodes.map((code) => ({ code, name: label(code) })))('code $name', ({ code }) => {
    const ms = fastestMs(() => {
      expect(verifyTotp(SECRET, code as never, { now: 1e12 })).toEqual({ valid: false });
      expect(verifyTotp(SECRET_BYTES, code as never, { now: 1e12, window: 100 })).toEqual({ valid: false });
      expect(verifyHotp(SECRET, code as never, 0, { lookAhead: 1000 })).toEqual({ valid: false });
    }, FAST_MS);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('the same calls accept the right code (so the table above is not vacuous)', () => {
    expect(verifyTotp(SECRET, generateTotp(SECRET, { now: 1e12 }), { now: 1e12 })).toMatchObject({ valid: true });
    expect(verifyHotp(SECRET, generateHotp(SECRET, 0), 0, { lookAhead: 1000 })).toMatchObject({ valid: true, delta: 0 });
  });

  it('a malformed code is refused before any option is ignored: bad options still throw', () => {
    expect(() => verifyTotp(SECRET, 'not a code', { digits: 3 })).toThrow(TwoFactorError);
    expect(() => verifyHotp(SECRET, 'not a code', -1)).toThrow(TwoFactorError);
    expect(() => verifyTotp('not base32!', 'not a code')).toThrow(TwoFactorError);
  });
});

describe('well-formed edge arguments are accepted', () => {
  it('accepts the extremes of every range', () => {
    expect(generateSecret({ bytes: 16 })).toHaveLength(16);
    expect(generateSecret({ bytes: 1024 })).toHaveLength(1024);
    expect(generateHotp(new Uint8Array(1024).fill(1), 2n ** 64n - 1n, { digits: 10 })).toMatch(/^\d{10}$/);
    expect(generateHotp(SECRET, Number.MAX_SAFE_INTEGER)).toMatch(/^\d{6}$/);
    expect(generateTotp(SECRET, { now: 8.64e15, period: 1 })).toMatch(/^\d{6}$/);
    expect(generateTotp(SECRET, { now: 0, period: 2 ** 32 - 1 })).toMatch(/^\d{6}$/);
    expect(timeStep({ now: 8.64e15, period: 1, epoch: 8.64e12 })).toBe(0);
    expect(verifyTotp(SECRET, CODE, { window: { past: 100, future: 100 }, now: 1e12 }).valid).toBeTypeOf('boolean');
    expect(verifyTotp(SECRET, CODE, { afterStep: -(2 ** 53 - 1), now: 1e12 }).valid).toBeTypeOf('boolean');
    const longest = encodeBase32(new Uint8Array(1024).fill(255));
    expect(decodeBase32(`${longest}======`)).toHaveLength(1024);
    expect(() => decodeBase32(encodeBase32(new Uint8Array(1025)))).toThrow(TwoFactorError);
  });
});
