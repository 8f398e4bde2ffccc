// Managing the factors themselves: list, rename, remove (which also revokes every trusted device).
import { readCode } from '../../internal/otp.js';
import { refuse, type Decision } from '../checks/outcomes.js';
import { requireCurrentCode } from '../checks/current-code.js';
import type { Failure } from '../types/failures.js';
import { factorIndex, factorInfo, type FactorInfo } from '../record/factors.js';
import { factorIdArgument, LABEL_RULE, isLabel } from '../record/label.js';
import { fail } from '../../internal/assert.js';
import type { EventBody } from '../types/events.js';
import type { ServiceContext } from './context.js';
import { revokeAllDevices } from '../record/devices.js';
import { assertUserId } from '../record/user-id.js';
import { isEnabled } from '../record/state.js';

/** {@link TwoFactor.listFactors}. @internal */
export async function listFactors(ctx: ServiceContext, userIdInput: string): Promise<FactorInfo[]> {
  const userId = assertUserId(userIdInput);
  const record = (await ctx.read(userId))?.record;
  return record ? record.factors.map(factorInfo) : [];
}

/** {@link TwoFactor.renameFactor}: false when the user has no such factor. @internal */
export async function renameFactor(ctx: ServiceContext, userIdInput: string, factorIdInput: string, label: string): Promise<boolean> {
  const userId = assertUserId(userIdInput);
  const factorId = factorIdArgument(factorIdInput);
  if (!isLabel(label)) fail('INVALID_OPTION', 'label', LABEL_RULE, label);
  return ctx.transact(userId, (stored): Decision<boolean> => {
    const record = stored?.record;
    const index = factorIndex(record, factorId);
    if (!record || index < 0) return { result: false, events: [] };
    if (record.factors[index]!.label === label) return { result: true, events: [] };
    const factors = record.factors.map((factor, i) => (i === index ? { ...factor, label } : factor));
    return { result: true, next: { ...record, factors }, events: [{ type: 'factor-renamed', factorId }] };
  });
}

/** {@link TwoFactor.removeFactor}: needs a current code of any enabled factor; the last one's removal disables 2FA. @internal */
export async function removeFactor(ctx: ServiceContext, userIdInput: string, factorIdInput: string, code: string): Promise<{ ok: true } | Failure> {
  const userId = assertUserId(userIdInput);
  const factorId = factorIdArgument(factorIdInput);
  const typed = readCode(code);
  const operation = 'remove-factor';
  return ctx.transact(userId, async (stored, nowMs): Promise<Decision<{ ok: true } | Failure>> => {
    const record = stored?.record;
    if (!record || !isEnabled(record)) return refuse(operation, 'not-enabled');
    if (factorIndex(record, factorId) < 0) return refuse(operation, 'unknown-factor');
    const checked = await requireCurrentCode(ctx, userId, record, typed, nowMs, operation);
    if ('refused' in checked) return checked.refused;
    const removed = record.factors[factorIndex(record, factorId)]!;
    const factors = checked.record.factors.filter((factor) => factor.id !== factorId);
    // A removed factor may be the compromised one: browsers trusted through any factor must sign in again.
    const { record: next, count } = revokeAllDevices({ ...checked.record, factors });
    const events: EventBody[] = [{ type: 'factor-removed', factorId, factorType: removed.type }];
    if (count > 0) events.push({ type: 'device-revoked', count });
    if (factors.length === 0) return { result: { ok: true }, next: null, events: [...events, { type: 'disabled' }] };
    return { result: { ok: true }, next, events };
  });
}
