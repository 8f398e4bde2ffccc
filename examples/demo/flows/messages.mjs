// What the demo says for each of the library's failure reasons, and the waits its throttles impose.

export function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Whole seconds, rounded up: "Try again in 0 seconds" would be a lie. */
export function waitText(ms) {
  return `Too many attempts. Try again in ${plural(Math.ceil(ms / 1000), 'second')}.`;
}

/** Hours, rounded up, for a probation's wait (up to 72 hours). */
export function probationText(ms) {
  return `This method was added recently; it can remove older methods, turn off two-factor authentication or replace the backup codes in ${plural(Math.max(1, Math.ceil(ms / 3_600_000)), 'hour')}. Use an older method or wait.`;
}

/** The cap on wrong codes (`throttle.lockAfter`) was reached: only support can lift it (`unlock`). */
export const LOCKED_TEXT = 'Too many wrong codes: two-factor sign-in for this account is locked. Contact support to unlock it.';

/** The message for a failed `completeSignIn` that stays on the code page (`attemptsLeft`: wrong codes this sign-in still allows). */
export function codeFailureMessage(result, method) {
  const message = failureMessage(result, method);
  if (result.attemptsLeft === undefined || result.attemptsLeft === 0) return message;
  return `${message} ${plural(result.attemptsLeft, 'attempt')} left.`;
}

/** The message for a failed `verify`, `completeSignIn`, `confirmEnrollment`, `regenerateBackupCodes` or `disable`. */
export function failureMessage(result, method) {
  const wait = result.retryAfterMs ? ` ${waitText(result.retryAfterMs)}` : '';
  switch (result.reason) {
    case 'locked':
      return LOCKED_TEXT;
    case 'probation':
      return probationText(result.retryAfterMs ?? 0);
    case 'challenge-expired':
      return 'Your sign-in took too long. Please sign in again.';
    case 'challenge-invalid':
      return 'This sign-in is no longer valid. Please sign in again.';
    case 'throttled':
      return waitText(result.retryAfterMs ?? 1000);
    case 'replayed':
      return `That code has already been used. Wait for the next code in your app.${wait}`;
    case 'invalid':
      return method === 'backup' ? `That backup code is not valid or has already been used.${wait}` : `That code is not valid.${wait}`;
    case 'expired':
    case 'no-pending-enrollment':
      return 'The set-up has expired. Please start again.';
    case 'not-enabled':
      return 'Two-factor authentication is not enabled.';
    default:
      return 'That did not work. Please try again.';
  }
}

const FACTOR_MESSAGES = {
  'proof-required': 'Confirm it is you with a code from one of your apps or tokens, or a backup code.',
  'unknown-factor': 'That factor no longer exists.',
  invalid: 'That code is not valid.',
  replayed: 'That code has already been used. Wait for the next one.',
  expired: 'This set-up has expired. Start again.',
  'no-pending-enrollment': 'This set-up has expired. Start again.',
  'not-enabled': 'Two-factor authentication is off.',
};

/** The message for a failed factor addition or removal (the Security tab's factor forms). */
export function factorMessage(result) {
  if (result.reason === 'throttled') return waitText(result.retryAfterMs ?? 1000);
  if (result.reason === 'probation') return probationText(result.retryAfterMs ?? 0);
  if (result.reason === 'locked') return LOCKED_TEXT;
  return FACTOR_MESSAGES[result.reason] ?? 'That did not work. Please try again.';
}

/** 429 for a throttled attempt, 403 for a locked account or a factor on probation, 400 for any other refusal. */
export function statusFor(result) {
  if (result.reason === 'throttled') return 429;
  return result.reason === 'locked' || result.reason === 'probation' ? 403 : 400;
}
