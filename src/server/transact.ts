// The engine under every operation: read → decide → compareAndSet(version), re-read and re-decided on
// conflict, so of two concurrent requests using one code exactly one commits.
import { TwoFactorError } from '../errors.js';
import { fail } from '../internal/assert.js';
import type { EventBody, EventSink, TwoFactorEvent } from './types/events.js';
import type { Decide, ServiceContext, ServiceSettings } from './operations/context.js';
import { parseRecord } from './record/parse.js';
import type { SealedSecret, TwoFactorRecord } from './record/types.js';
import { PENDING_SLOT, type Sealer } from './record/seal.js';
import type { StoredRecord, TwoFactorStore } from './record/store.js';
import { pruneDevices } from './record/devices.js';

/**
 * Compare-and-set attempts per call before `STORE_CONFLICT`. Contention on one user settles within
 * about `freeFailures + 2` rounds (docs/security.md, "Contention").
 */
export const MAX_STORE_ATTEMPTS = 32;

/** The context of one service instance. @internal */
export function createContext(settings: ServiceSettings): ServiceContext {
  const { store, sealer, onEvent } = settings;
  const read = (userId: string): Promise<StoredRecord | null> => readRecord(store, userId);
  const emit = (userId: string, at: number, events: readonly EventBody[]): void => emitEvents(onEvent, userId, at, events);

  async function transact<R>(userId: string, decide: Decide<R>, first?: StoredRecord | null): Promise<R> {
    let snapshot = first;
    for (let attempt = 0; attempt < MAX_STORE_ATTEMPTS; attempt++) {
      const stored = snapshot !== undefined ? snapshot : await read(userId);
      snapshot = undefined;
      const nowMs = settings.now();
      const decision = await decide(stored, nowMs);
      if (decision.next !== undefined) {
        // Every write also drops expired trusted devices (record/devices.ts).
        const next = decision.next === null ? null : await reseal(sealer, pruneDevices(decision.next, nowMs), userId);
        if (!(await writeRecord(store, userId, stored?.version ?? null, next))) continue;
      }
      emit(userId, nowMs, decision.events);
      return decision.result;
    }
    throw new TwoFactorError(
      'STORE_CONFLICT',
      `"store.compareAndSet" must succeed within ${MAX_STORE_ATTEMPTS} attempts, got a conflict each time`,
    );
  }

  return Object.freeze({ ...settings, read, transact, emit });
}

/** `store.get`, its answer checked and the record validated; any failure is `STORE_ERROR`. */
async function readRecord(store: TwoFactorStore, userId: string): Promise<StoredRecord | null> {
  let stored: unknown;
  try {
    stored = await store.get(userId);
  } catch (cause) {
    throw new TwoFactorError('STORE_ERROR', '"store.get" must resolve, got a rejection (see cause)', { cause });
  }
  if (stored === null) return null;
  if (stored === undefined || typeof stored !== 'object') fail('STORE_ERROR', 'store.get', 'a { record, version } or null', stored);
  const { record, version } = stored as { record: unknown; version: unknown };
  if (typeof version !== 'number' || !Number.isFinite(version)) fail('STORE_ERROR', 'store.get().version', 'a number', version);
  return { record: parseRecord(record), version };
}

/** `store.compareAndSet`, its answer checked; true when the write happened. */
async function writeRecord(store: TwoFactorStore, userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
  let done: unknown;
  try {
    done = await store.compareAndSet(userId, expectedVersion, next);
  } catch (cause) {
    throw new TwoFactorError('STORE_ERROR', '"store.compareAndSet" must resolve, got a rejection (see cause)', { cause });
  }
  if (typeof done !== 'boolean') fail('STORE_ERROR', 'store.compareAndSet', 'a boolean', done);
  return done;
}

/** Moves secrets sealed in the clear or under an old key to the current key: every write rotates. */
async function reseal(sealer: Sealer, record: TwoFactorRecord, userId: string): Promise<TwoFactorRecord> {
  const again = async (secret: SealedSecret, slot: string, field: string): Promise<SealedSecret> =>
    sealer.stale(secret) ? sealer.seal(await sealer.open(secret, userId, slot, field), userId, slot) : secret;
  if (!record.factors.some((factor) => sealer.stale(factor.secret)) && !(record.pending && sealer.stale(record.pending.secret))) return record;
  const factors = [];
  for (const [i, factor] of record.factors.entries()) factors.push({ ...factor, secret: await again(factor.secret, factor.id, `record.factors.${i}.secret`) });
  const pending = record.pending && { ...record.pending, secret: await again(record.pending.secret, PENDING_SLOT, 'record.pending.secret') };
  return { ...record, factors, pending };
}

/**
 * Calls `onEvent` for each body, stamped with `userId` and `at`. Never awaited and never throws: an
 * audit sink must not delay or undo an answer whose change is stored already.
 */
function emitEvents(onEvent: EventSink | undefined, userId: string, at: number, bodies: readonly EventBody[]): void {
  if (!onEvent) return;
  for (const body of bodies) {
    const event: TwoFactorEvent = { ...body, userId, at };
    try {
      const pending = onEvent(event);
      if (pending && typeof pending.then === 'function') pending.then(undefined, () => {});
    } catch {
      // Swallowed: see above.
    }
  }
}
