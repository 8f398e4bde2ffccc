// Sign-in (src/server/operations/sign-in.ts): codes as people type them. The whole flow, every failure reason
// and the events are in test/server/service.test.ts; trusted devices in trusted-devices.test.ts.
import { describe, expect, it } from 'vitest';
import { codeAt } from '../../../src/testing/index.js';
import { enrol, setup, STEP_MS } from '../../support/fixtures.js';

describe('codes as typed', () => {
  it('accepts a backup code typed in upper case with spaces instead of the hyphen', async () => {
    const ctx = setup();
    const { backupCodes } = await enrol(ctx);
    const typed = backupCodes[0]!.toUpperCase().replace('-', '  ');
    expect(await ctx.twoFactor.verify('alice', ` ${typed} `)).toMatchObject({ ok: true, method: 'backup-code' });
  });

  it('accepts a TOTP code typed with a space in the middle', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    ctx.clock.advance(STEP_MS);
    const code = codeAt(secret, ctx.clock.now());
    expect(await ctx.twoFactor.verify('alice', `${code.slice(0, 3)} ${code.slice(3)}`)).toMatchObject({ ok: true, method: 'totp' });
  });
});
