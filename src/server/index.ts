// Entry `@inworkjobs/two-factor/server`: the 2FA service, its storage interface and record, MemoryStore,
// the throttle policy. WebCrypto only, no Node built-ins.
export { type TwoFactor, createTwoFactor } from './service.js';
export { type TwoFactorOptions, DEFAULT_ENROLLMENT_TTL_MS, DEFAULT_MAX_DRIFT_STEPS, DEFAULT_HOTP_LOOK_AHEAD, DEFAULT_HOTP_SYNC_LOOK_AHEAD } from './options.js';
export { type TwoFactorEvent, type TwoFactorOperation, type EventSink } from './events.js';
export { type Failure, type FailureReason, type Method } from './decisions.js';
export { type FactorInfo, type FactorType } from './factors.js';
export { type HotpTokenOptions } from './hotp-tokens.js';
export { type ImportedFactor } from './import.js';
export { type Verified, type VerifyOptions } from './verification.js';
export { MAX_LABEL_CHARS, DEFAULT_TOTP_LABEL, DEFAULT_HOTP_LABEL } from './label.js';
export { type Enrollment } from './enrollment.js';
export { type TwoFactorStatus } from './management.js';
export { MAX_STORE_ATTEMPTS } from './transact.js';
export { type TwoFactorStore, type StoredRecord, MemoryStore } from './store.js';
export {
  type TwoFactorRecord,
  type StoredFactor,
  type TotpFactor,
  type HotpFactor,
  type PendingEnrollment,
  type SealedSecret,
  type TotpParameters,
  parseRecord,
  RECORD_SCHEMA,
  MAX_FACTORS,
} from './record.js';
export { type EncryptionOptions } from './seal.js';
export {
  type TrustedDevice,
  type MintedDevice,
  DEFAULT_TRUSTED_DEVICE_TTL_MS,
  MAX_TRUSTED_DEVICE_TTL_MS,
  MAX_TRUSTED_DEVICES,
} from './trusted-devices.js';
export { type TrustedDeviceCheck, type TrustedDeviceInfo } from './trusted-device-operations.js';
export { type ThrottleOptions, type ThrottlePolicy, DEFAULT_THROTTLE, throttleDelayMs, retryAfterMs } from './throttle.js';
