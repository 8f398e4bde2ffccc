// The 2FA service: enrolment, sign-in, backup codes, disabling. Every state change is
// read → decide → compareAndSet(version), re-read and re-decided on conflict, so of two concurrent
// requests using one code exactly one commits. Expensive work (scrypt for backup codes) runs at most once
// per call, outside the retried part, and never before the throttle has admitted the attempt.
import { TwoFactorError } from '../errors.js';
import { fail, integerOption, optionsObject, stringOption } from '../internal/assert.js';
import { algorithmOption, type Algorithm } from '../hmac.js';
import { encodeBase32, formatSetupKey } from '../base32.js';
import { generateSecret } from '../secret.js';
import { verifyTotp } from '../totp.js';
import { buildOtpauthUri } from '../uri.js';
import { renderQrSvg } from '../qr.js';
import {
  countBackupCodes,
  generateBackupCodes,
  hashBackupCodes,
  verifyBackupCode,
  type ScryptCost,
} from '../backup-codes.js';
import { MAX_ENROLLMENT_TTL_MS, MAX_TOTP_PERIOD_SECONDS, parseRecord, RECORD_SCHEMA, type ActiveFactor, type TotpParameters, type TwoFactorRecord } from './record.js';
import { createSealer, type EncryptionOptions } from './seal.js';
import type { StoredRecord, TwoFactorStore } from './store.js';
import { retryAfterMs, throttleDelayMs, throttlePolicy, type ThrottleOptions, type ThrottlePolicy } from './throttle.js';

/** Why a code was not accepted. */
export type FailureReason = 'invalid' | 'replayed' | 'throttled' | 'not-enabled' | 'no-pending-enrollment' | 'expired';

/**
 * A refused attempt. `retryAfterMs` (milliseconds) is set with `'throttled'`, and with `'invalid'` /
 * `'replayed'` when this failure makes the next attempt wait.
 */
export type Failure = { ok: false; reason: FailureReason; retryAfterMs?: number };

/** The service call an event or a failure belongs to. */
export type TwoFactorOperation = 'confirm-enrollment' | 'verify' | 'disable' | 'regenerate-backup-codes';

/**
 * Audit events, emitted after the change they report has been stored. None carries a secret or a code.
 * `at` is the service clock's time (epoch ms).
 */
export type TwoFactorEvent =
  | { type: 'enrollment-started'; userId: string; at: number; expiresAt: number }
  /** `replaced` is true when a confirmed re-enrolment replaced an enabled factor. */
  | { type: 'enabled'; userId: string; at: number; replaced: boolean }
  | { type: 'disabled'; userId: string; at: number }
  | { type: 'reset'; userId: string; at: number }
  | { type: 'backup-code-used'; userId: string; at: number; remaining: number }
  | { type: 'backup-codes-regenerated'; userId: string; at: number; count: number }
  | {
      type: 'verification-failed';
      userId: string;
      at: number;
      operation: TwoFactorOperation;
      reason: Exclude<FailureReason, 'throttled'>;
      method?: 'totp' | 'backup-code';
      /** Consecutive failures after this one (absent when nothing was counted). */
      failures?: number;
    }
  | { type: 'throttled'; userId: string; at: number; operation: TwoFactorOperation; retryAfterMs: number };

