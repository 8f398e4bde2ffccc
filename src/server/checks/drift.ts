// Clock drift (RFC 6238 §6): each TOTP factor remembers how far its device's clock is off, in steps, and
// the acceptance window is centred there. Replay protection stays absolute: a step at or below the last
// accepted one never matches, whatever the drift. The code comes in read once (readCode) and the window
// settled once per service, so nothing here re-checks an option.
import { matchStep, type TypedCode } from '../../internal/otp.js';
import { MAX_WINDOW_STEPS } from '../../totp.js';
import type { TotpFactor, TotpParameters } from '../record/types.js';

/** A TOTP code accepted for a factor: the step to store as `lastStep` and the drift learned from it. @internal */
export interface TotpMatch {
  step: number;
  driftSteps: number;
}

const clampDrift = (steps: number, maxDriftSteps: number): number => Math.max(-maxDriftSteps, Math.min(maxDriftSteps, steps));

/** The time step of epoch ms `ms` for `period` seconds (T0 = 0, as the service enrols). */
const stepAt = (ms: number, period: number): number => Math.floor(Math.floor(ms / 1000) / period);

/**
 * The step the factor's device believes it is: `nowMs` moved by its learned offset, capped at
 * ±`maxDriftSteps` (a record may hold up to 100: learned under a higher cap, or not written by the service).
 */
function deviceStep(factor: TotpFactor, nowMs: number, maxDriftSteps: number): number {
  return stepAt(Math.max(0, nowMs + clampDrift(factor.driftSteps, maxDriftSteps) * factor.period * 1000), factor.period);
}

/**
 * Checks `code` within ±`window` steps of the device's clock (now + drift, capped), refusing steps at or below
 * `lastStep`. On a match the new drift is the matched step's offset from the true current step, capped
 * at ±`maxDriftSteps`. Every step of the window is computed and compared in constant time. @internal
 */
export function matchTotp(secret: Uint8Array, factor: TotpFactor, code: TypedCode, nowMs: number, window: number, maxDriftSteps: number): TotpMatch | null {
  const { algorithm, digits, period } = factor;
  const step = matchStep(secret, algorithm, digits, code.value, deviceStep(factor, nowMs, maxDriftSteps), window, window, factor.lastStep);
  if (step < 0) return null;
  return { step, driftSteps: clampDrift(step - stepAt(nowMs, period), maxDriftSteps) };
}

/**
 * True when `code` is one of a step at or below `lastStep` within the window around the device's clock or
 * the true one (so a code refused only for its age is told apart from a wrong one). @internal
 */
export function isTotpReplay(secret: Uint8Array, factor: TotpFactor, code: TypedCode, nowMs: number, window: number): boolean {
  if (factor.lastStep < 0) return false;
  const { algorithm, digits, period, driftSteps } = factor;
  const past = Math.min(MAX_WINDOW_STEPS, window + Math.max(0, -driftSteps));
  const future = Math.min(MAX_WINDOW_STEPS, window + Math.max(0, driftSteps));
  const step = matchStep(secret, algorithm, digits, code.value, stepAt(nowMs, period), past, future);
  return step >= 0 && step <= factor.lastStep;
}

/** The step of `code` for a secret not yet in use (a pending enrolment: no last step, no drift), or -1. @internal */
export function matchNewTotp(secret: Uint8Array, parameters: TotpParameters, code: TypedCode | null, nowMs: number, window: number): number {
  const { algorithm, digits, period } = parameters;
  if (code === null || code.digits !== digits) return -1;
  return matchStep(secret, algorithm, digits, code.value, stepAt(nowMs, period), window, window);
}
