// The options of createTwoFactor, checked once with the names a caller wrote.
import { fail, integerOption, optionsObject, stringOption } from '../internal/assert.js';
import { algorithmOption, type Algorithm } from '../algorithm.js';
import { digitsOption, periodOption } from '../internal/parameters.js';
import { backupCodeSetShape } from '../backup-codes/codes.js';
import { scryptCostOption, type ScryptCost } from '../backup-codes/format.js';
import { MAX_DRIFT_STEPS, MAX_ENROLLMENT_TTL_MS, MAX_TOTP_PERIOD_SECONDS, type TotpParameters } from './record/types.js';
import { createSealer, type EncryptionOptions } from './record/seal.js';
import type { TwoFactorStore } from './record/store.js';
import { throttlePolicy, type ThrottleOptions } from './checks/throttle.js';
import type { EventSink } from './types/events.js';
import type { ServiceSettings } from './operations/context.js';

/** Options of {@link createTwoFactor}. */
export interface TwoFactorOptions {
  /** Where records live; see {@link TwoFactorStore}. */
  store: TwoFactorStore;
  /** Shown in authenticator apps next to the account, e.g. `'InworkJobs'`. */
  issuer: string;
  /**
   * AES-256-GCM keys for secrets at rest. Without it factor secrets are stored in the clear (base32). With it,
   * a secret found in the clear is `DECRYPTION_FAILED` unless `allowPlaintext` (a migration aid) is true.
   */
  encryption?: EncryptionOptions;
  /** Clock, epoch **milliseconds**; default `Date.now`. */
  now?: () => number;
  /**
   * TOTP parameters of new enrolments (existing ones keep theirs), the accepted network delay `window` in
   * **steps** around the device's learned clock (default 1 = ±1, 0–10), and `maxDriftSteps`, the largest
   * clock offset learned per factor (RFC 6238 §6; default 10, 0–100; 0 learns nothing).
   */
  totp?: { algorithm?: Algorithm; digits?: number; period?: number; window?: number; maxDriftSteps?: number };
  /**
   * HOTP tokens: `lookAhead`, counters accepted past the expected one at sign-in (default 10, 0–100);
   * `syncLookAhead`, counters searched for two consecutive codes on registration and `resyncHotp`
   * (RFC 4226 §7.4; default 1,000, 1,000–100,000).
   */
  hotp?: { lookAhead?: number; syncLookAhead?: number };
  /** How long a pending enrolment can be confirmed, in **milliseconds**; default 10 min, 1 s – 1 day. */
  enrollmentTtlMs?: number;
  /** Back-off after consecutive failures; see {@link DEFAULT_THROTTLE}. */
  throttle?: ThrottleOptions;
  /**
   * Backup codes per set (`count`, default 10) and symbols per code (`length`, default 10).
   * `cost` is the scrypt cost of new sets (see `hashBackupCodes`); lower it only in tests.
   */
  backupCodes?: { count?: number; length?: number; cost?: ScryptCost };
  /**
   * Audit hook. Called after each change is stored and never awaited: a throw or a rejected promise
   * is swallowed and changes nothing, so handle your own errors (e.g. queue the event).
   */
  onEvent?: EventSink;
}

/** Default time to confirm an enrolment: 10 minutes, in milliseconds (long enough to install an app). */
export const DEFAULT_ENROLLMENT_TTL_MS = 10 * 60 * 1000;
const MAX_ISSUER_CHARS = 256;
const MAX_WINDOW = 10;
/** Default largest learned clock offset of a TOTP factor, in steps (5 minutes at 30 s). */
export const DEFAULT_MAX_DRIFT_STEPS = 10;
/** Default HOTP look-ahead at sign-in, in counters. */
export const DEFAULT_HOTP_LOOK_AHEAD = 10;
/** Default HOTP look-ahead for registration and resynchronisation, in counters. */
export const DEFAULT_HOTP_SYNC_LOOK_AHEAD = 1000;
const MAX_HOTP_LOOK_AHEAD = 100;
const MAX_HOTP_SYNC_LOOK_AHEAD = 100_000;

/** Validates every option of {@link createTwoFactor}; throws `INVALID_OPTION` naming the field. @internal */
export function serviceSettings(options: TwoFactorOptions): ServiceSettings {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('INVALID_OPTION', 'options', 'an object', options);
  const { store } = options;
  if (store === null || typeof store !== 'object' || typeof store.get !== 'function' || typeof store.compareAndSet !== 'function') {
    fail('INVALID_OPTION', 'store', 'an object with get and compareAndSet methods', store);
  }
  const issuer = stringOption(options.issuer, 'issuer', MAX_ISSUER_CHARS);
  if (issuer.trim().length === 0) fail('INVALID_OPTION', 'issuer', 'a non-empty string', issuer);
  const sealer = createSealer(options.encryption);
  const now = checkedClock(functionOption(options.now, 'now') ?? Date.now);
  const totp = optionsObject(options.totp, 'totp');
  const parameters: TotpParameters = Object.freeze({
    algorithm: algorithmOption(totp.algorithm, 'totp.algorithm'),
    digits: digitsOption(totp.digits, 'totp.digits'),
    period: periodOption(totp.period, 'totp.period', MAX_TOTP_PERIOD_SECONDS),
  });
  const window = integerOption(totp.window, 'totp.window', 0, MAX_WINDOW, 1);
  const maxDriftSteps = integerOption(totp.maxDriftSteps, 'totp.maxDriftSteps', 0, MAX_DRIFT_STEPS, DEFAULT_MAX_DRIFT_STEPS);
  const hotpOptions = optionsObject(options.hotp, 'hotp');
  const hotp = Object.freeze({
    lookAhead: integerOption(hotpOptions.lookAhead, 'hotp.lookAhead', 0, MAX_HOTP_LOOK_AHEAD, DEFAULT_HOTP_LOOK_AHEAD),
    syncLookAhead: integerOption(hotpOptions.syncLookAhead, 'hotp.syncLookAhead', DEFAULT_HOTP_SYNC_LOOK_AHEAD, MAX_HOTP_SYNC_LOOK_AHEAD, DEFAULT_HOTP_SYNC_LOOK_AHEAD),
  });
  const enrollmentTtlMs = integerOption(options.enrollmentTtlMs, 'enrollmentTtlMs', 1000, MAX_ENROLLMENT_TTL_MS, DEFAULT_ENROLLMENT_TTL_MS);
  const throttle = throttlePolicy(options.throttle);
  const backup = optionsObject(options.backupCodes, 'backupCodes');
  const backupCodes = Object.freeze({
    ...backupCodeSetShape(backup, 'backupCodes'),
    ...(backup.cost === undefined ? {} : { cost: scryptCostOption(backup.cost, 'backupCodes.cost') }),
  });
  const onEvent = functionOption(options.onEvent, 'onEvent');
  return Object.freeze({ store, issuer, sealer, now, parameters, window, maxDriftSteps, hotp, enrollmentTtlMs, throttle, backupCodes, onEvent });
}

function functionOption<T>(value: T | undefined, field: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail('INVALID_OPTION', field, 'a function', value);
  return value;
}

/** The clock, read through a check: a broken `now` fails loudly instead of corrupting stored times. */
function checkedClock(clock: () => number): () => number {
  return () => {
    const ms = clock();
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) fail('INVALID_OPTION', 'now', 'a function returning epoch milliseconds', ms);
    return ms;
  };
}
