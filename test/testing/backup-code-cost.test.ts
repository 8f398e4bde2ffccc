// FAST_BACKUP_CODE_COST: the cheapest cost the library accepts, usable by a service, much faster than the
// default, and never mistaken for a production cost.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKUP_CODE_COST, generateBackupCodes, hashBackupCodes, verifyBackupCode } from '../../src/index.js';
import { createTwoFactor, MemoryStore } from '../../src/server/index.js';
import { FAST_BACKUP_CODE_COST, ManualClock, codeAt } from '../../src/testing/index.js';
import { expectRejection } from '../support/expect-error.js';

describe('FAST_BACKUP_CODE_COST', () => {
  it('is the cheapest cost hashBackupCodes accepts: half its N is refused', async () => {
    expect(FAST_BACKUP_CODE_COST).toEqual({ N: 1024, r: 8, p: 1 });
    expect(Object.isFrozen(FAST_BACKUP_CODE_COST)).toBe(true);
    const codes = generateBackupCodes({ count: 1 });
    await expect(hashBackupCodes(codes, { cost: FAST_BACKUP_CODE_COST })).resolves.toMatch(/\$N=1024,r=8,p=1\$/);
    await expectRejection(hashBackupCodes(codes, { cost: { ...FAST_BACKUP_CODE_COST, N: 512 } }), 'INVALID_OPTION', 'cost');
  });

  it('codes hashed with it verify, reported outdated (never a production cost), several times faster than the default', async () => {
    const codes = generateBackupCodes({ count: 3 });
    const time = async (cost: typeof FAST_BACKUP_CODE_COST) => {
      const hashed = await hashBackupCodes(codes, { cost });
      const start = performance.now();
      const result = await verifyBackupCode(hashed, codes[2]!);
      return { result, ms: performance.now() - start };
    };
    const fast = await time(FAST_BACKUP_CODE_COST);
    const slow = await time(DEFAULT_BACKUP_CODE_COST);
    expect(fast.result).toMatchObject({ valid: true, index: 2, outdated: true });
    expect(slow.result).toMatchObject({ valid: true, index: 2 });
    expect((slow.result as { outdated?: boolean }).outdated).not.toBe(true);
    // 16× less work; a loaded machine still shows well over 4×.
    expect(slow.ms / fast.ms).toBeGreaterThan(4);
  });

  it('a service built with it issues backup codes that sign in', async () => {
    const clock = new ManualClock();
    const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Test', now: clock.now, backupCodes: { cost: FAST_BACKUP_CODE_COST } });
    const { secret } = await twoFactor.beginEnrollment('u1', { accountName: 'u1@example.com' });
    const confirmed = await twoFactor.confirmEnrollment('u1', codeAt(secret, clock.now()));
    if (!confirmed.ok) throw new Error(confirmed.reason);
    expect(await twoFactor.verify('u1', confirmed.backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code', backupCodesRemaining: 9 });
  });
});
