// Migration from another system (otplib, speakeasy, Laravel Fortify, devise-two-factor…): an operator
// action like reset(), so no code is needed; the old system's plaintext backup codes are hashed on the way in.
import { fail, optionsObject } from '../../internal/assert.js';
import { secretBytes } from '../../base32.js';
import type { Secret } from '../../secret.js';
import { algorithmOption, type Algorithm } from '../../algorithm.js';
import { digitsOption, periodOption } from '../../internal/parameters.js';
import { MAX_BACKUP_CODE_COUNT } from '../../backup-codes/codes.js';
import { hashBackupCodes } from '../../backup-codes/hash.js';
import { emptyRecord, isEnabled } from '../record/state.js';
import { assertRoomForFactor, withFactorAdded } from '../record/factors.js';
import { DEFAULT_HOTP_LABEL, DEFAULT_TOTP_LABEL, labelArgument, newFactorId } from '../record/label.js';
import { storableCounter } from './hotp-tokens.js';
import { MAX_TOTP_PERIOD_SECONDS, type SealedSecret, type StoredFactor } from '../record/types.js';
import type { Decision } from '../checks/outcomes.js';
import type { ServiceContext } from './context.js';
import { assertUserId } from '../record/user-id.js';

/** A factor taken over from another system by {@link TwoFactor.importFactor}. */
export type ImportedFactor =
  | { type: 'totp'; secret: Secret; algorithm?: Algorithm; digits?: number; period?: number; label?: string; lastUsedStep?: number }
  | { type: 'hotp'; secret: Secret; counter: number | bigint; algorithm?: Algorithm; digits?: number; label?: string };

type Draft = StoredFactor extends infer F ? (F extends StoredFactor ? Omit<F, 'id' | 'secret' | 'createdAt'> & { secret: Uint8Array } : never) : never;

/** Checks every field of an imported factor, naming it `factor.<field>`. */
function draftOf(input: ImportedFactor): Draft {
  const f = optionsObject(input, 'factor') as Partial<Record<string, unknown>>;
  const secret = secretBytes(f.secret, 'factor.secret');
  const algorithm = algorithmOption(f.algorithm, 'factor.algorithm');
  const digits = digitsOption(f.digits, 'factor.digits');
  if (f.type === 'hotp') {
    const label = labelArgument(f.label, 'factor.label', DEFAULT_HOTP_LABEL);
    return { type: 'hotp', label, secret, algorithm, digits, lastUsedAt: null, counter: storableCounter(f.counter, 'factor.counter') };
  }
  if (f.type !== 'totp') fail('INVALID_OPTION', 'factor.type', "'totp' or 'hotp'", f.type);
  const label = labelArgument(f.label, 'factor.label', DEFAULT_TOTP_LABEL);
  const period = periodOption(f.period, 'factor.period', MAX_TOTP_PERIOD_SECONDS);
  const { lastUsedStep = -1 } = f;
  if (typeof lastUsedStep !== 'number' || !Number.isSafeInteger(lastUsedStep) || lastUsedStep < -1) {
    fail('INVALID_OPTION', 'factor.lastUsedStep', 'a safe integer ≥ -1 (the time step of the last accepted code)', lastUsedStep);
  }
  return { type: 'totp', label, secret, algorithm, digits, period, lastUsedAt: null, lastStep: lastUsedStep, driftSteps: 0 };
}

function plainCodes(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_BACKUP_CODE_COUNT) {
    fail('INVALID_OPTION', 'opts.backupCodes', `an array of 1–${MAX_BACKUP_CODE_COUNT} codes`, value);
  }
  return value as string[];
}

/** Hashes the old system's codes, renaming the core's `codes[i]` field to the caller's. */
async function hashImported(ctx: ServiceContext, codes: string[]): Promise<string> {
  const { cost } = ctx.backupCodes;
  try {
    return await hashBackupCodes(codes, cost === undefined ? undefined : { cost });
  } catch (error) {
    if (error instanceof Error) error.message = error.message.replace('"codes[', '"opts.backupCodes[');
    throw error;
  }
}

/** {@link TwoFactor.importFactor}. @internal */
export async function importFactor(ctx: ServiceContext, userIdInput: string, factorInput: ImportedFactor, opts?: { backupCodes?: string[] }): Promise<{ factorId: string }> {
  const userId = assertUserId(userIdInput);
  const draft = draftOf(factorInput);
  const codes = plainCodes(optionsObject(opts, 'opts').backupCodes);
  const hashed = codes === undefined ? null : await hashImported(ctx, codes);
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<{ factorId: string }>> => {
    const record = stored?.record ?? emptyRecord();
    assertRoomForFactor(record);
    const id = newFactorId(record.factors);
    // Sealed for its own place once the id is drawn (each attempt draws its own).
    const sealed: SealedSecret = await ctx.sealer.seal(draft.secret, userId, id);
    const factor = { ...draft, id, secret: sealed, createdAt: nowMs } as StoredFactor;
    // Never replace a set the user may have printed: codes are taken only for a user without any.
    if (hashed !== null && record.backupCodes !== null) {
      fail('INVALID_OPTION', 'opts.backupCodes', 'omitted for a user who already has backup codes', codes);
    }
    const next = withFactorAdded(record, factor, nowMs, hashed);
    const first = !isEnabled(record);
    const withCodes = hashed !== null && !first ? { ...next, backupCodes: hashed, backupCodesUsed: [] } : next;
    return {
      result: { factorId: factor.id },
      next: withCodes,
      events: [
        ...(first ? [{ type: 'enabled' as const, replaced: false }] : []),
        { type: 'factor-imported', factorId: factor.id, factorType: factor.type, backupCodes: codes?.length ?? 0 },
      ],
    };
  });
}