/** Options of {@link createTwoFactor}. */
export interface TwoFactorOptions {
  /** Where records live; see {@link TwoFactorStore}. */
  store: TwoFactorStore;
  /** Shown in authenticator apps next to the account, e.g. `'InworkJobs'`. */
  issuer: string;
  /**
   * AES-256-GCM keys for secrets at rest. Without it the TOTP secret is stored in the clear (base32). With it,
   * a secret found in the clear is `DECRYPTION_FAILED` unless `allowPlaintext` (a migration aid) is true.
   */
  encryption?: EncryptionOptions;
  /** Clock, epoch **milliseconds**; default `Date.now`. */
  now?: () => number;
  /** TOTP parameters of new enrolments (existing ones keep theirs) and the accepted drift in **steps** (default 1 = ±1, 0–10). */
  totp?: { algorithm?: Algorithm; digits?: number; period?: number; window?: number };
  /** How long a pending enrolment can be confirmed, in **milliseconds**; default 10 min, 1 s – 1 day. */
  enrollmentTtlMs?: number;
  /** Back-off after consecutive failures; see {@link DEFAULT_THROTTLE}. */
  throttle?: ThrottleOptions;
  /**
   * Backup codes per set (`count`, default 10) and symbols per code (`length`, default 10).
   * `cost` is the scrypt cost of new sets (see `hashBackupCodes`); lower it only in tests.
   */
  backupCodes?: { count?: number; length?: number; cost?: ScryptCost };
  /**
   * Audit hook. Called after each change is stored and never awaited: a throw or a rejected promise
   * is swallowed and changes nothing, so handle your own errors (e.g. queue the event).
   */
  onEvent?: (event: TwoFactorEvent) => void | Promise<void>;
}

/** What {@link TwoFactor.beginEnrollment} returns: everything to show on the set-up page. */
export interface Enrollment {
  /** The new secret, base32 (also inside `uri`). Show it only on the set-up page. */
  secret: string;
  /** The secret in groups of four, for people to type into an app. */
  setupKey: string;
  /** The otpauth:// URI for the QR code. */
  uri: string;
  /** The URI as a standalone SVG QR code. */
  qrSvg: string;
  /** When the enrolment expires unless confirmed, epoch ms. */
  expiresAt: number;
}

/** What {@link TwoFactor.status} returns. */
export interface TwoFactorStatus {
  /** `'pending'` only while an unexpired first enrolment waits for confirmation. */
  state: 'disabled' | 'pending' | 'enabled';
  backupCodesRemaining: number;
  /** When the current factor was confirmed, epoch ms. */
  enabledAt?: number;
}

/**
 * The service returned by {@link createTwoFactor}. Every method validates `userId` (a string of 1–256
 * characters; `INVALID_OPTION` otherwise); a wrong code is a `{ ok: false, reason }` result, never an
 * exception. Store failures reject with `STORE_ERROR` (the store's error as `cause`), lost races beyond
 * {@link MAX_STORE_ATTEMPTS} with `STORE_CONFLICT`, unreadable sealed secrets with `DECRYPTION_FAILED`.
 */
export interface TwoFactor {
  /**
   * Starts (or restarts) enrolment: a new 20-byte secret replaces any earlier pending one and expires after
   * `enrollmentTtlMs`. An enabled factor keeps working until the new secret is confirmed. Confirming a
   * re-enrolment needs no code of the enabled factor, so gate this call like `disable` (fresh sign-in,
   * password). Throws `INVALID_OPTION` for an `accountName` that is not 1–256 characters or that the URI cannot carry.
   */
  beginEnrollment(userId: string, opts: { accountName: string }): Promise<Enrollment>;
  /**
   * Enables 2FA with the first code from the app. Returns the backup codes, once; only their scrypt hash
   * is stored. The confirming code's step is recorded, so it cannot sign in afterwards.
   * Failures: `'no-pending-enrollment'`, `'expired'`, `'throttled'`, `'invalid'` (counted).
   */
  confirmEnrollment(userId: string, code: string): Promise<{ ok: true; backupCodes: string[] } | Failure>;
  /**
   * Signs in with a TOTP code or a backup code (each single use).
   * Failures: `'not-enabled'`, `'throttled'`, `'invalid'` and `'replayed'` (both counted).
   */
  verify(userId: string, code: string): Promise<{ ok: true; method: 'totp' | 'backup-code'; backupCodesRemaining: number } | Failure>;
  /** Removes 2FA; needs a current TOTP code (not a backup code). Failures as for `verify`. */
  disable(userId: string, code: string): Promise<{ ok: true } | Failure>;
  /** Replaces all backup codes and returns the new ones, once; needs a current TOTP code. Failures as for `verify`. */
  regenerateBackupCodes(userId: string, code: string): Promise<{ ok: true; backupCodes: string[] } | Failure>;
  /** The user's state and unused backup codes; reads only. */
  status(userId: string): Promise<TwoFactorStatus>;
  /** Support-driven recovery after identity proof: removes 2FA without a code (emits `reset`). */
  reset(userId: string): Promise<void>;
}

