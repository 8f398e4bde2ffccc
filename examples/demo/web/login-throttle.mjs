// Password guessing on the sign-in form, slowed the way the library slows code guessing: the same
// back-off (free failures, then waits doubling up to a cap; throttleDelayMs / retryAfterMs from
// @inworkjobs/two-factor/server), counted per account *and* per client address, in memory.
//
// - Per account (the typed email, known or not, so the answer does not reveal which accounts exist):
//   stops guessing one password; a right password resets it.
// - Per address: stops spraying one guess at each of many accounts; a right password refunds only its
//   own attempt, so signing in to an account one owns does not refill the budget. Behind a proxy the
//   address would come from a trusted X-Forwarded-For; the demo listens on 127.0.0.1 only.
// - An attempt is charged before the password hash runs and refused unhashed while a wait runs, so
//   requests sent in parallel cannot slip past it; a refused attempt is not counted.
// - The table is bounded: entries idle for a day are forgotten, and at the cap the entry with the
//   oldest failure goes first. (Flooding it takes many addresses, as each is throttled on its own.)
import { retryAfterMs, throttleDelayMs } from '@inworkjobs/two-factor/server';

/** A few typos are free per account; then 1 s, 2 s, 4 s … up to 15 minutes. */
export const ACCOUNT_POLICY = Object.freeze({ freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60 * 1000 });
/** An address (an office behind one NAT) gets more free failures before the same back-off. */
export const ADDRESS_POLICY = Object.freeze({ freeFailures: 20, baseDelayMs: 1000, maxDelayMs: 15 * 60 * 1000 });
export const DEFAULT_MAX_ENTRIES = 10_000;
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * @param {{ now: () => number, maxEntries?: number }} options
 */
export function createLoginThrottle({ now, maxEntries = DEFAULT_MAX_ENTRIES }) {
  // key → { failures, lastFailureAt }, in order of the last failure (re-inserted on each), oldest first.
  const entries = new Map();
  const keysOf = (email, address) => [
    { key: `account:${email}`, policy: ACCOUNT_POLICY },
    { key: `address:${address}`, policy: ADDRESS_POLICY },
  ];

  function forgetIdle(at) {
    for (const [key, entry] of entries) {
      if (at - entry.lastFailureAt < FORGET_AFTER_MS) break;
      entries.delete(key);
    }
  }

  function charge(key, at) {
    const entry = entries.get(key) ?? { failures: 0, lastFailureAt: at };
    entries.delete(key);
    forgetIdle(at);
    while (entries.size >= maxEntries) entries.delete(entries.keys().next().value);
    entries.set(key, { failures: entry.failures + 1, lastFailureAt: at });
  }

  return {
    /**
     * Admits or refuses one sign-in attempt. Admitted attempts are charged to both counters at once;
     * call `succeeded` when the password was right.
     * @returns {{ ok: true } | { ok: false, retryAfterMs: number }}
     */
    attempt(email, address) {
      const at = now();
      const keys = keysOf(email, address);
      let wait = 0;
      for (const { key, policy } of keys) {
        const entry = entries.get(key);
        if (entry) wait = Math.max(wait, retryAfterMs(entry.failures, entry.lastFailureAt, at, policy));
      }
      if (wait > 0) return { ok: false, retryAfterMs: wait };
      for (const { key } of keys) charge(key, at);
      return { ok: true };
    },
    /** The wait the failure just charged imposes on the next attempt (0 while failures are free). */
    nextWaitMs(email, address) {
      let wait = 0;
      for (const { key, policy } of keysOf(email, address)) wait = Math.max(wait, throttleDelayMs(entries.get(key)?.failures ?? 0, policy));
      return wait;
    },
    /** A right password: the account starts afresh; the address gets back this attempt only. */
    succeeded(email, address) {
      const [account, addr] = keysOf(email, address);
      entries.delete(account.key);
      const entry = entries.get(addr.key);
      if (entry) entry.failures = Math.max(0, entry.failures - 1);
    },
    get size() {
      return entries.size;
    },
  };
}
