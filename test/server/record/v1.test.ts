// Schema-1 records (0.1's shape) read from a store: parseRecord hands them to src/server/record-v1.ts, which
// bounds every field and copies. 0.1.0's own records, through every store, are in record-v1.migration.test.ts.
import { describe, expect, it } from 'vitest';
import { parseRecord, type TotpFactor, type TwoFactorRecord } from '../../../src/server/index.js';
import { encodeBase32, generateBackupCodes, hashBackupCodes, TwoFactorError } from '../../../src/index.js';
import { expectRecordRefused } from '../../support/expect-error.js';
import { codeAt, enrol, overwrite, setup, STEP_MS, stored } from '../../support/fixtures.js';

/** The service's record written back in the 0.1 shape (schema 1), so these checks reach the schema-1 parser. */
function toV1(record: TwoFactorRecord): Record<string, unknown> {
  const f = record.factors[0] as TotpFactor | undefined;
  return {
    schema: 1,
    state: f ? 'enabled' : 'pending',
    factor: f && {
      secret: f.secret,
      algorithm: f.algorithm,
      digits: f.digits,
      period: f.period,
      lastStep: f.lastStep,
      backupCodes: record.backupCodes,
      backupCodesUsed: record.backupCodesUsed,
      enabledAt: record.enabledAt,
    },
    pending: record.pending && { ...record.pending, label: undefined },
    failures: record.failures,
    lastFailureAt: record.lastFailureAt,
  };
}

describe('schema-1 records read from the store are validated', () => {
  it.each([
    ['schema', (r: Record<string, unknown>) => ({ ...r, schema: 3 })],
    ['state', (r: Record<string, unknown>) => ({ ...r, state: 'on' })],
    ['failures', (r: Record<string, unknown>) => ({ ...r, failures: -1 })],
    ['factor.lastStep', (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), lastStep: 'x' } })],
    ['factor.secret.secret', (r: Record<string, unknown>) => ({ ...r, factor: { ...(r.factor as object), secret: { alg: 'none', secret: 'lower case' } } })],
    ['factor', (r: Record<string, unknown>) => ({ ...r, factor: null })],
  ])('a malformed "%s" is STORE_ERROR naming it, without the secret in the message', async (field, change) => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    await overwrite(ctx.store, 'alice', (record) => change(toV1(record)) as never);
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
    await overwrite(ctx.store, 'alice', (record) => change(toV1(record)) as never);
    const name = field === '' ? 'record' : `record.${field}`;
    await expect(ctx.twoFactor.status('alice')).rejects.toMatchObject({ code: 'STORE_ERROR', message: expect.stringContaining(`"${name}" must be`) });
  });

  it('__proto__ keys in a stored record are dropped: nothing is polluted, the record reads back with only known fields', async () => {
    const ctx = setup();
    const { secret } = await enrol(ctx);
    const current = (await stored(ctx.store))!;
    const text = JSON.stringify(toV1(current.record))
      .replace('{', '{"__proto__":{"polluted":true,"state":"pending"},')
      .replace('"factor":{', '"factor":{"__proto__":{"lastStep":-1},"constructor":{"prototype":{"polluted":true}},');
    const hostile = JSON.parse(text) as TwoFactorRecord;
    expect(Object.keys(hostile)).toContain('__proto__');
    expect(await ctx.store.inner.compareAndSet('alice', current.version, hostile)).toBe(true);
    ctx.clock.advance(STEP_MS);
    expect(await ctx.twoFactor.verify('alice', codeAt(secret, ctx.clock.now()))).toMatchObject({ ok: true, method: 'totp' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const { record } = (await stored(ctx.store))!;
    expect(Object.keys(record)).toEqual(['schema', 'factors', 'backupCodes', 'backupCodesUsed', 'enabledAt', 'pending', 'failures', 'lastFailureAt']);
    expect(Object.keys(record.factors[0]!)).not.toContain('__proto__');
    expect(Object.keys(record.factors[0]!)).not.toContain('constructor');
  });
});

