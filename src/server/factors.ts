// A user's factors: what is shown of them, how one is added beside the others, and the limit.
import { fail } from '../internal/assert.js';
import { isEnabled, MAX_FACTORS, type StoredFactor, type TwoFactorRecord } from './record.js';

/** An authenticator app (`'totp'`, RFC 6238) or a hardware token (`'hotp'`, RFC 4226). */
export type FactorType = 'totp' | 'hotp';

/** What {@link TwoFactor.listFactors} shows of a factor: never its secret. */
export interface FactorInfo {
  /** Opaque, stable, unique per user. */
  id: string;
  type: FactorType;
  /** 1–64 characters, e.g. 'Authenticator app', 'YubiKey 5'. */
  label: string;
  /** Epoch ms. */
  createdAt: number;
  /** The last sign-in or proof with this factor, epoch ms. */
  lastUsedAt?: number;
  /** TOTP: the device's clock offset in steps, learned from accepted codes (RFC 6238 §6). */
  driftSteps?: number;
}

/** The public view of a stored factor. @internal */
export function factorInfo(factor: StoredFactor): FactorInfo {
  return {
    id: factor.id,
    type: factor.type,
    label: factor.label,
    createdAt: factor.createdAt,
    ...(factor.lastUsedAt === null ? {} : { lastUsedAt: factor.lastUsedAt }),
    ...(factor.type === 'totp' ? { driftSteps: factor.driftSteps } : {}),
  };
}

/** Refuses an addition that would exceed {@link MAX_FACTORS}; nothing is written. @internal */
export function assertRoomForFactor(record: TwoFactorRecord | null | undefined): void {
  const count = record?.factors.length ?? 0;
  if (count >= MAX_FACTORS) fail('INVALID_OPTION', 'userId', `a user with fewer than ${MAX_FACTORS} factors (remove one first)`, count);
}

/**
 * The record with `factor` added beside the enabled ones. The first factor turns 2FA on with the new
 * backup-code set `hashed` (null: none, e.g. an import without codes); later ones keep the user's codes. @internal
 */
export function withFactorAdded(record: TwoFactorRecord, factor: StoredFactor, nowMs: number, hashed: string | null): TwoFactorRecord {
  assertRoomForFactor(record);
  if (isEnabled(record)) return { ...record, factors: [...record.factors, factor] };
  return { ...record, factors: [factor], backupCodes: hashed, backupCodesUsed: [], enabledAt: nowMs };
}

/** Index of the factor `factorId`, or -1. @internal */
export function factorIndex(record: TwoFactorRecord | null | undefined, factorId: string): number {
  return record ? record.factors.findIndex((factor) => factor.id === factorId) : -1;
}
