// The stored form of a random secret bound to one user (trusted-device tokens, sign-in challenges):
// SHA-256(domain ‖ 0x00 ‖ utf8(userId) ‖ 0x00 ‖ secret), base64url. User ids hold no NUL and each caller's
// secret has a fixed length, so no two (user, secret) pairs share an input; the domain keeps the uses apart.
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64Url } from './base64url.js';

/** The user-bound SHA-256 of `secret` under `domain`, base64url (43 characters). */
export function userBoundHash(domain: Uint8Array, userId: string, secret: Uint8Array): string {
  return encodeBase64Url(sha256(userBoundInput(domain, userId, secret)));
}

/** `domain ‖ 0x00 ‖ utf8(userId) ‖ 0x00 ‖ secret`: the input both the plain and the keyed (HMAC) forms hash. */
export function userBoundInput(domain: Uint8Array, userId: string, secret: Uint8Array): Uint8Array {
  const user = new TextEncoder().encode(userId);
  const input = new Uint8Array(domain.length + 1 + user.length + 1 + secret.length);
  input.set(domain, 0);
  input.set(user, domain.length + 1);
  input.set(secret, domain.length + 1 + user.length + 1);
  return input;
}
