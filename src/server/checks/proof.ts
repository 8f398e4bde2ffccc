// Proof of possession for an addition beside enabled factors: a current code of one (consumed in the same
// write as the addition), or an unused backup code (charged now, checked with scrypt outside the write).
// A pure step: it reads the record and returns what it found; the operation decides what to write.
import type { TypedCode } from '../../internal/otp.js';
import { isEnabled } from '../record/state.js';
import type { TwoFactorRecord } from '../record/types.js';
import type { TwoFactorOperation } from '../types/events.js';
import type { Failure, Method } from '../types/failures.js';
import { looksLikeFactorCode, matchFactors, methodOf, withFactorUsed, type CodeSettings } from './current-code.js';
import { counted, refuse, type Decision } from './outcomes.js';

/** The proof as typed (`raw`) and read once per request (`code`, see readCode). @internal */
export interface ProofInput {
  raw: unknown;
  code: TypedCode | null;
}

/**
 * What the proof shows: `proven` is the record with the proof's factor code consumed (the record as it was,
 * with `method` null, when no factor is enabled and nothing needs proving); `backupCode` sends the proof down
 * the backup-code path; `refused` is a refusal (counted for a wrong or replayed code). @internal
 */
export type Proof = { proven: TwoFactorRecord; method: Method | null } | { backupCode: true } | { refused: Decision<Failure> };

/** Checks `proof` on `record` at `nowMs` (HMAC only for a code of an enabled factor's length). @internal */
export async function checkProof(
  settings: CodeSettings,
  userId: string,
  record: TwoFactorRecord,
  proof: ProofInput,
  nowMs: number,
  operation: TwoFactorOperation,
): Promise<Proof> {
  if (!isEnabled(record)) return { proven: record, method: null };
  // An empty field (a form sent without the proof) asks for one; it is no wrong guess to count.
  const { raw, code } = proof;
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { refused: refuse(operation, 'proof-required') };
  if (!looksLikeFactorCode(record, code)) return { backupCode: true };
  const match = await matchFactors(settings, userId, record, code, nowMs);
  if (!match.ok) return { refused: counted(settings, record, nowMs, operation, match.replayed ? 'replayed' : 'invalid', methodOf(record)) };
  return { proven: withFactorUsed(record, match), method: match.factor.type };
}
