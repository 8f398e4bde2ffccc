// Records read from a store are validated and copied (src/server/record.ts).
import { describe, expect, it } from 'vitest';
import { type TwoFactorRecord } from '../../src/server/index.js';
import { TwoFactorError } from '../../src/index.js';
import { codeAt, enrol, overwrite, setup, STEP_MS, stored } from '../support/fixtures.js';

describe('records read from the store are validated', () => {
  it.each([
    ['schema', (r: Record<string, unknown>) => ({ ...r, schema: 2 })],
    ['state', (r: Record<string, unknown>) => ({ ...r, state: 'on' })],
    ['failures', (r: Record<string, unknown>) => ({ ...r, failures: -1 })],
    ['factor.lastStep', (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), lastStep: 'x' } })],
    ['factor.secret.secret', (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), secret: { alg: 'none', secret: 'lower case' } } })],
    ['factor', (r: Record<string, unknown>) => ({ ...r, factor: null })],
  ])('a malformed "%s" is STORE_ERROR naming it, without the secret in the message', async (field, change) => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    await overwrite(ctx.store, 'alice', (record) => change(record as never) as never);
    const error = await ctx.twoFactor.verify('alice', '123456').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwoFactorError);
    expect(error).toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining(`"record.${field}"`) });
    expect((error as Error).message).not.toContain(secret);
    await expect(ctx.twoFactor.status('alice')).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });

  const factorWith = (change: Record<string, unknown>) => (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), ...change } });
  const sealedWith = (secret: Record<string, unknown>) => factorWith({ secret });
  it.each([
    ['101 used backup-code indexes', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: Array.from({ length: 101 }, (_, i) => i) })],
    ['100,000 used backup-code indexes', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: Array(100_000).fill(0) })],
    ['a used index twice (which would miscount the codes left)', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: [3, 3] })],
    ['a used index beyond any set', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: [100] })],
    ['a used index of 1e300', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: [1e300] })],
    ['a used index that is a string', 'factor.backupCodesUsed', factorWith({ backupCodesUsed: ['0'] })],
    ['a key id of 65 characters', 'factor.secret.kid', sealedWith({ alg: 'A256GCM', kid: 'k'.repeat(65), iv: 'AAAAAAAAAAAAAAAA', ct: 'A'.repeat(48) })],
    ['a clear secret of a length no bytes encode to', 'factor.secret.secret', sealedWith({ alg: 'none', secret: 'JBSWY3' })],
    ['digits as a string', 'factor.digits', factorWith({ digits: '6' })],
    ['a period beyond what verifyTotp accepts (2^32 s)', 'factor.period', factorWith({ period: 2 ** 32 })],
    ['an algorithm in a URI spelling', 'factor.algorithm', factorWith({ algorithm: 'sha1' })],
    ['failures as a string', 'failures', (r: Record<string, unknown>) => ({ ...r, failures: '0' })],
    ['an array as the record', '', () => []],
  ])('a hostile record with %s is STORE_ERROR naming "%s"', async (_, field, change) => {
    const ctx = setup();
    await enrol(ctx);
    await overwrite(ctx.store, 'alice', (record) => change(record as never) as never);
    const name = field === '' ? 'record' : `record.${field}`;
    await expect(ctx.twoFactor.status('alice')).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining(`"${name}" must be`) });
  });

  it('__proto__ keys in a stored record are dropped: nothing is polluted, the record reads back with only known fields', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    const current = (await stored(ctx.store))!;
    const text = JSON.stringify(current.record)
      .replace('{', '{"__proto__":{"polluted":true,"state":"pending"},')
      .replace('"factor":{', '"factor":{"__proto__":{"lastStep":-1},"constructor":{"prototype":{"polluted":true}},');
    const hostile = JSON.parse(text) as TwoFactorRecord;
    expect(Object.keys(hostile)).toContain('__proto__');
    expect(await ctx.store.inner.compareAndSet('alice', current.version, hostile)).toBe(true);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true, method: 'totp' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const { record } = (await stored(ctx.store))!;
    expect(Object.keys(record)).toEqual(['schema', 'state', 'factor', 'pending', 'failures', 'lastFailureAt']);
    expect(Object.keys(record.factor!)).not.toContain('__proto__');
    expect(Object.keys(record.factor!)).not.toContain('constructor');
  });
});
