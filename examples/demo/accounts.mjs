// The demo's accounts and their passwords: scrypt hashes, compared in constant time.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { randomToken } from './web/csrf.mjs';

const scrypt = promisify(scryptCallback);
// N = 2^15, r = 8: 32 MiB and ~0.1 s a hash, sized for a demo that signs in often. OWASP's production
// minimum is N = 2^17 (128 MiB); the stored salt and hash format would not change.
const PASSWORD_SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

async function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, 32, PASSWORD_SCRYPT);
  return { salt, hash };
}

async function passwordMatches(passwordHash, password) {
  const hash = await scrypt(password.normalize('NFKC'), passwordHash.salt, 32, PASSWORD_SCRYPT);
  return timingSafeEqual(hash, passwordHash.hash);
}

/** An account as the app keeps it: the password only as its hash. */
export async function seedUser({ id, email, password }) {
  return { id, email, passwordHash: await hashPassword(password) };
}

/** Look-ups and password checks over a fixed list of accounts. */
export function createAccounts(users) {
  // A hash to check unknown emails against, so "no such user" takes as long as "wrong password".
  const decoyPassword = hashPassword(randomToken());
  return {
    byId: (id) => users.find((u) => u.id === id),
    /** The account with this email when the password is its own, else null (in the same time either way). */
    async withPassword(email, password) {
      const found = users.find((u) => u.email === email);
      const matches = await passwordMatches(found ? found.passwordHash : await decoyPassword, password);
      return found && matches ? found : null;
    },
    /** Whether `password` is this account's. */
    checkPassword: (user, password) => passwordMatches(user.passwordHash, password),
  };
}
