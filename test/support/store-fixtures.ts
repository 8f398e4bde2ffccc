// Records and names shared by the SQL store tests.
import type { TwoFactorRecord } from '../../src/server/record.js';

/** A well-formed pending record; `n` makes each one distinct. */
export function pendingRecord(n = 0): TwoFactorRecord {
  return {
    schema: 1,
    state: 'pending',
    factor: null,
    pending: {
      secret: { alg: 'none', secret: 'JBSWY3DPEHPK3PXP' },
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      createdAt: 1_700_000_000_000 + n,
      expiresAt: 1_700_000_600_000 + n,
    },
    failures: n,
    lastFailureAt: null,
  };
}

/** Table names that must be refused: each would change the SQL if it were pasted in. */
export const HOSTILE_TABLES: unknown[] = [
  'two_factor"; DROP TABLE victim; --',
  'victim; DELETE FROM victim',
  'two_factor" (x) --',
  "two_factor'",
  'a.b.c',
  '.two_factor',
  'two_factor.',
  '1table',
  'two factor',
  'two-factor',
  'tä',
  '',
  'x'.repeat(64),
  'two_factor\u0000',
  'two_factor\n',
  42,
  null,
  {},
];

/** Table names that must work, used quoted. */
export const GOOD_TABLES = ['two_factor', '_t', 'T2fa_Mixed', 'order', 'x'.repeat(63)];

let counter = 0;
/** A table name no other test in this process uses. */
export const freshTable = (prefix = 't') => `${prefix}_${process.pid}_${++counter}`;
