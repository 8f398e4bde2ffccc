// isRecent: the step-up check on a verification's time.
import { describe, expect, it } from 'vitest';
import { isRecent } from '../../src/server/index.js';
import { expectError } from '../support/expect-error.js';

const TEN_MINUTES = 10 * 60_000;

describe('isRecent', () => {
  it('accepts a verification up to maxAgeMs old, inclusive, and refuses one older', () => {
    expect(isRecent(1_000_000, TEN_MINUTES, 1_000_000)).toBe(true);
    expect(isRecent(1_000_000, TEN_MINUTES, 1_000_000 + TEN_MINUTES)).toBe(true);
    expect(isRecent(1_000_000, TEN_MINUTES, 1_000_001 + TEN_MINUTES)).toBe(false);
  });

  it('refuses a missing time and a time ahead of now', () => {
    expect(isRecent(null, TEN_MINUTES, 5)).toBe(false);
    expect(isRecent(undefined, TEN_MINUTES, 5)).toBe(false);
    expect(isRecent(Number.NaN, TEN_MINUTES, 5)).toBe(false);
    expect(isRecent(6, TEN_MINUTES, 5)).toBe(false);
  });

  it('takes a Date, and the wall clock by default', () => {
    expect(isRecent(1_000, TEN_MINUTES, new Date(2_000))).toBe(true);
    expect(isRecent(Date.now() - 1_000, TEN_MINUTES)).toBe(true);
    expect(isRecent(Date.now() - TEN_MINUTES - 60_000, TEN_MINUTES)).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity, '600000'])('throws INVALID_OPTION naming maxAgeMs for %s', (maxAgeMs) => {
    expectError(() => isRecent(1, maxAgeMs as number, 2), 'INVALID_OPTION', 'maxAgeMs');
  });
});
