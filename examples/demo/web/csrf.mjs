// Random tokens (session ids, CSRF tokens) and the CSRF check every POST passes before its flow runs.
import { timingSafeEqual } from 'node:crypto';

/** A random 256-bit token, base64url, from the Web Crypto CSPRNG. */
export function randomToken() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

/** The form's `_csrf` field equals the session's token (compared in constant time). */
export function csrfValid(form, session) {
  const sent = form.get('_csrf');
  if (typeof sent !== 'string' || typeof session.csrf !== 'string') return false;
  const x = Buffer.from(sent);
  const y = Buffer.from(session.csrf);
  return x.length === y.length && timingSafeEqual(x, y);
}
