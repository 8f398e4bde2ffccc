// The app's own users table: one seeded account, scrypt password hashes, and the password step's throttle.
// Nothing here is two-factor: a real app has this already (a database table, its own password hashing).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { retryAfterMs } from '@inworkjobs/two-factor/server';

const hash = promisify(scrypt);
// N = 2^15 (32 MiB, ~0.1 s) to keep the example quick; OWASP's production minimum is N = 2^17.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
// Password guessing, per account (the typed email, known or not): 5 free, then 1 s, 2 s, 4 s … up to 15 min,
// the library's back-off with its own pure function.
const POLICY = Object.freeze({ freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 });

export const DEMO_USER = Object.freeze({ id: 'user-1', email: 'alice@example.com', password: 'correct horse battery staple' });

async function passwordHash(password, salt = randomBytes(16)) {
  return { salt, hash: await hash(password.normalize('NFKC'), salt, 32, SCRYPT) };
}

/** @param {{ now: () => number }} options */
export async function createUsers({ now }) {
  const rows = [{ id: DEMO_USER.id, email: DEMO_USER.email, password: await passwordHash(DEMO_USER.password) }];
  const decoy = await passwordHash(randomBytes(16).toString('hex')); // unknown emails take as long as wrong passwords
  const failures = new Map(); // email → { count, lastAt }

  return {
    byId: (id) => rows.find((row) => row.id === id),
    /**
     * Checks a password. While the account's wait runs, refuses without hashing (a `refusal` shaped like the library's, for describeFailure). The attempt
     * is charged before scrypt runs, so parallel requests cannot slip past a wait; a right password resets it.
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
      if (!row || !timingSafeEqual(typed, row.password.hash)) return {};
      failures.delete(key);
      return { user: { id: row.id, email: row.email } };
    },
  };
}
