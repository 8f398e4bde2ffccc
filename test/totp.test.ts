// Properties of the core that users rely on: what a window accepts and rejects, the replay guard,
// HOTP look-ahead, base32 round trips and lenient decoding, code normalisation, counter ranges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TwoFactorError,
  decodeBase32,
  encodeBase32,
  formatSetupKey,
  generateHotp,
  generateTotp,
  secondsRemaining,
  timeStep,
  verifyHotp,
  verifyTotp,
  type Algorithm,
} from '../src/index.js';
import { referenceHotp, referenceStep, referenceVerifyTotp } from './support/reference.js';

const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const MAX_NOW_MS = 8.64e15;

const secretArb = fc.uint8Array({ minLength: 1, maxLength: 64 });
const algorithmArb = fc.constantFrom<Algorithm>('SHA1', 'SHA256', 'SHA512');
const digitsArb = fc.integer({ min: 6, max: 10 });
const periodArb = fc.oneof(fc.constantFrom(1, 15, 30, 60, 90, 3600), fc.integer({ min: 1, max: 100_000 }));
// Times far enough from both ends that every step of a ±6 window exists and can be generated.
const nowArb = (period: number) => fc.integer({ min: 6 * period * 1000, max: MAX_NOW_MS - 7 * period * 1000 - 1e9 });

function expectTwoFactorError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try { fn(); } catch (error) { caught = error; }
  expect(caught).toBeInstanceOf(TwoFactorError);
  expect((caught as TwoFactorError).code).toBe(code);
}

