// Audit events: what the service tells `onEvent` after each stored change.
import type { FactorType, FailureReason, Method } from './failures.js';

/** The service call an event or a failure belongs to. */
export type TwoFactorOperation =
  | 'confirm-enrollment'
  | 'verify'
  | 'disable'
  | 'regenerate-backup-codes'
  | 'add-hotp-token'
  | 'resync-hotp'
  | 'remove-factor';

/**
 * Audit events, emitted after the change they report has been stored. None carries a secret, a code or a
 * label (labels are the user's own text); factors are named by id and type. `at` is the service clock's time (epoch ms).
 */
export type TwoFactorEvent =
  | { type: 'enrollment-started'; userId: string; at: number; expiresAt: number }
  /** 2FA turned on with its first factor. `replaced` is always false since 0.2: a factor is never replaced. */
  | { type: 'enabled'; userId: string; at: number; replaced: boolean }
  /** A factor was added beside enabled ones (the first factor reports `enabled` as well). */
  | { type: 'factor-added'; userId: string; at: number; factorId: string; factorType: FactorType; proof?: Method }
  | { type: 'factor-removed'; userId: string; at: number; factorId: string; factorType: FactorType }
  | { type: 'factor-renamed'; userId: string; at: number; factorId: string }
  /** An operator imported a factor from another system (`importFactor`), with `backupCodes` plaintext codes hashed. */
  | { type: 'factor-imported'; userId: string; at: number; factorId: string; factorType: FactorType; backupCodes: number }
  /** An HOTP token's counter moved by `resyncHotp`, by `skipped` counters. */
  | { type: 'hotp-resynced'; userId: string; at: number; factorId: string; skipped: number }
  | { type: 'disabled'; userId: string; at: number }
  | { type: 'reset'; userId: string; at: number }
  | { type: 'backup-code-used'; userId: string; at: number; remaining: number }
  | { type: 'backup-codes-regenerated'; userId: string; at: number; count: number }
  | {
      type: 'verification-failed';
      userId: string;
      at: number;
      operation: TwoFactorOperation;
      reason: Exclude<FailureReason, 'throttled'>;
      method?: Method;
      /** Consecutive failures after this one (absent when nothing was counted). */
      failures?: number;
    }
  | { type: 'throttled'; userId: string; at: number; operation: TwoFactorOperation; retryAfterMs: number }
  /** A successful `verify` with `trustDevice` trusted a browser until `expiresAt` (epoch ms). Never carries the token. */
  | { type: 'device-trusted'; userId: string; at: number; deviceId: string; expiresAt: number }
  /** `count` devices were revoked; `deviceId` is set when one was named (or dropped to make room for a newer one). */
  | { type: 'device-revoked'; userId: string; at: number; deviceId?: string; count: number };

/** An event as a decision states it; the service adds `userId` and `at` when it emits. @internal */
export type EventBody = TwoFactorEvent extends infer E ? (E extends TwoFactorEvent ? Omit<E, 'userId' | 'at'> : never) : never;

/** The `onEvent` hook of `createTwoFactor`'s options. */
export type EventSink = (event: TwoFactorEvent) => void | Promise<void>;
