// The stored string (src/backup-codes-string.ts): outdated-cost detection, and malformed or tampered
// strings refused with INVALID_BACKUP_CODES by every function that reads one.
import { describe, expect, it } from 'vitest';
import { generateBackupCodes } from '../../src/backup-codes/codes.js';
import { backupCodesOutdated, countBackupCodes } from '../../src/backup-codes/format.js';
import { hashBackupCodes, verifyBackupCode } from '../../src/backup-codes/hash.js';
import { CHEAP_SCRYPT } from '../support/fixtures.js';
import { expectError, expectRejection } from '../support/expect-error.js';

const LOW = { cost: CHEAP_SCRYPT };

describe('outdated detection', () => {
  it('flags sets hashed below the current default cost and keeps verifying them', async () => {
    const codes = generateBackupCodes({ count: 2 });
    const old = await hashBackupCodes(codes, { cost: { N: 4096, r: 8, p: 1 } });
    expect(backupCodesOutdated(old)).toBe(true);
    expect(await verifyBackupCode(old, codes[0]!)).toMatchObject({ valid: true, index: 0, outdated: true });
  });

  it('does not flag sets at or above the default cost', async () => {
    const codes = generateBackupCodes({ count: 1 });
    const higher = await hashBackupCodes(codes, { cost: { N: 2 ** 15, r: 8, p: 1 } });
    expect(backupCodesOutdated(higher)).toBe(false);
    expect(await verifyBackupCode(higher, codes[0]!)).toMatchObject({ valid: true, outdated: false });
  });

  it('compares memory and work: more p does not make up for less memory', () => {
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
    const hash = 'AAAAAAAAAAAAAAAAAAAAAA';
    const make = (params: string) => `$2fa-bc$v=1$scrypt$${params}$len=10$${salt}$0:${hash}`;
    expect(backupCodesOutdated(make('N=16384,r=8,p=1'))).toBe(false);
    expect(backupCodesOutdated(make('N=8192,r=16,p=1'))).toBe(false);
    expect(backupCodesOutdated(make('N=8192,r=8,p=2'))).toBe(true);
    expect(backupCodesOutdated(make('N=16384,r=4,p=1'))).toBe(true);
  });
});

describe('malformed stored strings throw INVALID_BACKUP_CODES naming "hashed"', () => {
  const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
  const hash = 'AAAAAAAAAAAAAAAAAAAAAA';
  const good = `$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$0:${hash},3:${hash}`;

  it('the well-formed baseline parses', async () => {
    expect(countBackupCodes(good)).toBe(2);
    expect(countBackupCodes(`$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$`)).toBe(0);
    expect(await verifyBackupCode(good, 'k7m2p-9xq4t')).toEqual({ valid: false });
  });

  const cases: [string, unknown][] = [
    ['not a string', 42],
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['plaintext codes', 'k7m2p-9xq4t,abcde-fghjk'],
    ['wrong prefix', good.replace('$2fa-bc$', '$2fa-xx$')],
    ['bcrypt string', '$2b$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'],
    ['unknown version', good.replace('v=1', 'v=2')],
    ['version with a leading zero', good.replace('v=1', 'v=01')],
    ['missing version', good.replace('$v=1', '')],
    ['unknown algorithm', good.replace('scrypt', 'pbkdf2')],
    ['N not a power of two', good.replace('N=1024', 'N=1000')],
    ['N below the floor', good.replace('N=1024', 'N=512')],
    ['absurd N', good.replace('N=1024', 'N=1073741824')],
    ['absurd N digits', good.replace('N=1024', 'N=99999999999999')],
    ['memory over 128 MiB', good.replace('N=1024', 'N=1048576')],
    ['work over 2^23', good.replace('N=1024,r=8,p=1', 'N=131072,r=8,p=16')],
    ['r = 0', good.replace('r=8', 'r=0')],
    ['p = 17', good.replace('p=1', 'p=17')],
    ['parameters out of order', good.replace('N=1024,r=8,p=1', 'r=8,N=1024,p=1')],
    ['negative N', good.replace('N=1024', 'N=-1024')],
    ['length below the floor', good.replace('len=10', 'len=9')],
    ['length above the cap', good.replace('len=10', 'len=33')],
    ['missing length', good.replace('$len=10', '')],
    ['salt not base64url', good.replace(salt, 'AAAAAAAAAAAAAAAAAAAAA+')],
    ['salt too short', good.replace(salt, 'AAAAAAAAAAAAAAAAAAAA')],
    ['salt with non-zero padding bits', good.replace(salt, 'AAAAAAAAAAAAAAAAAAAAAB')],
    ['hash too short', good.replace(`0:${hash}`, '0:AAAAAAAAAAAAAAAAAAAAA')],
    ['hash too long', good.replace(`0:${hash}`, `0:${hash}AA`)],
    ['hash with a bad character', good.replace(`0:${hash}`, `0:${hash.slice(0, 21)}=`)],
    ['entry without index', good.replace(`0:${hash}`, hash)],
    ['repeated index', good.replace('3:', '0:')],
    ['decreasing index', `$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$3:${hash},1:${hash}`],
    ['index 100', good.replace('3:', '100:')],
    ['index with a leading zero', good.replace('3:', '03:')],
    ['trailing comma', `${good},`],
    ['extra field', `${good}$x`],
    ['101 entries', `$2fa-bc$v=1$scrypt$N=1024,r=8,p=1$len=10$${salt}$${Array.from({ length: 101 }, (_, i) => `${i}:${hash}`).join(',')}`],
    ['a megabyte', `${good}${'A'.repeat(1_000_000)}`],
  ];

  it.each(cases)('%s', async (_, hashed) => {
    const e = expectError(() => countBackupCodes(hashed as string), 'INVALID_BACKUP_CODES', 'hashed');
    expect(e.message.length).toBeLessThan(200);
    expectError(() => backupCodesOutdated(hashed as string), 'INVALID_BACKUP_CODES', 'hashed');
    await expectRejection(verifyBackupCode(hashed as string, 'k7m2p-9xq4t'), 'INVALID_BACKUP_CODES', 'hashed');
  });
});