describe('verifyTotp window', () => {
  it('accepts the code of every step inside the window with the right step and delta (deterministic)', () => {
    const now = 1_111_111_111_000;
    const current = timeStep({ now });
    for (let delta = -2; delta <= 2; delta++) {
      const code = generateTotp(RFC_SECRET, { now: now + delta * 30_000 });
      expect(verifyTotp(RFC_SECRET, code, { now, window: 2 })).toEqual({ valid: true, step: current + delta, delta });
      expect(verifyTotp(RFC_SECRET, code, { now, window: { past: 2, future: 2 } })).toEqual({ valid: true, step: current + delta, delta });
    }
    for (const delta of [-3, 3]) {
      expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: now + delta * 30_000 }), { now, window: 2 })).toEqual({ valid: false });
    }
    // Default window is ±1.
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: now - 30_000 }), { now })).toMatchObject({ valid: true, delta: -1 });
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: now + 30_000 }), { now })).toMatchObject({ valid: true, delta: 1 });
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: now + 60_000 }), { now })).toEqual({ valid: false });
    // An asymmetric window: two back, none ahead.
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: now - 60_000 }), { now, window: { past: 2, future: 0 } })).toMatchObject({ delta: -2 });
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: now + 30_000 }), { now, window: { past: 2, future: 0 } })).toEqual({ valid: false });
  });

  it('generate→verify at every delta inside the window, rejection just outside (property)', () => {
    fc.assert(
      fc.property(
        secretArb, algorithmArb, digitsArb, periodArb.chain((period) => fc.tuple(fc.constant(period), nowArb(period))),
        fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.boolean(), fc.integer({ min: 0, max: 1_000_000 }),
        (secret, algorithm, digits, [period, nowOffset], past, future, symmetric, epoch) => {
          if (symmetric) future = past;
          const now = nowOffset + epoch * 1000;
          const window = symmetric ? past : { past, future };
          const options = { algorithm, digits, period, epoch };
          const current = timeStep({ now, period, epoch });
          expect(current).toBe(referenceStep(now, period, epoch));
          for (let delta = -past - 1; delta <= future + 1; delta++) {
            const code = generateTotp(secret, { ...options, now: now + delta * period * 1000 });
            const result = verifyTotp(secret, code, { ...options, now, window });
            const expected = referenceVerifyTotp(secret, code, { ...options, nowMs: now, past, future });
            expect(result).toEqual(expected);
            if (delta >= -past && delta <= future) {
              // Inside: valid; the reported step is this one unless a closer step has the same code.
              expect(result.valid).toBe(true);
              if (result.valid && result.delta !== delta) expect(Math.abs(result.delta)).toBeLessThanOrEqual(Math.abs(delta));
            } else if (result.valid) {
              // Outside: only a collision with a step inside may match, never the outside step itself.
              expect(result.delta).not.toBe(delta);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('window 0 accepts only the current step', () => {
    fc.assert(
      fc.property(secretArb, fc.integer({ min: 30_000, max: 4e12 }), (secret, now) => {
        const code = generateTotp(secret, { now });
        expect(verifyTotp(secret, code, { now, window: 0 })).toEqual({ valid: true, step: Math.floor(now / 30_000), delta: 0 });
        const previous = generateTotp(secret, { now: now - 30_000 });
        if (previous !== code) expect(verifyTotp(secret, previous, { now, window: 0 })).toEqual({ valid: false });
      }),
    );
  });

  it('when two steps match, the one closer to now wins, the earlier on a tie', () => {
    // Found by search: with the RFC 4226 secret, steps 153567 and 153569 both have the code 468457.
    const now = 153_568 * 30_000;
    expect(generateTotp(RFC_SECRET, { now: now - 30_000 })).toBe('468457');
    expect(generateTotp(RFC_SECRET, { now: now + 30_000 })).toBe('468457');
    expect(generateTotp(RFC_SECRET, { now })).not.toBe('468457');
    expect(verifyTotp(RFC_SECRET, '468457', { now })).toEqual({ valid: true, step: 153_567, delta: -1 });
    // The replay guard removes the earlier one: the later one is then the match.
    expect(verifyTotp(RFC_SECRET, '468457', { now, afterStep: 153_567 })).toEqual({ valid: true, step: 153_569, delta: 1 });
    // Closer beats earlier: seen from step 153569, the match at distance 0 wins over the one 2 back.
    expect(verifyTotp(RFC_SECRET, '468457', { now: now + 30_000, window: 2 })).toEqual({ valid: true, step: 153_569, delta: 0 });
    // HOTP looks forward only and takes the first match.
    expect(verifyHotp(RFC_SECRET, '468457', 153_567, { lookAhead: 2 })).toEqual({ valid: true, counter: 153_567n, delta: 0 });
  });

  it('never accepts a step before 0 (a window reaching below T0 is clipped)', () => {
    // At now = 0 only steps 0 and 1 exist for window 1; the code of step 0 still verifies.
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: 0 }), { now: 0 })).toEqual({ valid: true, step: 0, delta: 0 });
    expect(verifyTotp(RFC_SECRET, generateTotp(RFC_SECRET, { now: 30_000 }), { now: 0 })).toEqual({ valid: true, step: 1, delta: 1 });
  });
});

describe('verifyTotp afterStep (replay guard)', () => {
  it('steps ≤ afterStep never match, the next one does (deterministic)', () => {
    const now = 1_234_567_890_000;
    const current = timeStep({ now });
    const code = generateTotp(RFC_SECRET, { now });
    const accepted = verifyTotp(RFC_SECRET, code, { now });
    expect(accepted).toEqual({ valid: true, step: current, delta: 0 });
    // Storing the accepted step makes the same code useless, even later inside its window.
    expect(verifyTotp(RFC_SECRET, code, { now, afterStep: current })).toEqual({ valid: false });
    expect(verifyTotp(RFC_SECRET, code, { now: now + 30_000, afterStep: current })).toEqual({ valid: false });
    // The next step's code is still accepted.
    const next = generateTotp(RFC_SECRET, { now: now + 30_000 });
    expect(verifyTotp(RFC_SECRET, next, { now, afterStep: current })).toEqual({ valid: true, step: current + 1, delta: 1 });
    // afterStep one below: the current code passes again.
    expect(verifyTotp(RFC_SECRET, code, { now, afterStep: current - 1 })).toEqual({ valid: true, step: current, delta: 0 });
  });

  it('agrees with the reference rule for any afterStep around the window (property)', () => {
    fc.assert(
      fc.property(
        secretArb, fc.integer({ min: 300_000, max: 4e12 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: -6, max: 6 }),
        (secret, now, window, afterOffset) => {
          const current = timeStep({ now });
          const afterStep = current + afterOffset;
          for (let delta = -window; delta <= window; delta++) {
            const code = generateTotp(secret, { now: now + delta * 30_000 });
            const result = verifyTotp(secret, code, { now, window, afterStep });
            expect(result).toEqual(referenceVerifyTotp(secret, code, { nowMs: now, period: 30, epoch: 0, algorithm: 'SHA1', digits: 6, past: window, future: window, afterStep }));
            if (result.valid) expect(result.step).toBeGreaterThan(afterStep);
            if (current + delta > afterStep) expect(result.valid).toBe(true);
          }
        },
      ),
    );
  });
});

describe('timeStep and secondsRemaining', () => {
  it('timeStep is floor((seconds − epoch) / period); secondsRemaining counts down to the next step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 2e9 }), fc.integer({ min: 0, max: 8e15 }), (period, epoch, offsetMs) => {
        const now = epoch * 1000 + offsetMs;
        if (now > MAX_NOW_MS) return;
        const step = timeStep({ now, period, epoch });
        expect(step).toBe(referenceStep(now, period, epoch));
        expect(timeStep({ now: new Date(now), period, epoch })).toBe(step);
        const remaining = secondsRemaining({ now, period, epoch });
        expect(remaining).toBeGreaterThanOrEqual(1);
        expect(remaining).toBeLessThanOrEqual(period);
        const boundaryMs = (Math.floor(now / 1000) + remaining) * 1000;
        if (boundaryMs <= MAX_NOW_MS) expect(timeStep({ now: boundaryMs, period, epoch })).toBe(step + 1);
        expect(timeStep({ now: boundaryMs - 1, period, epoch })).toBe(step);
      }),
    );
    expect(timeStep({ now: 59_000 })).toBe(1);
    expect(secondsRemaining({ now: 59_000 })).toBe(1);
    expect(secondsRemaining({ now: 60_000 })).toBe(30);
  });
});

