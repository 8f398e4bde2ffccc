// Responses: pages with the security headers, static assets, 303 redirects, Retry-After.

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Pages carry setup keys and backup codes: never cache them.
  'Cache-Control': 'no-store',
};

export function send(res, status, html, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers });
  res.end(html);
}

export function sendAsset(res, type, body) {
  res.writeHead(200, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
  res.end(body);
}

/** 303 See Other: after a POST the browser follows with a GET, so a reload never re-submits a code. */
export function redirect(res, location) {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

/** Retry-After in whole seconds, rounded up, for a 429. */
export function retryAfter(ms) {
  return { 'Retry-After': String(Math.ceil(ms / 1000)) };
}