describe('parseRecord bounds every schema-1 field to what the service could have written', () => {
  const DAY_MS = 24 * 60 * 60 * 1000;
  const bytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
  const b64 = (n: number): string => Buffer.from(bytes(n)).toString('base64url');
  // The largest of everything: a 1024-byte secret (the core's limit) sealed (+16-byte tag) or in the clear,
  // a 64-character key id, 10 digits, SHA-512, a one-hour period, 100 backup codes of 32 symbols all used,
  // a one-day enrolment, counters at the largest safe integers.
  let maximal: Record<string, unknown>;
  const withField = (path: string, value: unknown): Record<string, unknown> => {
    const copy = structuredClone(maximal);
    const keys = path.split('.');
    let at = copy as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
    at[keys[keys.length - 1]!] = value;
    return copy;
  };

  it('a maximal legitimate record parses, sealed and in the clear', async () => {
    const backupCodes = await hashBackupCodes(generateBackupCodes({ count: 100, length: 32 }), { cost: { N: 1024, r: 8, p: 1 } });
    const createdAt = Number.MAX_SAFE_INTEGER - DAY_MS - 1;
    maximal = {
      schema: 1,
      state: 'enabled',
      factor: {
        secret: { alg: 'A256GCM', kid: 'k'.repeat(64), iv: b64(12), ct: b64(1024 + 16) },
        algorithm: 'SHA512',
        digits: 10,
        period: 3600,
        lastStep: Number.MAX_SAFE_INTEGER,
        backupCodes,
        backupCodesUsed: Array.from({ length: 100 }, (_, i) => 99 - i),
        enabledAt: Number.MAX_SAFE_INTEGER,
      },
      pending: { secret: { alg: 'none', secret: encodeBase32(bytes(1024)) }, algorithm: 'SHA1', digits: 10, period: 3600, createdAt, expiresAt: createdAt + DAY_MS },
      failures: Number.MAX_SAFE_INTEGER,
      lastFailureAt: Number.MAX_SAFE_INTEGER,
    };
    const { backupCodes: _codes, backupCodesUsed, enabledAt, lastStep, ...factor } = maximal.factor as Record<string, unknown>;
    expect(parseRecord(maximal)).toEqual({
      schema: 2,
      factors: [{ ...factor, id: 'f_aaaaaaaaaa', type: 'totp', label: 'Authenticator app', createdAt: enabledAt, lastUsedAt: null, lastStep, driftSteps: 0 }],
      backupCodes,
      backupCodesUsed,
      enabledAt,
      pending: { ...(maximal.pending as object), label: 'Authenticator app' },
      failures: Number.MAX_SAFE_INTEGER,
      lastFailureAt: Number.MAX_SAFE_INTEGER,
    });
    const clear = withField('factor.secret', { alg: 'none', secret: encodeBase32(bytes(1024)) });
    expect(parseRecord(clear).factors[0]!.secret).toEqual((clear.factor as { secret: unknown }).secret);
    const oneSecond = withField('pending.expiresAt', createdAt + 1000);
    expect(parseRecord(oneSecond).pending!.expiresAt).toBe(createdAt + 1000);
  });

  it.each([
    ['factor.secret.ct', 'a 20 MB ciphertext', () => 'A'.repeat(20_000_000)],
    ['factor.secret.ct', 'a ciphertext of a 1025-byte secret', () => b64(1025 + 16)],
    ['factor.secret.secret', 'a clear secret of 1025 bytes', () => ({ alg: 'none', secret: encodeBase32(bytes(1025)) }), 'factor.secret'],
    ['factor.secret.iv', 'a 13-byte iv', () => b64(13)],
    ['factor.secret.kid', 'a 65-character key id', () => 'k'.repeat(65)],
    ['factor.period', 'a period of 1e15 s', () => 1e15],
    ['factor.period', 'a period of 3601 s', () => 3601],
    ['pending.period', 'a pending period of 1e15 s', () => 1e15],
    ['factor.digits', '11 digits', () => 11],
    ['factor.algorithm', 'an unknown algorithm', () => 'MD5'],
    ['factor.lastStep', 'a step of 1e300', () => 1e300],
    ['factor.enabledAt', 'a time of 1e300', () => 1e300],
    ['factor.enabledAt', 'a fractional time', () => 1.5],
    ['factor.backupCodes', 'a 20 MB backup-code string', () => '$'.repeat(20_000_000)],
    ['factor.backupCodes', 'a string that is no backup-code hash', () => 'not a hash'],
    ['factor.backupCodesUsed', '101 used indexes', () => Array.from({ length: 101 }, (_, i) => i)],
    ['pending.expiresAt', 'an enrolment of a day and a millisecond', () => (maximal.pending as { createdAt: number }).createdAt + DAY_MS + 1],
    ['pending.expiresAt', 'an enrolment that expires before it starts', () => 0],
    ['pending.createdAt', 'a negative time', () => -1],
    ['failures', 'failures of 2^53', () => 2 ** 53],
    ['lastFailureAt', 'a time of Infinity', () => Infinity],
  ] as [string, string, () => unknown, string?][])('%s: %s is STORE_ERROR naming it', (path, _what, value, where = path) => {
    const hostile = withField(where, value());
    expectRecordRefused(hostile, path);
  });
});
