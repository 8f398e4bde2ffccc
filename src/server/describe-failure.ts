// Failure reasons as sentences for people, from one table an app can replace for its language. Every app
// would otherwise write this switch itself (the demo did), and forget a reason when the union grows.
import type { FailureReason } from './types/failures.js';

/**
 * The words of {@link describeFailure}: a sentence per failure reason (typed over the whole
 * `FailureReason` union, so a translation that misses a reason does not compile) and the wait sentence.
 */
export interface FailureMessages {
  /** One sentence per reason, e.g. `invalid: 'That code is not valid.'`. */
  readonly reasons: Readonly<Record<FailureReason, string>>;
  /** The sentence for a wait of `seconds` (a whole number ≥ 1, rounded up), e.g. 'Try again in 8 seconds.'. */
  readonly tryAgainIn: (seconds: number) => string;
}

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * The English messages. Waits up to two minutes read in seconds ("Try again in 8 seconds.", "1 second");
 * longer ones (the throttle's cap of an hour, a factor's 72-hour probation) in minutes or hours, rounded up.
 *
 * @example
 * ```ts
 * FAILURE_MESSAGES.reasons.invalid; // 'That code is not valid.'
 * FAILURE_MESSAGES.tryAgainIn(1);   // 'Try again in 1 second.'
 * FAILURE_MESSAGES.tryAgainIn(300); // 'Try again in 5 minutes.'
 * ```
 */
export const FAILURE_MESSAGES: FailureMessages = Object.freeze({
  reasons: Object.freeze({
    invalid: 'That code is not valid.',
    replayed: 'That code has already been used. Wait for the next code in your app.',
    throttled: 'Too many attempts.',
    'not-enabled': 'Two-factor authentication is not turned on for this account.',
    'no-pending-enrollment': 'There is no set-up in progress. Please start again.',
    expired: 'The set-up has expired. Please start again.',
    'proof-required': 'Also enter a code from an app you already use, or a backup code.',
    'unknown-factor': 'That app or token is no longer on this account.',
    'challenge-invalid': 'This sign-in is no longer valid. Please sign in again.',
    'challenge-expired': 'This sign-in took too long. Please sign in again.',
    probation: 'An app added recently cannot do this yet. Use a code from an app you had before.',
    locked: 'Too many wrong codes: two-factor sign-in is locked for this account. Please contact support.',
  }),
  tryAgainIn(seconds: number): string {
    if (seconds < 120) return `Try again in ${plural(seconds, 'second')}.`;
    if (seconds < 7200) return `Try again in ${plural(Math.ceil(seconds / 60), 'minute')}.`;
    return `Try again in ${plural(Math.ceil(seconds / 3600), 'hour')}.`;
  },
});

/**
 * A sentence for a refused code (any `{ ok: false }` result of the service), for the page that asked for
 * it: the reason's sentence, then the wait when the result carries one (`retryAfterMs`, in whole seconds
 * rounded up, so a wait of 7.2 s reads "8 seconds" and never "0 seconds"). Pure; it throws nothing: an
 * unknown reason (a newer service than the table) gets the `invalid` sentence.
 *
 * @param failure - the refusal: its `reason` and, if set, `retryAfterMs` (milliseconds)
 * @param options - `messages`: a replacement table, e.g. for another language (default {@link FAILURE_MESSAGES})
 *
 * @example
 * ```ts
 * describeFailure({ ok: false, reason: 'throttled', retryAfterMs: 7_200 }); // 'Too many attempts. Try again in 8 seconds.'
 * describeFailure({ ok: false, reason: 'invalid', retryAfterMs: 1_000 });   // 'That code is not valid. Try again in 1 second.'
 * describeFailure({ ok: false, reason: 'replayed' });                        // 'That code has already been used. Wait for the next code in your app.'
 * const german = { reasons: { ...FAILURE_MESSAGES.reasons, invalid: 'Dieser Code ist ungültig.' }, tryAgainIn: (s: number) => `Bitte in ${s} s erneut versuchen.` };
 * describeFailure({ ok: false, reason: 'invalid', retryAfterMs: 2_000 }, { messages: german }); // 'Dieser Code ist ungültig. Bitte in 2 s erneut versuchen.'
 * ```
 */
export function describeFailure(
  failure: { readonly reason: FailureReason; readonly retryAfterMs?: number },
  options: { readonly messages?: FailureMessages } = {},
): string {
  const messages = options.messages ?? FAILURE_MESSAGES;
  const sentence = messages.reasons[failure.reason] ?? messages.reasons.invalid;
  const wait = failure.retryAfterMs;
  if (typeof wait !== 'number' || !(wait > 0)) return sentence;
  return `${sentence} ${messages.tryAgainIn(Math.ceil(wait / 1000))}`;
}
