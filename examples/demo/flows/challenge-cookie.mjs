// The sign-in challenge between the password and the code: the library's string (it names the user and
// holds 256 random bits; only its hash is stored), kept in the browser as the `demo_challenge` cookie —
// HttpOnly, SameSite=Lax, Secure over https, sent only to /login… (the code page, its form, the cancel
// button), and gone when the challenge expires. The demo stores nothing about it.
import { appendSetCookie, cookieHeader, isHttps, readCookie } from '../web/cookies.mjs';

const CHALLENGE_COOKIE = 'demo_challenge';
const CHALLENGE_PATH = '/login';

/** The challenge this browser presents, or undefined. Any string goes to the library, which decides. */
export function presentedChallenge({ req }) {
  return readCookie(req.headers.cookie, CHALLENGE_COOKIE);
}

/** After `beginSignIn` asked for a code: the challenge's cookie, for as long as the challenge lives. */
export function keepChallenge({ req, res }, { now, trustProxy }, { challenge, expiresAt }) {
  const maxAge = Math.max(0, Math.floor((expiresAt - now()) / 1000));
  appendSetCookie(res, cookieHeader(CHALLENGE_COOKIE, challenge, maxAge, isHttps(req, trustProxy), CHALLENGE_PATH));
}

/** The challenge is over (signed in, spent, expired, cancelled): its cookie deleted, if the browser holds one. */
export function clearChallenge(ctx, { trustProxy }) {
  if (presentedChallenge(ctx) === undefined) return;
  appendSetCookie(ctx.res, cookieHeader(CHALLENGE_COOKIE, '', 0, isHttps(ctx.req, trustProxy), CHALLENGE_PATH));
}
