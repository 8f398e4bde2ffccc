// ManualClock (src/testing/clock.ts), the clock users hand the service in their own tests.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/index.js';
import { TwoFactorError } from '../../src/index.js';

describe('ManualClock', () => {
  it('stands still until moved; advance and set move it; now works detached', () => {
    const clock = new ManualClock();
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    const { now } = clock;
    clock.advance(30_000);
    expect(now()).toBe(Date.UTC(2026, 0, 1) + 30_000);
    clock.advance(-1);
    expect(now()).toBe(Date.UTC(2026, 0, 1) + 29_999);
    clock.set(59_000);
    expect(clock.now()).toBe(59_000);
    expect(new ManualClock(0).now()).toBe(0);
  });

  it.each([
    ['a fractional start', () => new ManualClock(1.5)],
    ['a negative start', () => new ManualClock(-1)],
    ['moving before 1970', () => new ManualClock(10).advance(-11)],
    ['a NaN step', () => new ManualClock().advance(Number.NaN)],
    ['a time past 8.64e15', () => new ManualClock().set(8.64e15 + 1)],
  ])('refuses %s with INVALID_OPTION', (_, attempt) => {
    expect(attempt).toThrow(TwoFactorError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
