// Clock drift (RFC 6238 §6): each TOTP factor remembers how far its device's clock is off, in steps, and
// the acceptance window is centred there. Replay protection stays absolute: a step at or below the last
// accepted one never matches, whatever the drift.
import { MAX_WINDOW_STEPS, verifyTotp } from '../../totp.js';
import type { TotpFactor } from '../record/types.js';

/** A TOTP code accepted for a factor: the step to store as `lastStep` and the drift learned from it. @internal */
export interface TotpMatch {
  step: number;
  driftSteps: number;
}

const clampDrift = (steps: number, maxDriftSteps: number): number => Math.max(-maxDriftSteps, Math.min(maxDriftSteps, steps));

/**
 * The moment the factor's device believes it is, in epoch ms: `nowMs` moved by its learned offset, capped
 * at ±`maxDriftSteps` (a record may hold up to 100: learned under a higher cap, or not written by the service).
 */
function deviceNow(factor: TotpFactor, nowMs: number, maxDriftSteps: number): number {
  return Math.max(0, nowMs + clampDrift(factor.driftSteps, maxDriftSteps) * factor.period * 1000);
}

/**
 * Checks `code` within ±`window` steps of the device's clock (now + drift, capped), refusing steps at or below
 * `lastStep`. On a match the new drift is the matched step's offset from the true current step, capped
 * at ±`maxDriftSteps`. Every step of the window is computed and compared in constant time. @internal
 */
export function matchTotp(secret: Uint8Array, factor: TotpFactor, code: string, nowMs: number, window: number, maxDriftSteps: number): TotpMatch | null {
  const { algorithm, digits, period } = factor;
  const match = verifyTotp(secret, code, { algorithm, digits, period, window, now: deviceNow(factor, nowMs, maxDriftSteps), afterStep: factor.lastStep });
  if (!match.valid) return null;
  const current = Math.floor(nowMs / 1000 / period);
  const offset = match.step - current;
  return { step: match.step, driftSteps: clampDrift(offset, maxDriftSteps) };
}

/**
 * True when `code` is one of a step at or below `lastStep` within the window around the device's clock or
 * the true one (so a code refused only for its age is told apart from a wrong one). @internal
 */
export function isTotpReplay(secret: Uint8Array, factor: TotpFactor, code: string, nowMs: number, window: number): boolean {
  if (factor.lastStep < 0) return false;
  const { algorithm, digits, period, driftSteps } = factor;
  const span = {
    past: Math.min(MAX_WINDOW_STEPS, window + Math.max(0, -driftSteps)),
    future: Math.min(MAX_WINDOW_STEPS, window + Math.max(0, driftSteps)),
  };
  const match = verifyTotp(secret, code, { algorithm, digits, period, window: span, now: nowMs });
  return match.valid && match.step <= factor.lastStep;
}
