// The app's own users table: one seeded account, PBKDF2 password hashes from Web Crypto (so this file runs on
// Workers, Bun and Deno too), and the password step's throttle. Nothing here is two-factor.
import { retryAfterMs } from '@inworkjobs/two-factor/server';

// 210,000 iterations of PBKDF2-HMAC-SHA512 (OWASP's figure); a real app already has its password hashing.
const PBKDF2 = { name: 'PBKDF2', hash: 'SHA-512', iterations: 210_000 };
// Password guessing, per account (the typed email, known or not): 5 free, then 1 s, 2 s, 4 s … up to 15 min,
// the library's back-off with its own pure function.
const POLICY = Object.freeze({ freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 });

export const DEMO_USER = Object.freeze({ id: 'user-1', email: 'alice@example.com', password: 'correct horse battery staple' });

async function passwordHash(password, salt = crypto.getRandomValues(new Uint8Array(16))) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password.normalize('NFKC')), 'PBKDF2', false, ['deriveBits']);
  return { salt, hash: new Uint8Array(await crypto.subtle.deriveBits({ ...PBKDF2, salt }, key, 256)) };
}

/** Constant-time comparison of two byte arrays of the same length. */
function sameBytes(a, b) {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** @param {{ now: () => number }} options */
export async function createUsers({ now }) {
  const rows = [{ id: DEMO_USER.id, email: DEMO_USER.email, password: await passwordHash(DEMO_USER.password) }];
  const decoy = await passwordHash(crypto.randomUUID()); // unknown emails take as long as wrong passwords
  const failures = new Map(); // email → { count, lastAt }

  return {
    byId: (id) => rows.find((row) => row.id === id),
    /**
     * Checks a password. While the account's wait runs, refuses without hashing (a `refusal` shaped like the
     * library's, for describeFailure). The attempt is charged before hashing, so parallel requests cannot slip
     * past a wait; a right password resets it.
     * @returns {Promise<{ user?: { id: string, email: string }, refusal?: { reason: 'throttled', retryAfterMs: number } }>}
     */
    async checkPassword(email, password) {
      const key = String(email).trim().toLowerCase();
      const seen = failures.get(key) ?? { count: 0, lastAt: null };
      const wait = retryAfterMs(seen.count, seen.lastAt, now(), POLICY);
      if (wait > 0) return { refusal: { reason: 'throttled', retryAfterMs: wait } };
      if (failures.size >= 10_000) failures.delete(failures.keys().next().value); // bounded memory
      failures.set(key, { count: seen.count + 1, lastAt: now() });
      const row = rows.find((r) => r.email === key);
      const { hash: typed } = await passwordHash(String(password), (row ?? { password: decoy }).password.salt);
      if (!row || !sameBytes(typed, row.password.hash)) return {};
      failures.delete(key);
      return { user: { id: row.id, email: row.email } };
    },
  };
}
