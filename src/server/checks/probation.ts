// Older factors outrank newer ones: a factor added while an older one existed is on probation for
// `factors.probationMs`, during which its codes sign in and prove possession, but cannot remove an older
// factor, disable 2FA or replace the backup codes. Pure functions of the factors a code matched; the
// reasoning is in docs/security.md, "Probation".
import { integerOption, optionsObject } from '../../internal/assert.js';
import { MAX_PROBATION_MS, type TwoFactorRecord } from '../record/types.js';
import type { TwoFactorOperation } from '../types/events.js';
import type { Failure } from '../types/failures.js';
import type { Decision } from './outcomes.js';

/** Default probation of a factor added beside an older one: 72 hours, in milliseconds. */
export const DEFAULT_PROBATION_MS = 72 * 60 * 60 * 1000;

/** Validates the `factors` option of createTwoFactor; `probationMs` 0 (no probation) – 30 days. @internal */
export function probationPolicy(options: { probationMs?: number } | undefined): Readonly<{ probationMs: number }> {
  const o = optionsObject(options, 'factors');
  return Object.freeze({ probationMs: integerOption(o.probationMs, 'factors.probationMs', 0, MAX_PROBATION_MS, DEFAULT_PROBATION_MS) });
}

/** Milliseconds of probation a factor still has at `nowMs`; 0 once it has matured (or never had any). @internal */
export function probationLeft(factor: { probationUntil?: number }, nowMs: number): number {
  return factor.probationUntil === undefined ? 0 : Math.max(0, factor.probationUntil - nowMs);
}

/**
 * The probation field of a factor being added at `nowMs`: set only beside an older factor (never on the
 * first factor, never by an import), left out when the policy is 0. @internal
 */
export function probationOf(hasOlderFactor: boolean, nowMs: number, probationMs: number): { probationUntil?: number } {
  return hasOlderFactor && probationMs > 0 ? { probationUntil: nowMs + probationMs } : {};
}

/**
 * Whether a code that matched the factors at `matched` (indexes: the first match and any other factor
 * sharing its secret) may make a privileged change: 0 when it may, else the milliseconds until the soonest
 * of them matures (the `retryAfterMs` of a `'probation'` refusal). A matured factor may do anything; with
 * `target` (removeFactor), a factor on probation may still remove itself or a factor added after it. @internal
 */
export function probationWait(factors: readonly { probationUntil?: number }[], matched: readonly number[], nowMs: number, target?: number): number {
  let wait = Number.POSITIVE_INFINITY;
  for (const index of matched) {
    const left = probationLeft(factors[index]!, nowMs);
    if (left === 0 || index === target || (target !== undefined && target > index)) return 0;
    wait = Math.min(wait, left);
  }
  return Number.isFinite(wait) ? wait : 0;
}

/**
 * A `'probation'` refusal when the factors the code matched may not make the change (see
 * {@link probationWait}), with `retryAfterMs`; null when they may. Nothing is counted or written: the code
 * was right. @internal
 */
export function probationRefusal<R>(record: TwoFactorRecord, matched: readonly number[], nowMs: number, operation: TwoFactorOperation, target?: number): Decision<R | Failure> | null {
  const wait = probationWait(record.factors, matched, nowMs, target);
  if (wait === 0) return null;
  return { result: { ok: false, reason: 'probation', retryAfterMs: wait }, events: [{ type: 'verification-failed', operation, reason: 'probation' }] };
}
