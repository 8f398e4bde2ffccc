// The one code-matching module: a code, read once per request (readCode), against every enabled factor —
// the rule "a current code of an enabled factor" that sign-in, proof of possession, removeFactor, disable
// and regenerateBackupCodes share. Options were checked when the service was made; nothing here re-checks.
import type { TypedCode } from '../../internal/otp.js';
import { isEnabled } from '../record/state.js';
import type { Sealer } from '../record/seal.js';
import type { StoredFactor, TwoFactorRecord } from '../record/types.js';
import type { TwoFactorOperation } from '../types/events.js';
import type { Failure, Method } from '../types/failures.js';
import { isTotpReplay, matchTotp } from './drift.js';
import { matchHotp } from './hotp-counter.js';
import { admit, counted, refuse, type Decision, type ThrottleSettings } from './outcomes.js';

/** The settings a code check reads (a subset of the service's). @internal */
export type CodeSettings = ThrottleSettings & {
  readonly sealer: Sealer;
  /** TOTP network delay, in steps either way. */
  readonly window: number;
  readonly maxDriftSteps: number;
  readonly hotp: { readonly lookAhead: number };
};

/**
 * A factor's code accepted: the first matching factor as it must be stored now (replay state, drift, last
 * use), and `also` every other factor the code matched (two factors with one secret). @internal
 */
export type FactorMatch = { ok: true; index: number; factor: StoredFactor; also: Map<number, StoredFactor> } | { ok: false; replayed: boolean };

/** True when `code` is a code of the length some enabled factor uses. @internal */
export function looksLikeFactorCode(record: TwoFactorRecord, code: TypedCode | null): code is TypedCode {
  return code !== null && record.factors.some((factor) => factor.digits === code.digits);
}

/**
 * Checks `code` against every enabled factor. Every factor's secret is opened; each factor of the code's
 * length has its whole window (TOTP) or look-ahead (HOTP) computed and compared in constant time, even
 * after a match, so the time taken tells only how many factors there are of that length. The first
 * matching factor wins; every other one that matched is spent too, so a code stays single use when two
 * factors share a secret. Tells a replayed TOTP code apart (a second pass, on failures only). @internal
 */
export async function matchFactors(ctx: CodeSettings, userId: string, record: TwoFactorRecord, code: TypedCode | null, nowMs: number): Promise<FactorMatch> {
  let found: { index: number; factor: StoredFactor } | null = null;
  const also = new Map<number, StoredFactor>();
  const secrets: Uint8Array[] = [];
  for (const [index, factor] of record.factors.entries()) {
    const secret = await ctx.sealer.open(factor.secret, userId, factor.id, `record.factors.${index}.secret`);
    secrets.push(secret);
    const next = code !== null && code.digits === factor.digits ? matchOne(ctx, factor, secret, code, nowMs) : null;
    if (next && !found) found = { index, factor: next };
    else if (next) also.set(index, next);
  }
  if (found) return { ok: true, ...found, also };
  const replayed = record.factors.some(
    (factor, i) => code !== null && factor.type === 'totp' && factor.digits === code.digits && isTotpReplay(secrets[i]!, factor, code, nowMs, ctx.window),
  );
  return { ok: false, replayed };
}

function matchOne(ctx: CodeSettings, factor: StoredFactor, secret: Uint8Array, code: TypedCode, nowMs: number): StoredFactor | null {
  if (factor.type === 'totp') {
    const match = matchTotp(secret, factor, code, nowMs, ctx.window, ctx.maxDriftSteps);
    return match && { ...factor, lastStep: match.step, driftSteps: match.driftSteps, lastUsedAt: nowMs };
  }
  const counter = matchHotp({ secret, algorithm: factor.algorithm, digits: factor.digits }, code.value, factor.counter, ctx.hotp.lookAhead);
  return counter < 0 ? null : { ...factor, counter: counter + 1, lastUsedAt: nowMs };
}

/** The record with `match`'s factor stored and the failure count cleared: what a successful code writes. @internal */
export function withFactorUsed(record: TwoFactorRecord, match: { index: number; factor: StoredFactor; also?: Map<number, StoredFactor> }): TwoFactorRecord {
  const factors = record.factors.map((factor, i) => (i === match.index ? match.factor : (match.also?.get(i) ?? factor)));
  return { ...record, factors, failures: 0, lastFailureAt: null };
}

/** A code accepted: the record to write (factor state moved, failures cleared) and the factor that matched. @internal */
export interface CodeAccepted {
  record: TwoFactorRecord;
  factor: StoredFactor;
  /** Indexes of every factor the code matched (the first match first), for the probation rule. */
  matched: number[];
}

/**
 * Requires a current code of any enabled factor: refused when 2FA is off, locked, throttled, or the code is
 * wrong or replayed (both counted). Runs HMAC only when the throttle admits the attempt. @internal
 */
export async function requireCurrentCode(
  ctx: CodeSettings,
  userId: string,
  record: TwoFactorRecord | undefined,
  code: TypedCode | null,
  nowMs: number,
  operation: TwoFactorOperation,
): Promise<CodeAccepted | { refused: Decision<Failure> }> {
  if (!record || !isEnabled(record)) return { refused: refuse(operation, 'not-enabled') };
  const gate = admit<never>(ctx, record, nowMs, operation);
  if (gate) return { refused: gate };
  const match = await matchFactors(ctx, userId, record, code, nowMs);
  if (!match.ok) return { refused: counted(ctx, record, nowMs, operation, match.replayed ? 'replayed' : 'invalid', methodOf(record)) };
  return { record: withFactorUsed(record, match), factor: match.factor, matched: [match.index, ...match.also.keys()] };
}

/** The method a failed factor code is reported as: 'hotp' only when every enabled factor is a token. @internal */
export function methodOf(record: TwoFactorRecord): Method {
  return record.factors.every((factor) => factor.type === 'hotp') ? 'hotp' : 'totp';
}
