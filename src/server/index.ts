// Entry `@inworkjobs/two-factor/server`: the 2FA service, its storage interface and record, MemoryStore,
// the throttle policy. WebCrypto only, no Node built-ins.
export { type TwoFactor, createTwoFactor } from './service.js';
export { type TwoFactorOptions, DEFAULT_ENROLLMENT_TTL_MS, DEFAULT_MAX_DRIFT_STEPS, DEFAULT_HOTP_LOOK_AHEAD, DEFAULT_HOTP_SYNC_LOOK_AHEAD } from './options.js';
export { type TwoFactorEvent, type TwoFactorOperation, type EventSink } from './types/events.js';
export { type Failure, type FailureReason, type Method } from './types/failures.js';
export { type FactorType } from './types/failures.js';
export { type FactorInfo } from './record/factors.js';
export { type HotpTokenOptions } from './operations/hotp-tokens.js';
export { type ImportedFactor } from './operations/import.js';
export { type Verified, type VerifyOptions, type SignInStart, type SignInResult } from './operations/sign-in.js';
export { DEFAULT_CHALLENGE_TTL_MS, DEFAULT_MAX_ATTEMPTS } from './checks/challenge.js';
export { DEFAULT_PROBATION_MS } from './checks/probation.js';
export { DEFAULT_LOCK_AFTER } from './checks/lock.js';
export { MAX_LABEL_CHARS, DEFAULT_TOTP_LABEL, DEFAULT_HOTP_LABEL } from './record/label.js';
export { type Enrollment, type PendingEnrollmentView } from './operations/enrollment.js';
export { type TwoFactorStatus } from './operations/management.js';
export { MAX_STORE_ATTEMPTS } from './transact.js';
export { type TwoFactorStore, type StoredRecord, MemoryStore } from './record/store.js';
export {
  type TwoFactorRecord,
  type StoredFactor,
  type TotpFactor,
  type HotpFactor,
  type PendingEnrollment,
  type SealedSecret,
  type TotpParameters,
  type SignInChallenge,
  RECORD_SCHEMA,
  MAX_FACTORS,
  MAX_OPEN_CHALLENGES,
  MAX_CHALLENGE_TTL_MS,
  MAX_PROBATION_MS,
} from './record/types.js';
export { parseRecord } from './record/parse.js';
export { type EncryptionOptions } from './record/seal.js';
export {
  DEFAULT_TRUSTED_DEVICE_TTL_MS,
  MAX_TRUSTED_DEVICE_TTL_MS,
  MAX_TRUSTED_DEVICES,
} from './record/devices.js';
export { type TrustedDevice } from './record/types.js';
export { type MintedDevice } from './checks/device-token.js';
export { type TrustedDeviceCheck, type TrustedDeviceInfo } from './operations/trusted-devices.js';
export { type ThrottleOptions, type ThrottlePolicy, DEFAULT_THROTTLE, throttleDelayMs, retryAfterMs } from './checks/throttle.js';
export { type FailureMessages, FAILURE_MESSAGES, describeFailure } from './describe-failure.js';
export { isRecent } from './step-up.js';
