// The vectors `/testing` hands to users' own tests: each one is the RFC's value and reproduces with the core.
import { describe, expect, it } from 'vitest';
import { generateHotp, generateTotp, verifyHotp, verifyTotp } from '../../src/index.js';
import { RFC4226_VECTORS, RFC6238_VECTORS, codeAt } from '../../src/testing/index.js';

describe('RFC vectors exported from /testing', () => {
  it('RFC 4226 Appendix D: the ten published HOTP values, in order', () => {
    expect(RFC4226_VECTORS.map((v) => v.hotp)).toEqual([
      '755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489',
    ]);
    for (const v of RFC4226_VECTORS) {
      expect(generateHotp(v.secret, v.counter, v)).toBe(v.hotp);
      expect(verifyHotp(v.secret, v.hotp, v.counter, v)).toEqual({ valid: true, counter: BigInt(v.counter), delta: 0 });
    }
  });

  it('RFC 6238 Appendix B: 18 values over SHA-1/256/512, each reproduced by generateTotp and codeAt', () => {
    expect(RFC6238_VECTORS).toHaveLength(18);
    expect(new Set(RFC6238_VECTORS.map((v) => v.algorithm))).toEqual(new Set(['SHA1', 'SHA256', 'SHA512']));
    expect(RFC6238_VECTORS.find((v) => v.algorithm === 'SHA512' && v.timeMs === 20_000_000_000_000)?.totp).toBe('47863826');
    for (const v of RFC6238_VECTORS) {
      const options = { algorithm: v.algorithm, digits: v.digits, period: v.period };
      expect(generateTotp(v.secret, { ...options, now: v.timeMs })).toBe(v.totp);
      expect(codeAt(v.secret, v.timeMs, options)).toBe(v.totp);
      expect(verifyTotp(v.secret, v.totp, { ...options, now: v.timeMs })).toMatchObject({ valid: true, delta: 0 });
    }
  });

  it('is frozen: a test cannot corrupt the shared data for the next one', () => {
    expect(Object.isFrozen(RFC6238_VECTORS) && Object.isFrozen(RFC6238_VECTORS[0])).toBe(true);
    expect(() => {
      (RFC4226_VECTORS[0] as { hotp: string }).hotp = '000000';
    }).toThrow(TypeError);
  });
});