describe('verifyHotp lookAhead', () => {
  it('finds counter + k for every k ≤ lookAhead with delta k, never counter − 1 or counter + lookAhead + 1', () => {
    fc.assert(
      fc.property(
        secretArb, fc.bigInt({ min: 1n, max: 2n ** 64n - 12n }), fc.integer({ min: 0, max: 10 }), digitsArb,
        (secret, counter, lookAhead, digits) => {
          const codes = Array.from({ length: lookAhead + 2 }, (_, k) => referenceHotp(secret, counter + BigInt(k), 'SHA1', digits));
          for (let k = 0; k <= lookAhead + 1; k++) {
            const code = generateHotp(secret, counter + BigInt(k), { digits });
            expect(code).toBe(codes[k]);
            const first = codes.indexOf(code); // HOTP looks forward and takes the earliest match
            const expected = first <= lookAhead ? { valid: true, counter: counter + BigInt(first), delta: first } : { valid: false };
            expect(verifyHotp(secret, code, counter, { digits, lookAhead })).toEqual(expected);
          }
          const before = generateHotp(secret, counter - 1n, { digits });
          if (!codes.slice(0, lookAhead + 1).includes(before)) expect(verifyHotp(secret, before, counter, { digits, lookAhead })).toEqual({ valid: false });
        },
      ),
      { numRuns: 80 },
    );
  });

  it('stops at 2^64 − 1 instead of wrapping to counter 0', () => {
    const last = 2n ** 64n - 1n;
    expect(verifyHotp(RFC_SECRET, generateHotp(RFC_SECRET, last), last - 2n, { lookAhead: 5 })).toEqual({ valid: true, counter: last, delta: 2 });
    expect(verifyHotp(RFC_SECRET, generateHotp(RFC_SECRET, 0), last - 2n, { lookAhead: 5 })).toEqual({ valid: false });
  });
});

