export { TwoFactorError, type TwoFactorErrorCode } from './errors.js';
export { type Secret, generateSecret, DEFAULT_SECRET_BYTES, MIN_SECRET_BYTES } from './secret.js';
export { encodeBase32, decodeBase32, formatSetupKey, MAX_SECRET_BYTES } from './base32.js';
export { type Algorithm } from './algorithm.js';
export { type OtpOptions, type HotpVerifyResult, generateHotp, verifyHotp, MAX_LOOK_AHEAD } from './hotp.js';
export {
  type TimeOptions,
  type TotpOptions,
  type TotpVerifyOptions,
  type TotpVerifyResult,
  generateTotp,
  verifyTotp,
  timeStep,
  secondsRemaining,
  MAX_WINDOW_STEPS,
} from './totp.js';
export { type OtpauthParams, MAX_OTPAUTH_URI_CHARS } from './uri/params.js';
export { buildOtpauthUri } from './uri/build.js';
export { parseOtpauthUri } from './uri/parse.js';
export {
  generateBackupCodes,
  normalizeBackupCode,
  BACKUP_CODE_ALPHABET,
  DEFAULT_BACKUP_CODE_COUNT,
  MAX_BACKUP_CODE_COUNT,
  DEFAULT_BACKUP_CODE_LENGTH,
  MIN_BACKUP_CODE_LENGTH,
  MAX_BACKUP_CODE_LENGTH,
} from './backup-codes/codes.js';
export { type ScryptCost, countBackupCodes, backupCodesOutdated, DEFAULT_BACKUP_CODE_COST } from './backup-codes/format.js';
export { type HashBackupCodesOptions, type BackupCodeVerifyResult, hashBackupCodes, verifyBackupCode } from './backup-codes/hash.js';
