// Schema-2 records (src/server/record.ts, record-factors.ts): every field bounded to what the service writes.
import { describe, expect, it } from 'vitest';
import { MAX_FACTORS, parseRecord } from '../../../src/server/index.js';
import { encodeBase32, generateBackupCodes, hashBackupCodes } from '../../../src/index.js';
import { expectRecordRefused } from '../../support/expect-error.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const b64 = (n: number): string => Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString('base64url');
const id = (k: number): string => `f_${'abcdefghijklmnopqrstuvwxyz234567'[k]!.repeat(10)}`;

async function maximal(): Promise<Record<string, unknown>> {
  const backupCodes = await hashBackupCodes(generateBackupCodes({ count: 100, length: 32 }), { cost: { N: 1024, r: 8, p: 1 } });
  const sealed = { alg: 'A256GCM', kid: 'k'.repeat(64), iv: b64(12), ct: b64(1024 + 16) };
  const factors = Array.from({ length: MAX_FACTORS }, (_, k) =>
    k % 2
      ? { id: id(k), type: 'hotp', label: '🔐'.repeat(32), secret: sealed, algorithm: 'SHA512', digits: 10, createdAt: Number.MAX_SAFE_INTEGER, lastUsedAt: Number.MAX_SAFE_INTEGER, counter: Number.MAX_SAFE_INTEGER }
      : { id: id(k), type: 'totp', label: 'x'.repeat(64), secret: { alg: 'none', secret: encodeBase32(new Uint8Array(1024)) }, algorithm: 'SHA256', digits: 6, period: 3600, createdAt: 0, lastUsedAt: null, lastStep: Number.MAX_SAFE_INTEGER, driftSteps: -100 },
  );
  const createdAt = Number.MAX_SAFE_INTEGER - DAY_MS - 1;
  return {
    schema: 2,
    factors,
    backupCodes,
    backupCodesUsed: Array.from({ length: 100 }, (_, i) => 99 - i),
    enabledAt: Number.MAX_SAFE_INTEGER,
    pending: { secret: sealed, label: 'New phone', algorithm: 'SHA1', digits: 6, period: 30, createdAt, expiresAt: createdAt + DAY_MS },
    failures: Number.MAX_SAFE_INTEGER,
    lastFailureAt: Number.MAX_SAFE_INTEGER,
  };
}

function withField(record: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(record);
  const keys = path.split('.');
  let at = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy;
}

describe('parseRecord, schema 2', () => {
  it('a maximal legitimate record parses to itself; a record with no factor and no codes too', async () => {
    const record = await maximal();
    expect(parseRecord(record)).toEqual(record);
    const off = { schema: 2, factors: [], backupCodes: null, backupCodesUsed: [], enabledAt: null, pending: null, failures: 3, lastFailureAt: 5 };
    expect(parseRecord(off)).toEqual(off);
  });

  it.each([
    ['factors', 'eleven factors', (r: Record<string, unknown>) => ({ ...r, factors: [...(r.factors as object[]), { ...(r.factors as object[])[0]!, id: 'f_zzzzzzzzzz' }] })],
    ['factors.1.id', 'two factors with one id', (r: Record<string, unknown>) => withField(r, 'factors.1.id', id(0))],
    ['factors.0.id', 'an id of another shape', (r: Record<string, unknown>) => withField(r, 'factors.0.id', 'F_AAAAAAAAAA')],
    ['factors.0.label', 'a label of 65 characters', (r: Record<string, unknown>) => withField(r, 'factors.0.label', 'x'.repeat(65))],
    ['factors.0.label', 'a label with a newline', (r: Record<string, unknown>) => withField(r, 'factors.0.label', 'a\nb')],
    ['factors.0.label', 'an empty label', (r: Record<string, unknown>) => withField(r, 'factors.0.label', '')],
    ['factors.0.type', 'a type of sms', (r: Record<string, unknown>) => withField(r, 'factors.0.type', 'sms')],
    ['factors.0.driftSteps', 'a drift of 101 steps', (r: Record<string, unknown>) => withField(r, 'factors.0.driftSteps', 101)],
    ['factors.0.lastStep', 'a step of -2', (r: Record<string, unknown>) => withField(r, 'factors.0.lastStep', -2)],
    ['factors.0.period', 'a period of 3601 s', (r: Record<string, unknown>) => withField(r, 'factors.0.period', 3601)],
    ['factors.1.counter', 'a counter of 2^53', (r: Record<string, unknown>) => withField(r, 'factors.1.counter', 2 ** 53)],
    ['factors.1.counter', 'a negative counter', (r: Record<string, unknown>) => withField(r, 'factors.1.counter', -1)],
    ['factors.1.secret.ct', 'a ciphertext of a 1025-byte secret', (r: Record<string, unknown>) => withField(r, 'factors.1.secret.ct', b64(1025 + 16))],
    ['factors.1.lastUsedAt', 'a fractional time', (r: Record<string, unknown>) => withField(r, 'factors.1.lastUsedAt', 1.5)],
    ['enabledAt', 'factors without enabledAt', (r: Record<string, unknown>) => withField(r, 'enabledAt', null)],
    ['backupCodes', 'codes without a factor', (r: Record<string, unknown>) => ({ ...r, factors: [], enabledAt: null })],
    ['backupCodesUsed', 'used indexes without a set', (r: Record<string, unknown>) => withField(r, 'backupCodes', null)],
    ['backupCodesUsed', 'a used index twice', (r: Record<string, unknown>) => withField(r, 'backupCodesUsed', [1, 1])],
    ['pending.label', 'a pending enrolment without its label', (r: Record<string, unknown>) => withField(r, 'pending.label', undefined)],
    ['schema', 'schema 3', (r: Record<string, unknown>) => withField(r, 'schema', 3)],
  ] as [string, string, (r: Record<string, unknown>) => Record<string, unknown>][])('"%s": %s is STORE_ERROR naming it', async (field, _what, change) => {
    const hostile = change(await maximal());
    expectRecordRefused(hostile, field);
  });
});