/** Default time to confirm an enrolment: 10 minutes, in milliseconds (long enough to install an app). */
export const DEFAULT_ENROLLMENT_TTL_MS = 10 * 60 * 1000;
/**
 * Compare-and-set attempts per call before `STORE_CONFLICT`. Contention on one user ends quickly: each
 * round commits one write, and once `freeFailures + 1` failures are stored the rest are refused without
 * writing, so a flood settles within about `freeFailures + 2` rounds. With `freeFailures` above ~25 some
 * flooded requests end in `STORE_CONFLICT` rather than `'throttled'`; both refuse, neither weakens anything.
 */
export const MAX_STORE_ATTEMPTS = 32;
const MAX_USER_ID_CHARS = 256;
const MAX_ACCOUNT_NAME_CHARS = 256;
const MAX_WINDOW = 10;

type EventDraft = { type: TwoFactorEvent['type'] } & Record<string, unknown>;
/** One decision: the result, the record to write (`undefined` = nothing to write, `null` = delete), the events. */
interface Decision<R> {
  result: R;
  next?: TwoFactorRecord | null;
  events: EventDraft[];
}

// A NUL or a lone surrogate: databases reject the first and turn the second into U+FFFD, so two distinct
// ids ('a\uD800', 'a\uDC00') would share one stored row.
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function userIdArgument(userId: unknown): string {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_CHARS) {
    fail('INVALID_OPTION', 'userId', `a string of 1–${MAX_USER_ID_CHARS} characters`, userId);
  }
  if (UNSTORABLE.test(userId)) fail('INVALID_OPTION', 'userId', 'text without NUL or unpaired surrogates', userId);
  return userId;
}

/**
 * Digits only (spaces ignored) and exactly the enrolled length: a TOTP code; anything else is tried as a
 * backup code. Backup codes are at least 10 symbols and written with a hyphen, so with 6–9 digit codes the
 * two never overlap; with 10 digits, an all-digit backup code typed without its hyphen is taken for TOTP.
 */
function looksLikeTotp(code: unknown, digits: number): boolean {
  if (typeof code !== 'string' || code.length > 64) return false;
  const compact = code.replace(/ /g, '');
  return compact.length === digits && /^[0-9]+$/.test(compact);
}

function functionOption<T>(value: unknown, field: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail('INVALID_OPTION', field, 'a function', value);
  return value as T | undefined;
}

