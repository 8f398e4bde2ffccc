// Entry `@inworkjobs/two-factor/server`: the 2FA service, its storage interface and record, MemoryStore,
// the throttle policy. WebCrypto only, no Node built-ins.
export {
  type TwoFactor,
  type TwoFactorOptions,
  type TwoFactorEvent,
  type TwoFactorOperation,
  type TwoFactorStatus,
  type Enrollment,
  type Failure,
  type FailureReason,
  createTwoFactor,
  DEFAULT_ENROLLMENT_TTL_MS,
  MAX_STORE_ATTEMPTS,
} from './service.js';
export { type TwoFactorStore, type StoredRecord, MemoryStore } from './store.js';
export {
  type TwoFactorRecord,
  type ActiveFactor,
  type PendingEnrollment,
  type SealedSecret,
  type TotpParameters,
  parseRecord,
  RECORD_SCHEMA,
} from './record.js';
export { type EncryptionOptions } from './seal.js';
export { type ThrottleOptions, type ThrottlePolicy, DEFAULT_THROTTLE, throttleDelayMs, retryAfterMs } from './throttle.js';
