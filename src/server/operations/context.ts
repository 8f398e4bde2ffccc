// What every operation is a function of: the checked settings and the store boundary (read, transact, emit).
// The engine behind it is ../transact.ts; operations see only this interface.
import type { ScryptCost } from '../../backup-codes/format.js';
import type { Decision } from '../checks/outcomes.js';
import type { ThrottlePolicy } from '../checks/throttle.js';
import type { Sealer } from '../record/seal.js';
import type { StoredRecord, TwoFactorStore } from '../record/store.js';
import type { TotpParameters } from '../record/types.js';
import type { EventBody, EventSink } from '../types/events.js';

/** {@link TwoFactorOptions} checked, with defaults filled in. @internal */
export type ServiceSettings = Readonly<{
  store: TwoFactorStore;
  issuer: string;
  sealer: Sealer;
  /** The clock, checked on every reading: epoch ms. */
  now: () => number;
  /** TOTP parameters of new enrolments. */
  parameters: TotpParameters;
  /** Accepted network delay, in steps either way around the learned clock offset. */
  window: number;
  /** Largest learned clock offset, in steps either way. */
  maxDriftSteps: number;
  /** HOTP look-aheads at sign-in and for (re)synchronisation, in counters. */
  hotp: { readonly lookAhead: number; readonly syncLookAhead: number };
  enrollmentTtlMs: number;
  throttle: ThrottlePolicy;
  backupCodes: { readonly count: number; readonly length: number; readonly cost?: ScryptCost };
  onEvent?: EventSink;
}>;

/** Decides on the record as just read (`null`: none) at `nowMs`. @internal */
export type Decide<R> = (stored: StoredRecord | null, nowMs: number) => Decision<R> | Promise<Decision<R>>;

/** What every operation is a function of: the checked settings and the store boundary. @internal */
export interface ServiceContext extends ServiceSettings {
  /** The user's record, validated and migrated by `parseRecord`. */
  read(userId: string): Promise<StoredRecord | null>;
  /**
   * Runs `decide` on the current record and commits its `next` with compareAndSet, then emits its events;
   * on conflict re-reads and decides again. `first` is a snapshot the caller has just read (saves one get).
   */
  transact<R>(userId: string, decide: Decide<R>, first?: StoredRecord | null): Promise<R>;
  /** Emits events of a decision that wrote nothing through `transact`. */
  emit(userId: string, at: number, events: readonly EventBody[]): void;
}