/**
 * Creates the 2FA service over a store: the enrolment → confirmation → sign-in → backup codes →
 * disable flow of a Security settings page, with
 * - **replay rejection** (RFC 6238 §5.2): the matched step of every accepted code, the confirming one
 *   included, is stored; no step at or below it is accepted again (`'replayed'`);
 * - **throttling** (RFC 4226 §7.3) per user for TOTP and backup codes alike, checked before any hashing
 *   (see {@link DEFAULT_THROTTLE}); invalid and replayed codes count, a success resets the count;
 * - **atomic single use**: consuming a step or a backup code is the same compare-and-set that decides it,
 *   so of 50 concurrent requests with one code exactly one succeeds. A backup-code attempt is charged to
 *   the failure counter *before* scrypt runs (and refunded by its success), so a flood of parallel guesses
 *   runs scrypt only as often as the throttle admits; a TOTP attempt is decided and counted in one write;
 * - **secrets at rest** AES-256-GCM sealed when `encryption` is given (key rotation, user id bound).
 *
 * Policy choices: a replayed code counts as a failure (it is not a valid sign-in; a double submit costs
 * one of the free failures). A throttled attempt is not counted and writes nothing. `verify` takes a TOTP
 * code (digits only, spaces ignored, the enrolled length) or else a backup code. `disable` and
 * `regenerateBackupCodes` take a TOTP code only: a backup code signs in but cannot switch 2FA off or mint
 * codes by itself. The recovery path for a lost authenticator is deliberately open, though: sign in with a
 * backup code, then re-enrol (`beginEnrollment` + `confirmEnrollment` need the *new* app's code, not the
 * old factor's), which replaces the old factor and its codes. So whoever holds the password and one
 * backup code can take over the factor — gate re-enrolment, like every security setting, behind a fresh
 * password check, and tell the user (email) on every `enabled` event with `replaced: true`.
 *
 * @throws TwoFactorError `INVALID_OPTION` naming the field for any bad option (keys of the wrong size included)
 * @example
 * ```ts
 * const twoFactor = createTwoFactor({ store: new MemoryStore(), issuer: 'InworkJobs' });
 * const { qrSvg } = await twoFactor.beginEnrollment('user-1', { accountName: 'alice@example.com' });
 * const confirmed = await twoFactor.confirmEnrollment('user-1', '123456'); // { ok: true, backupCodes } once the app shows it
 * const login = await twoFactor.verify('user-1', '654321');                // { ok: true, method: 'totp', … }
 * ```
 */
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail('INVALID_OPTION', 'options', 'an object', options);
  const { store } = options;
  if (store === null || typeof store !== 'object' || typeof store.get !== 'function' || typeof store.compareAndSet !== 'function') {
    fail('INVALID_OPTION', 'store', 'an object with get and compareAndSet methods', store);
  }
  const issuer = stringOption(options.issuer, 'issuer', MAX_ACCOUNT_NAME_CHARS);
  if (issuer.trim().length === 0) fail('INVALID_OPTION', 'issuer', 'a non-empty string', issuer);
  const sealer = createSealer(options.encryption);
  const clock = functionOption<() => number>(options.now, 'now') ?? Date.now;
  const totp = optionsObject(options.totp, 'totp');
  const parameters: TotpParameters = Object.freeze({
    algorithm: algorithmOption(totp.algorithm, 'totp.algorithm'),
    digits: integerOption(totp.digits, 'totp.digits', 6, 10, 6),
    period: integerOption(totp.period, 'totp.period', 1, MAX_TOTP_PERIOD_SECONDS, 30),
  });
  const window = integerOption(totp.window, 'totp.window', 0, MAX_WINDOW, 1);
  const enrollmentTtlMs = integerOption(options.enrollmentTtlMs, 'enrollmentTtlMs', 1000, MAX_ENROLLMENT_TTL_MS, DEFAULT_ENROLLMENT_TTL_MS);
  const throttle: ThrottlePolicy = throttlePolicy(options.throttle);
  const backup = optionsObject(options.backupCodes, 'backupCodes');
  const backupGeneration = { count: backup.count, length: backup.length };
  const backupHashing = backup.cost === undefined ? undefined : { cost: backup.cost };
  try {
    generateBackupCodes(backupGeneration); // validates count and length now rather than at the first confirmation
  } catch (error) {
    if (error instanceof TwoFactorError) throw new TwoFactorError(error.code, error.message.replace(/^"/, '"backupCodes.'));
    throw error;
  }
  if (backup.cost !== undefined) optionsObject(backup.cost, 'backupCodes.cost'); // its limits are checked by hashBackupCodes
  const onEvent = functionOption<(event: TwoFactorEvent) => void | Promise<void>>(options.onEvent, 'onEvent');

  const now = (): number => {
    const ms = clock();
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) fail('INVALID_OPTION', 'now', 'a function returning epoch milliseconds', ms);
    return ms;
  };

  // --- the store boundary -------------------------------------------------------------------------

  async function read(userId: string): Promise<StoredRecord | null> {
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

  async function write(userId: string, expectedVersion: number | null, next: TwoFactorRecord | null): Promise<boolean> {
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
  async function reseal(record: TwoFactorRecord, userId: string): Promise<TwoFactorRecord> {
    let { factor, pending } = record;
    if (factor && sealer.stale(factor.secret)) {
      factor = { ...factor, secret: await sealer.seal(await sealer.open(factor.secret, userId, 'record.factor.secret'), userId) };
    }
    if (pending && sealer.stale(pending.secret)) {
      pending = { ...pending, secret: await sealer.seal(await sealer.open(pending.secret, userId, 'record.pending.secret'), userId) };
    }
    return factor === record.factor && pending === record.pending ? record : { ...record, factor, pending };
  }

  function emit(userId: string, at: number, drafts: EventDraft[]): void {
    if (!onEvent) return;
    for (const draft of drafts) {
      const event = { ...draft, userId, at } as TwoFactorEvent;
      try {
        const pending = onEvent(event);
        // Never awaited: an audit sink must not delay or undo the answer; its rejection is swallowed.
        if (pending && typeof (pending as Promise<void>).then === 'function') (pending as Promise<void>).then(undefined, () => {});
      } catch {
        // The change is stored already; an audit hook's failure must not turn it into an error.
      }
    }
  }

  /**
   * Runs `decide` on the current record and commits its result with compareAndSet; on conflict re-reads
   * and decides again. `first` is a snapshot the caller has just read (saves one get).
   */
  async function transact<R>(
    userId: string,
    decide: (stored: StoredRecord | null, nowMs: number) => Decision<R> | Promise<Decision<R>>,
    first?: StoredRecord | null,
  ): Promise<R> {
    let snapshot = first;
    for (let attempt = 0; attempt < MAX_STORE_ATTEMPTS; attempt++) {
      const stored = snapshot !== undefined ? snapshot : await read(userId);
      snapshot = undefined;
      const nowMs = now();
      const decision = await decide(stored, nowMs);
      if (decision.next !== undefined) {
        const next = decision.next === null ? null : await reseal(decision.next, userId);
        if (!(await write(userId, stored?.version ?? null, next))) continue;
      }
      emit(userId, nowMs, decision.events);
      return decision.result;
    }
    throw new TwoFactorError(
      'STORE_CONFLICT',
      `"store.compareAndSet" must succeed within ${MAX_STORE_ATTEMPTS} attempts, got a conflict each time`,
    );
  }

  // --- decisions (pure given the opened secret) -----------------------------------------------------

  const refuse = <R>(operation: TwoFactorOperation, reason: Exclude<FailureReason, 'throttled'>, method?: 'totp' | 'backup-code'): Decision<R | Failure> => ({
    result: { ok: false, reason },
    events: [{ type: 'verification-failed', operation, reason, ...(method ? { method } : {}) }],
  });

  const throttled = <R>(operation: TwoFactorOperation, wait: number): Decision<R | Failure> => ({
    result: { ok: false, reason: 'throttled', retryAfterMs: wait },
    events: [{ type: 'throttled', operation, retryAfterMs: wait }],
  });

  /** A refused code; `retryAfterMs` only when the next attempt must wait. */
  const failure = (reason: 'invalid' | 'replayed', wait: number): Failure => (wait > 0 ? { ok: false, reason, retryAfterMs: wait } : { ok: false, reason });

  /** A counted failure: the counter moves in the same compareAndSet, so parallel guesses cannot skip it. */
  function counted<R>(record: TwoFactorRecord, nowMs: number, operation: TwoFactorOperation, reason: 'invalid' | 'replayed', method: 'totp' | 'backup-code'): Decision<R | Failure> {
    const failures = record.failures + 1;
    return {
      result: failure(reason, throttleDelayMs(failures, throttle)),
      next: { ...record, failures, lastFailureAt: nowMs },
      events: [{ type: 'verification-failed', operation, reason, method, failures }],
    };
  }

  const waitFor = (record: TwoFactorRecord, nowMs: number): number => retryAfterMs(record.failures, record.lastFailureAt, nowMs, throttle);

  // parseRecord guarantees distinct indexes; the clamp covers indexes the set never had.
  const remainingOf = (factor: ActiveFactor): number => Math.max(0, countBackupCodes(factor.backupCodes) - factor.backupCodesUsed.length);

  /**
   * Checks a TOTP code against the enabled factor, after the throttle. On success returns the step to store;
   * otherwise the counted failure. Runs HMAC only when the attempt is admitted.
   */
  async function checkTotp(
    userId: string,
    record: TwoFactorRecord,
    factor: ActiveFactor,
    code: string,
    nowMs: number,
    operation: TwoFactorOperation,
  ): Promise<{ step: number } | { refused: Decision<Failure> }> {
    const wait = waitFor(record, nowMs);
    if (wait > 0) return { refused: throttled(operation, wait) };
    const secret = await sealer.open(factor.secret, userId, 'record.factor.secret');
    const totpOptions = { algorithm: factor.algorithm, digits: factor.digits, period: factor.period, window, now: nowMs };
    const match = verifyTotp(secret, code, { ...totpOptions, afterStep: factor.lastStep });
    if (match.valid) return { step: match.step };
    // Telling a replay from a wrong code costs a second window of HMACs, on failures only.
    const replayed = factor.lastStep >= 0 && verifyTotp(secret, code, totpOptions).valid;
    return { refused: counted(record, nowMs, operation, replayed ? 'replayed' : 'invalid', 'totp') };
  }

  /** Backup codes made and hashed at most once per call, however often the compare-and-set is retried. */
  function backupCodeBatch(): () => Promise<{ codes: string[]; hashed: string }> {
    let batch: Promise<{ codes: string[]; hashed: string }> | undefined;
    return () => {
      batch ??= (async () => {
        const codes = generateBackupCodes(backupGeneration);
        return { codes, hashed: await hashBackupCodes(codes, backupHashing) };
      })();
      return batch;
    };
  }

  // --- the service --------------------------------------------------------------------------------

  async function beginEnrollment(userIdInput: string, opts: { accountName: string }): Promise<Enrollment> {
    const userId = userIdArgument(userIdInput);
    const { accountName } = optionsObject(opts, 'opts');
    if (typeof accountName !== 'string' || accountName.length === 0 || accountName.length > MAX_ACCOUNT_NAME_CHARS) {
      fail('INVALID_OPTION', 'accountName', `a string of 1–${MAX_ACCOUNT_NAME_CHARS} characters`, accountName);
    }
    const secret = generateSecret();
    // Built before anything is stored, so a name the URI cannot carry leaves the record untouched.
    const uri = buildOtpauthUri({ type: 'totp', secret, accountName, issuer, ...parameters });
    const shown = { secret: encodeBase32(secret), setupKey: formatSetupKey(secret), uri, qrSvg: renderQrSvg(uri) };
    const sealed = await sealer.seal(secret, userId);
    return transact(userId, (stored, nowMs) => {
      const expiresAt = nowMs + enrollmentTtlMs;
      const pending = { secret: sealed, ...parameters, createdAt: nowMs, expiresAt };
      const record: TwoFactorRecord = stored
        ? { ...stored.record, pending }
        : { schema: RECORD_SCHEMA, state: 'pending', factor: null, pending, failures: 0, lastFailureAt: null };
      return { result: { ...shown, expiresAt }, next: record, events: [{ type: 'enrollment-started', expiresAt }] };
    });
  }

  async function confirmEnrollment(userIdInput: string, code: string): Promise<{ ok: true; backupCodes: string[] } | Failure> {
    const userId = userIdArgument(userIdInput);
    const operation = 'confirm-enrollment';
    const codes = backupCodeBatch();
    return transact(userId, async (stored, nowMs): Promise<Decision<{ ok: true; backupCodes: string[] } | Failure>> => {
      const record = stored?.record;
      const pending = record?.pending;
      if (!record || !pending) return refuse(operation, 'no-pending-enrollment');
      if (nowMs >= pending.expiresAt) return refuse(operation, 'expired');
      const wait = waitFor(record, nowMs);
      if (wait > 0) return throttled(operation, wait);
      const secret = await sealer.open(pending.secret, userId, 'record.pending.secret');
      const match = verifyTotp(secret, code, { algorithm: pending.algorithm, digits: pending.digits, period: pending.period, window, now: nowMs });
      if (!match.valid) return counted(record, nowMs, operation, 'invalid', 'totp');
      // scrypt (~0.1 s a code) only for a confirmed code, once per call.
      const { codes: backupCodes, hashed } = await codes();
      const factor: ActiveFactor = {
        secret: pending.secret,
        algorithm: pending.algorithm,
        digits: pending.digits,
        period: pending.period,
        // The confirming code's step: that code can never sign in afterwards.
        lastStep: match.step,
        backupCodes: hashed,
        backupCodesUsed: [],
        enabledAt: nowMs,
      };
      return {
        result: { ok: true, backupCodes },
        next: { schema: RECORD_SCHEMA, state: 'enabled', factor, pending: null, failures: 0, lastFailureAt: null },
        events: [{ type: 'enabled', replaced: record.factor !== null }],
      };
    });
  }

  type VerifyResult = { ok: true; method: 'totp' | 'backup-code'; backupCodesRemaining: number } | Failure;

  async function verify(userIdInput: string, code: string): Promise<VerifyResult> {
    const userId = userIdArgument(userIdInput);
    const operation = 'verify';
    const first = await read(userId);
    const factor = first?.record.factor;
    if (!factor) {
      const decision = refuse<VerifyResult>(operation, 'not-enabled');
      emit(userId, now(), decision.events);
      return decision.result;
    }
    if (looksLikeTotp(code, factor.digits)) return verifyTotpCode(userId, code, first);
    return verifyBackup(userId, code, first);
  }

  function verifyTotpCode(userId: string, code: string, first: StoredRecord | null): Promise<VerifyResult> {
    return transact(userId, async (stored, nowMs): Promise<Decision<VerifyResult>> => {
      const record = stored?.record;
      if (!record?.factor) return refuse('verify', 'not-enabled');
      const checked = await checkTotp(userId, record, record.factor, code, nowMs, 'verify');
      if ('refused' in checked) return checked.refused;
      const factor = { ...record.factor, lastStep: checked.step };
      return {
        result: { ok: true, method: 'totp', backupCodesRemaining: remainingOf(factor) },
        next: { ...record, factor, failures: 0, lastFailureAt: null },
        events: [],
      };
    }, first);
  }

  /**
   * A backup code: the attempt is first charged to the failure counter (one compareAndSet, refused if
   * throttled), then scrypt runs once, then a second compareAndSet marks the code used and clears the
   * counter. Charging before hashing bounds scrypt runs under a flood of parallel guesses to what the
   * throttle admits; checking the code's index against the re-read record means retries never hash again.
   */
  async function verifyBackup(userId: string, code: string, first: StoredRecord | null): Promise<VerifyResult> {
    const charged = await transact(userId, (stored, nowMs): Decision<{ hashed: string; failures: number; at: number } | VerifyResult> => {
      const record = stored?.record;
      if (!record?.factor) return refuse('verify', 'not-enabled', 'backup-code');
      const wait = waitFor(record, nowMs);
      if (wait > 0) return throttled('verify', wait);
      const failures = record.failures + 1;
      return { result: { hashed: record.factor.backupCodes, failures, at: nowMs }, next: { ...record, failures, lastFailureAt: nowMs }, events: [] };
    }, first);
    if ('ok' in charged) return charged;

    const match = typeof code === 'string' ? await verifyBackupCode(charged.hashed, code) : ({ valid: false } as const);
    if (!match.valid) {
      const nowMs = now();
      emit(userId, nowMs, [{ type: 'verification-failed', operation: 'verify', reason: 'invalid', method: 'backup-code', failures: charged.failures }]);
      return failure('invalid', retryAfterMs(charged.failures, charged.at, nowMs, throttle));
    }
    return transact(userId, (stored, nowMs): Decision<VerifyResult> => {
      const record = stored?.record;
      if (!record?.factor) return refuse('verify', 'not-enabled', 'backup-code');
      const { factor } = record;
      // A regenerated set, or this code used already (perhaps by a concurrent request): the charge counted it.
      if (factor.backupCodes !== charged.hashed || factor.backupCodesUsed.includes(match.index)) {
        return {
          result: failure('invalid', waitFor(record, nowMs)),
          events: [{ type: 'verification-failed', operation: 'verify', reason: 'invalid', method: 'backup-code', failures: record.failures }],
        };
      }
      const next = { ...factor, backupCodesUsed: [...factor.backupCodesUsed, match.index] };
      const remaining = remainingOf(next);
      return {
        result: { ok: true, method: 'backup-code', backupCodesRemaining: remaining },
        next: { ...record, factor: next, failures: 0, lastFailureAt: null },
        events: [{ type: 'backup-code-used', remaining }],
      };
    });
  }

  async function disable(userIdInput: string, code: string): Promise<{ ok: true } | Failure> {
    const userId = userIdArgument(userIdInput);
    return transact(userId, async (stored, nowMs): Promise<Decision<{ ok: true } | Failure>> => {
      const record = stored?.record;
      if (!record?.factor) return refuse('disable', 'not-enabled');
      const checked = await checkTotp(userId, record, record.factor, code, nowMs, 'disable');
      if ('refused' in checked) return checked.refused;
      return { result: { ok: true }, next: null, events: [{ type: 'disabled' }] };
    });
  }

  async function regenerateBackupCodes(userIdInput: string, code: string): Promise<{ ok: true; backupCodes: string[] } | Failure> {
    const userId = userIdArgument(userIdInput);
    const codes = backupCodeBatch();
    return transact(userId, async (stored, nowMs): Promise<Decision<{ ok: true; backupCodes: string[] } | Failure>> => {
      const record = stored?.record;
      if (!record?.factor) return refuse('regenerate-backup-codes', 'not-enabled');
      const checked = await checkTotp(userId, record, record.factor, code, nowMs, 'regenerate-backup-codes');
      if ('refused' in checked) return checked.refused;
      const { codes: backupCodes, hashed } = await codes();
      const factor: ActiveFactor = { ...record.factor, lastStep: checked.step, backupCodes: hashed, backupCodesUsed: [] };
      return {
        result: { ok: true, backupCodes },
        next: { ...record, factor, failures: 0, lastFailureAt: null },
        events: [{ type: 'backup-codes-regenerated', count: backupCodes.length }],
      };
    });
  }

  async function status(userIdInput: string): Promise<TwoFactorStatus> {
    const userId = userIdArgument(userIdInput);
    const record = (await read(userId))?.record;
    if (record?.factor) {
      return { state: 'enabled', backupCodesRemaining: remainingOf(record.factor), enabledAt: record.factor.enabledAt };
    }
    // An expired first enrolment is as good as none: the user has to begin again.
    if (record?.pending && now() < record.pending.expiresAt) return { state: 'pending', backupCodesRemaining: 0 };
    return { state: 'disabled', backupCodesRemaining: 0 };
  }

  async function reset(userIdInput: string): Promise<void> {
    const userId = userIdArgument(userIdInput);
    await transact(userId, (stored): Decision<void> =>
      stored ? { result: undefined, next: null, events: [{ type: 'reset' }] } : { result: undefined, events: [] },
    );
  }

  return Object.freeze({ beginEnrollment, confirmEnrollment, verify, disable, regenerateBackupCodes, status, reset });
}