describe('counters', () => {
  it('bigint counters up to 2^64 − 1 agree with node:crypto, across the 32-bit halves', () => {
    fc.assert(
      fc.property(secretArb, algorithmArb, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (secret, algorithm, counter) => {
        expect(generateHotp(secret, counter, { algorithm })).toBe(referenceHotp(secret, counter, algorithm));
      }),
      { numRuns: 300 },
    );
    for (const counter of [0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]) {
      expect(generateHotp(RFC_SECRET, counter)).toBe(referenceHotp(RFC_SECRET, counter));
    }
  });

  it('number counters up to 2^53 − 1 agree with node:crypto and with the same bigint', () => {
    fc.assert(
      fc.property(secretArb, fc.maxSafeNat(), (secret, counter) => {
        const code = generateHotp(secret, counter);
        expect(code).toBe(referenceHotp(secret, BigInt(counter)));
        expect(generateHotp(secret, BigInt(counter))).toBe(code);
      }),
      { numRuns: 300 },
    );
    expect(generateHotp(RFC_SECRET, Number.MAX_SAFE_INTEGER)).toBe(referenceHotp(RFC_SECRET, 2n ** 53n - 1n));
  });
});

describe('codes typed by people', () => {
  it('a correct code with spaces anywhere verifies', () => {
    fc.assert(
      fc.property(secretArb, digitsArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (secret, digits, positions) => {
        const now = 1_700_000_000_000;
        const code = generateTotp(secret, { now, digits });
        const addSpaces = (text: string) =>
          positions.reduce((acc, p) => {
            const at = p % (acc.length + 1);
            return `${acc.slice(0, at)} ${acc.slice(at)}`;
          }, text);
        expect(verifyTotp(secret, addSpaces(code), { now, digits })).toMatchObject({ valid: true, delta: 0 });
        expect(verifyHotp(secret, addSpaces(generateHotp(secret, 5, { digits })), 5, { digits })).toEqual({ valid: true, counter: 5n, delta: 0 });
      }),
    );
    expect(verifyTotp(RFC_SECRET, '942 870 82', { now: 59_000, digits: 8 })).toEqual({ valid: true, step: 1, delta: 0 });
  });

  it('a code of the wrong length or with non-digits is { valid: false }', () => {
    const now = 59_000;
    const code = generateTotp(RFC_SECRET, { now, digits: 8 }); // '94287082'
    for (const bad of [
      code.slice(1), `${code}0`, `0${code}`, code.slice(0, 6), '', ' ', `${code.slice(0, 7)}a`, `${code.slice(0, 7)}-`,
      `-${code.slice(1)}`, `+${code.slice(1)}`, `${code.slice(0, 4)}.${code.slice(5)}`, '９４２８７０８２', `${code}\n`, `\t${code}`,
      '1e7', 'NaN', '0x1234', `${code.slice(0, 7)}\u0000`,
    ]) {
      expect(verifyTotp(RFC_SECRET, bad, { now, digits: 8 }), JSON.stringify(bad)).toEqual({ valid: false });
      expect(verifyHotp(RFC_SECRET, bad, 1, { digits: 8 }), JSON.stringify(bad)).toEqual({ valid: false });
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (text) => {
        fc.pre(!/^[0-9 ]*$/.test(text));
        expect(verifyTotp(RFC_SECRET, text, { now })).toEqual({ valid: false });
      }),
    );
  });
});

