// TOTP (src/totp.ts): what a window accepts and rejects, the replay guard, time steps. Deterministic
// cases first, then properties against an independent reference (test/support/reference.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTotp, secondsRemaining, timeStep, verifyHotp, verifyTotp } from '../src/index.js';
import { referenceStep, referenceVerifyTotp } from './support/reference.js';
import { algorithmArb, digitsArb, MAX_NOW_MS, nowArb, periodArb, RFC_SECRET, secretArb } from './support/arbitraries.js';

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
