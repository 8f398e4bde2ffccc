// codeAt (src/testing/code-at.ts): the code an authenticator shows at a moment.
import { describe, expect, it } from 'vitest';
import { codeAt } from '../../src/testing/index.js';

describe('codeAt', () => {
  it('gives the code an authenticator shows at a moment (RFC 6238 Appendix B)', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(codeAt(secret, 59_000, { digits: 8 })).toBe('94287082');
    expect(codeAt(secret, 1_111_111_109_000, { digits: 8 })).toBe('07081804');
    expect(codeAt(secret, 59_000)).toBe('287082');
  });
});
