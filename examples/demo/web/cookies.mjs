// Cookies: reading one from the Cookie header, writing HttpOnly SameSite=Lax ones, and deciding `Secure`.

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header = '', name) {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A Set-Cookie value: no script reads it (HttpOnly), not sent on cross-site POSTs (SameSite=Lax), sent only
 * under `path`. Max-Age 0 deletes it (with the same name and path).
 */
export function cookieHeader(name, value, maxAgeSeconds, secure, path = '/') {
  return `${name}=${value}; Path=${path}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** node:http keeps one Set-Cookie header per setHeader call: add to it instead of replacing the session cookie. */
export function appendSetCookie(res, cookie) {
  const previous = res.getHeader('Set-Cookie');
  res.setHeader('Set-Cookie', [...(previous === undefined ? [] : [previous].flat()), cookie]);
}

/**
 * Served over TLS: directly, or through a proxy we were told to trust (`X-Forwarded-Proto: https`; only behind
 * a proxy that sets it and strips it from clients, otherwise anyone could claim it). Decides `Secure`.
 */
export function isHttps(req, trustProxy) {
  if (req.socket.encrypted) return true;
  return trustProxy && String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase() === 'https';
}
