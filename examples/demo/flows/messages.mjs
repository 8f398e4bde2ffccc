// What the demo says for each of the library's failure reasons, and the waits its throttles impose.

export function plural(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Whole seconds, rounded up: "Try again in 0 seconds" would be a lie. */
export function waitText(ms) {
  return `Too many attempts. Try again in ${plural(Math.ceil(ms / 1000), 'second')}.`;
}

/** The message for a failed `verify`, `confirmEnrollment`, `regenerateBackupCodes` or `disable`. */
export function failureMessage(result, method) {
  const wait = result.retryAfterMs ? ` ${waitText(result.retryAfterMs)}` : '';
  switch (result.reason) {
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
  if (result.reason === 'throttled') return `Too many attempts. Try again in ${Math.ceil((result.retryAfterMs ?? 1000) / 1000)} seconds.`;
  return FACTOR_MESSAGES[result.reason];
}

/** 429 for a throttled attempt, 400 for any other refusal. */
export function statusFor(result) {
  return result.reason === 'throttled' ? 429 : 400;
}
