// Hardware tokens in OATH-HOTP mode (RFC 4226): registered with two consecutive codes, which find the
// token's counter within a wide look-ahead and prove possession; re-synchronised the same way (§7.4).
import { fail, optionsObject } from '../../internal/assert.js';
import { digitsOption } from '../../internal/parameters.js';
import { algorithmOption, type Algorithm } from '../../algorithm.js';
import { secretBytes } from '../../base32.js';
import { MIN_SECRET_BYTES, type Secret } from '../../secret.js';
import { findConsecutive } from '../checks/hotp-counter.js';
import { admit, counted, refuse, type Decision } from '../checks/outcomes.js';
import { assertRoomForFactor, factorIndex } from '../record/factors.js';
import { DEFAULT_HOTP_LABEL, factorIdArgument, labelArgument } from '../record/label.js';
import { isEnabled } from '../record/state.js';
import { assertUserId } from '../record/user-id.js';
import type { Failure } from '../types/failures.js';
import { addFactor, type Added, type Addition } from './addition.js';
import type { ServiceContext } from './context.js';

/** What {@link TwoFactor.addHotpToken} takes. */
export interface HotpTokenOptions {
  /** The token's secret, bytes or base32; at least 16 bytes (RFC 4226 §4, R6). */
  secret: Secret;
  /** Where to start looking for the token's counter; default 0. At most 2^53 − 1. */
  counter?: number | bigint;
  digits?: number;
  algorithm?: Algorithm;
  /** 1–64 characters; default 'Hardware token'. */
  label?: string;
  /** Two consecutive codes from the token. */
  codes: [string, string];
  /** With a factor enabled: a current code of one, or an unused backup code. */
  proof?: string;
}

/** A `[string, string]` argument; what is inside each string is the user's code and checked as a code. @internal */
function codePair(value: unknown, field: string): [string, string] {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    fail('INVALID_OPTION', field, 'two consecutive codes [string, string]', value);
  }
  return [value[0], value[1]];
}

/** A counter the record can hold as a JSON number: 0–2^53−1, given as a number or a bigint. @internal */
export function storableCounter(value: unknown, field: string): number {
  const storable =
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
    (typeof value === 'bigint' && value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER));
  if (!storable) fail('INVALID_OPTION', field, 'an integer 0–2^53−1 (a number or a bigint)', value);
  return Number(value);
}

/** {@link TwoFactor.addHotpToken}. @internal */
export async function addHotpToken(ctx: ServiceContext, userIdInput: string, opts: HotpTokenOptions): Promise<Added> {
  const userId = assertUserId(userIdInput);
  const o = optionsObject(opts, 'opts');
  const secret = secretBytes(o.secret, 'secret');
  if (secret.length < MIN_SECRET_BYTES) fail('INVALID_SECRET', 'secret', `at least ${MIN_SECRET_BYTES} bytes (RFC 4226 §4)`, secret);
  const start = storableCounter(o.counter ?? 0, 'counter');
  const key = { secret, algorithm: algorithmOption(o.algorithm), digits: digitsOption(o.digits) };
  const label = labelArgument(o.label, 'label', DEFAULT_HOTP_LABEL);
  const codes = codePair(o.codes, 'codes');
  const operation = 'add-hotp-token';
  const added = await addFactor(ctx, userId, operation, o.proof, async (record, nowMs): Promise<Addition> => {
    assertRoomForFactor(record);
    const found = findConsecutive(key, codes, start, ctx.hotp.syncLookAhead);
    if (found < 0) return { refused: counted(ctx, record, nowMs, operation, 'invalid', 'hotp') };
    // Both registration codes are spent.
    const { algorithm, digits } = key;
    return { factor: { type: 'hotp', label, secret, algorithm, digits, createdAt: nowMs, lastUsedAt: null, counter: found + 2 } };
  });
  // verifiedAt is confirmEnrollment's (a code of the new app verified); a token's registration reports none.
  if (!added.ok) return added;
  const { verifiedAt: _verifiedAt, ...result } = added;
  return result;
}

/** {@link TwoFactor.resyncHotp}. @internal */
export async function resyncHotp(ctx: ServiceContext, userIdInput: string, factorIdInput: string, codesInput: [string, string]): Promise<{ ok: true } | Failure> {
  const userId = assertUserId(userIdInput);
  const factorId = factorIdArgument(factorIdInput);
  const codes = codePair(codesInput, 'codes');
  const operation = 'resync-hotp';
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<{ ok: true } | Failure>> => {
    const record = stored?.record;
    if (!record || !isEnabled(record)) return refuse(operation, 'not-enabled');
    const index = factorIndex(record, factorId);
    const factor = record.factors[index];
    if (!factor || factor.type !== 'hotp') return refuse(operation, 'unknown-factor');
    const gate = admit<{ ok: true }>(ctx, record, nowMs, operation);
    if (gate) return gate;
    const secret = await ctx.sealer.open(factor.secret, userId, factor.id, `record.factors.${index}.secret`);
    const found = findConsecutive({ secret, algorithm: factor.algorithm, digits: factor.digits }, codes, factor.counter, ctx.hotp.syncLookAhead);
    if (found < 0) return counted(ctx, record, nowMs, operation, 'invalid', 'hotp');
    const factors = record.factors.map((f, i) => (i === index ? { ...factor, counter: found + 2, lastUsedAt: nowMs } : f));
    return {
      result: { ok: true },
      next: { ...record, factors, failures: 0, lastFailureAt: null },
      events: [{ type: 'hotp-resynced', factorId, skipped: found - factor.counter }],
    };
  });
}
