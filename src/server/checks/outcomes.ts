// The outcomes of a check as decisions: refusals (counting nothing), counted failures (the counter moves in
// the same compareAndSet), and the throttle's admission. Every operation decides with these.
import type { EventBody, TwoFactorOperation } from '../types/events.js';
import type { Failure, FailureReason, Method } from '../types/failures.js';
import type { TwoFactorRecord } from '../record/types.js';
import { retryAfterMs, throttleDelayMs, type ThrottlePolicy } from './throttle.js';

/** One decision: the result, the record to write (`undefined` = nothing to write, `null` = delete), the events. @internal */
export interface Decision<R> {
  result: R;
  next?: TwoFactorRecord | null;
  events: EventBody[];
}

/** The settings a throttle outcome reads. @internal */
export type ThrottleSettings = { readonly throttle: ThrottlePolicy };

/** A refusal that counts nothing and writes nothing. @internal */
export function refuse<R>(operation: TwoFactorOperation, reason: Exclude<FailureReason, 'throttled'>, method?: Method): Decision<R | Failure> {
  return { result: { ok: false, reason }, events: [{ type: 'verification-failed', operation, reason, ...(method ? { method } : {}) }] };
}

/** An attempt the throttle does not admit: not counted, nothing written. @internal */
export function throttled<R>(operation: TwoFactorOperation, wait: number): Decision<R | Failure> {
  return { result: { ok: false, reason: 'throttled', retryAfterMs: wait }, events: [{ type: 'throttled', operation, retryAfterMs: wait }] };
}

/** A refused code; `retryAfterMs` only when the next attempt must wait. @internal */
export function failure(reason: 'invalid' | 'replayed', wait: number): Failure {
  return wait > 0 ? { ok: false, reason, retryAfterMs: wait } : { ok: false, reason };
}

/** A counted failure: the counter moves in the same compareAndSet, so parallel guesses cannot skip it. @internal */
export function counted<R>(
  ctx: ThrottleSettings,
  record: TwoFactorRecord,
  nowMs: number,
  operation: TwoFactorOperation,
  reason: 'invalid' | 'replayed',
  method: Method,
): Decision<R | Failure> {
  const failures = record.failures + 1;
  return {
    result: failure(reason, throttleDelayMs(failures, ctx.throttle)),
    next: { ...record, failures, lastFailureAt: nowMs },
    events: [{ type: 'verification-failed', operation, reason, method, failures }],
  };
}

/** How long an attempt at `nowMs` must still wait (0: admitted). @internal */
export function waitFor(ctx: ThrottleSettings, record: TwoFactorRecord, nowMs: number): number {
  return retryAfterMs(record.failures, record.lastFailureAt, nowMs, ctx.throttle);
}

