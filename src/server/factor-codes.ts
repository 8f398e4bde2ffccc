// One code against every enabled factor: the rule "a current code of an enabled factor" that sign-in,
// proof of possession, removeFactor, disable and regenerateBackupCodes share.
import { parseCode } from '../hotp.js';
import { isTotpReplay, matchTotp } from './drift.js';
import { matchHotp } from './hotp-token.js';
import type { StoredFactor, TwoFactorRecord } from './record.js';
import type { ServiceContext } from './transact.js';

/**
 * A factor's code accepted: the first matching factor as it must be stored now (replay state, drift, last
 * use), and `also` every other factor the code matched (two factors with one secret). @internal
 */
export type FactorMatch = { ok: true; index: number; factor: StoredFactor; also: Map<number, StoredFactor> } | { ok: false; replayed: boolean };

/** True when `code` has the shape of a code (digits and spaces only) of the length some enabled factor uses. @internal */
export function looksLikeFactorCode(record: TwoFactorRecord, code: unknown): boolean {
  return record.factors.some((factor) => parseCode(code, factor.digits) >= 0);
}

/**
 * Checks `code` against every enabled factor. Each factor's whole window (TOTP) or look-ahead (HOTP) is
 * computed and compared in constant time, and every factor is tried even after a match, so the time
 * taken tells only how many factors there are of the code's length. The first matching factor wins; every
 * other one that matched is spent too, so a code stays single use when two factors share a secret. Tells
 * a replayed TOTP code apart (a second pass, on failures only). @internal
 */
export async function matchFactors(ctx: ServiceContext, userId: string, record: TwoFactorRecord, code: string, nowMs: number): Promise<FactorMatch> {
  let found: { index: number; factor: StoredFactor } | null = null;
  const also = new Map<number, StoredFactor>();
  const secrets: Uint8Array[] = [];
  for (const [index, factor] of record.factors.entries()) {
    const secret = await ctx.sealer.open(factor.secret, userId, `record.factors.${index}.secret`);
    secrets.push(secret);
    const next = matchOne(ctx, factor, secret, code, nowMs);
    if (next && !found) found = { index, factor: next };
    else if (next) also.set(index, next);
  }
  if (found) return { ok: true, ...found, also };
  const replayed = record.factors.some((factor, i) => factor.type === 'totp' && isTotpReplay(secrets[i]!, factor, code, nowMs, ctx.window));
  return { ok: false, replayed };
}

function matchOne(ctx: ServiceContext, factor: StoredFactor, secret: Uint8Array, code: string, nowMs: number): StoredFactor | null {
  if (factor.type === 'totp') {
    const match = matchTotp(secret, factor, code, nowMs, ctx.window, ctx.maxDriftSteps);
    return match && { ...factor, lastStep: match.step, driftSteps: match.driftSteps, lastUsedAt: nowMs };
  }
  const counter = matchHotp({ secret, algorithm: factor.algorithm, digits: factor.digits }, code, factor.counter, ctx.hotp.lookAhead);
  return counter < 0 ? null : { ...factor, counter: counter + 1, lastUsedAt: nowMs };
}

/** The record with `match`'s factor stored and the failure count cleared: what a successful code writes. @internal */
export function withFactorUsed(record: TwoFactorRecord, match: { index: number; factor: StoredFactor; also?: Map<number, StoredFactor> }): TwoFactorRecord {
  const factors = record.factors.map((factor, i) => (i === match.index ? match.factor : (match.also?.get(i) ?? factor)));
  return { ...record, factors, failures: 0, lastFailureAt: null };
}