describe('base32', () => {
  it('RFC 4648 §10 vectors (unpadded)', () => {
    const cases: [string, string][] = [['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of cases) {
      const bytes = new TextEncoder().encode(plain);
      expect(encodeBase32(bytes)).toBe(encoded);
      expect(decodeBase32(encoded)).toEqual(bytes);
      expect(decodeBase32(encoded.padEnd(Math.ceil(encoded.length / 8) * 8, '='))).toEqual(bytes);
    }
    expect(encodeBase32(new Uint8Array(0))).toBe('');
  });

  it('round trip: decode(encode(bytes)) = bytes, upper case, no padding, ⌈8n/5⌉ characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 1024 }), (bytes) => {
        const text = encodeBase32(bytes);
        expect(text).toMatch(/^[A-Z2-7]+$/);
        expect(text.length).toBe(Math.ceil((bytes.length * 8) / 5));
        expect(decodeBase32(text)).toEqual(bytes);
        // A subarray view encodes its own bytes, not the whole buffer.
        const padded = new Uint8Array(bytes.length + 2);
        padded.set(bytes, 1);
        expect(encodeBase32(padded.subarray(1, 1 + bytes.length))).toBe(text);
        expect(decodeBase32(formatSetupKey(bytes))).toEqual(bytes);
        expect(formatSetupKey(bytes)).toMatch(/^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/);
      }),
    );
  });

  it('lenient decoding (random case, spaces, hyphens, padding) equals strict decoding', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.array(fc.boolean(), { maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '-', '  ', '\t', '\n', ' - ')), { maxLength: 10 }),
        fc.boolean(),
        (bytes, lower, separators, pad) => {
          const strict = encodeBase32(bytes);
          let text = [...strict].map((c, i) => (lower[i] ? c.toLowerCase() : c)).join('');
          for (const [p, sep] of separators) {
            const at = p % (text.length + 1);
            text = text.slice(0, at) + sep + text.slice(at);
          }
          if (pad) text += '='.repeat((8 - (strict.length % 8)) % 8);
          expect(decodeBase32(text)).toEqual(decodeBase32(strict));
          expect(generateHotp(text, 7)).toBe(generateHotp(bytes, 7));
        },
      ),
    );
  });

  it('impossible lengths (1, 3 or 6 mod 8) are INVALID_SECRET', () => {
    const base32Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.constantFrom(1, 3, 6), fc.array(base32Char, { minLength: 326, maxLength: 326 }), (groups, rest, chars) => {
        const text = chars.slice(0, groups * 8 + rest).join('');
        expectTwoFactorError(() => decodeBase32(text), 'INVALID_SECRET');
        expectTwoFactorError(() => generateTotp(text), 'INVALID_SECRET');
      }),
    );
    for (const text of ['A', 'ABC', 'ABCDEF', 'ABCDEFGHA', 'A=======']) expectTwoFactorError(() => decodeBase32(text), 'INVALID_SECRET');
    for (const text of ['AB', 'ABCD', 'ABCDE', 'ABCDEFG', 'ABCDEFGH']) expect(decodeBase32(text).length).toBeGreaterThan(0);
  });

  it('characters outside the alphabet are INVALID_SECRET, including letters that upper-case into it', () => {
    const bad = fc.constantFrom('0', '1', '8', '9', '!', '+', '/', '_', '.', ',', 'é', 'ı', 'ſ', 'ﬀ', 'Ａ', '\u0000', '=', '😀');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 40 }), bad, fc.nat(), (bytes, char, p) => {
        const strict = encodeBase32(bytes);
        const at = p % strict.length; // strictly inside, so a '=' here is not trailing padding
        const text = strict.slice(0, at) + char + strict.slice(at);
        expectTwoFactorError(() => decodeBase32(text), 'INVALID_SECRET');
        expectTwoFactorError(() => verifyTotp(text, '123456'), 'INVALID_SECRET');
      }),
    );
    // Letters whose upper case is ASCII: 'ı'.toUpperCase() === 'I', 'ſ' → 'S', 'ﬀ' → 'FF'.
    for (const text of ['ıııııııı', 'ſſſſſſſſ', 'ﬀﬀﬀﬀ', 'MZXW6===YTBOI', '=MZXW6YTB']) expectTwoFactorError(() => decodeBase32(text), 'INVALID_SECRET');
  });
});
