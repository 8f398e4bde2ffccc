// A check shared by the store test files (vitest only: the cross-process workers bundle fixtures.ts).
import { expect } from 'vitest';
import type { TwoFactor, TwoFactorStore } from '../../src/server/index.js';
import { ManualClock, T0_MS, codeAt, enableUser, serviceOn } from './fixtures.js';

/**
 * The wiring every store must support, through the service: a TOTP code works once and is then
 * refused as replayed, a backup code works once and is then refused. Returns the service for more checks.
 */
export async function expectSingleUseThroughService(store: TwoFactorStore): Promise<TwoFactor> {
  const clock = new ManualClock(T0_MS);
  const twoFactor = serviceOn(store, clock);
  const { secret, backupCodes } = await enableUser(twoFactor, clock, 'alice');
  const code = codeAt(secret, clock.now());
  expect(await twoFactor.verify('alice', code)).toMatchObject({ ok: true, method: 'totp' });
  expect(await twoFactor.verify('alice', code)).toMatchObject({ ok: false, reason: 'replayed' });
  expect(await twoFactor.verify('alice', backupCodes[0]!)).toMatchObject({ ok: true, method: 'backup-code', backupCodesRemaining: 9 });
  expect(await twoFactor.verify('alice', backupCodes[0]!)).toMatchObject({ ok: false, reason: 'invalid' });
  return twoFactor;
}
