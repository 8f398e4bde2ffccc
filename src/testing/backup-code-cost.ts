// A scrypt cost for users' own test suites: a service built with it hashes and checks backup codes in
// about a millisecond instead of 80 ms a run.
import type { ScryptCost } from '../backup-codes/format.js';

/**
 * The cheapest scrypt cost the library accepts (N = 2^10, r = 8, p = 1: 1 MiB a run, about 16× faster
 * than the core's `DEFAULT_BACKUP_CODE_COST`), for tests only: pass it as `backupCodes.cost` to
 * `createTwoFactor`, or as `cost` to `hashBackupCodes`. Codes hashed with it verify like any others, but
 * a leaked set costs an attacker 16× less to try, and the valid result reports them `outdated`: never
 * use it in production.
 *
 * @example
 * ```ts
 * import { createTwoFactor, MemoryStore } from '@inworkjobs/two-factor/server';
 * import { FAST_BACKUP_CODE_COST, ManualClock, codeAt } from '@inworkjobs/two-factor/testing';
 *
 * const clock = new ManualClock();
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'Test', now: clock.now, backupCodes: { cost: FAST_BACKUP_CODE_COST } });
 * const { secret } = await twoFactor.beginEnrollment('u1', { accountName: 'u1@example.com' });
 * const { backupCodes } = await twoFactor.confirmEnrollment('u1', codeAt(secret, clock.now()));
 * const used = await twoFactor.verify('u1', backupCodes[0]);
 * used.method; // 'backup-code'
 * FAST_BACKUP_CODE_COST; // { N: 1024, r: 8, p: 1 }
 * ```
 */
export const FAST_BACKUP_CODE_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 10, r: 8, p: 1 });
