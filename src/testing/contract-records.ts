// The records the store contract suite writes: one enabled (two factors, sealed secret, backup-code hash)
// and one pending, both with non-default values so a store that drops or rewrites a field is caught.
// Not part of the `./testing` entry.
import type { TwoFactorRecord } from '../server/record/types.js';

/** A valid enabled record, as the service writes it (secret sealed, backup-code hash, counters). @internal */
export function enabledRecord(lastStep: number): TwoFactorRecord {
  return {
    schema: 2,
    factors: [
      {
        id: 'f_abcdefghij',
        type: 'totp',
        label: 'Phone "work" ÄÖÜ 🔐',
        secret: { alg: 'A256GCM', kid: 'k-2026', iv: 'AAECAwQFBgcICQoL', ct: 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJo' },
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
        createdAt: 1_767_225_600_000,
        lastUsedAt: null,
        lastStep,
        driftSteps: -2,
      },
      {
        id: 'f_klmnopqr23',
        type: 'hotp',
        label: 'YubiKey 5',
        secret: { alg: 'A256GCM', kid: 'k-2026', iv: 'AAECAwQFBgcICQoL', ct: 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJo' },
        algorithm: 'SHA1',
        digits: 8,
        createdAt: 1_767_225_600_001,
        lastUsedAt: 1_767_225_600_002,
        counter: Number.MAX_SAFE_INTEGER,
      },
    ],
    backupCodes: '$2fa-bc$v=1$scrypt$N=16384,r=8,p=1$len=10$AAAAAAAAAAAAAAAAAAAAAA$0:AAAAAAAAAAAAAAAAAAAAAA',
    backupCodesUsed: [],
    enabledAt: 1_767_225_600_000,
    pending: null,
    failures: 0,
    lastFailureAt: null,
  };
}

/**
 * A valid pending record with non-default parameters and counters; `n` makes each one distinct.
 * Also used by this package's own store tests (not part of the `./testing` entry). @internal
 */
export function pendingRecord(n = 0): TwoFactorRecord {
  return {
    schema: 2,
    factors: [],
    backupCodes: null,
    backupCodesUsed: [],
    enabledAt: null,
    pending: {
      secret: { alg: 'none', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
      label: 'Authenticator app',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      createdAt: 1_767_225_600_000 + n,
      expiresAt: 1_767_226_200_000 + n,
    },
    failures: 7 + n,
    lastFailureAt: 1_767_225_599_999,
  };
}
