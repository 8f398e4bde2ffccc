// Every request, before a flow sees it: the Host check, the static assets, the session, the form and its
// CSRF token, then the route. A flow handler gets `(ctx, app)`: the request's context below, and the app's
// parts (the two-factor service, the accounts, the login throttle, the clock).
import { error } from '../pages/layout.mjs';
import { readForm } from './body.mjs';
import { csrfValid } from './csrf.mjs';
import { redirect, send } from './respond.mjs';

/** A server on 127.0.0.1 is still reachable from web pages through DNS rebinding; a Host check stops that. */
function allowedHost(header, listenHost, port) {
  return [listenHost, '127.0.0.1', 'localhost', '[::1]'].some((name) => header === `${name}:${port}`);
}

export function createRequestHandler({ router, sessions, assets, host, app }) {
  return async function handle(req, res) {
    if (!allowedHost(req.headers.host, host, req.socket.localPort)) return send(res, 421, error({ message: 'Unknown host.' }));
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isGet = req.method === 'GET' || req.method === 'HEAD';
    if (isGet && assets.serve(res, url.pathname)) return;

    const session = sessions.of(req);
    let form = new URLSearchParams();
    if (req.method === 'POST') {
      form = await readForm(req);
      if (!session || !csrfValid(form, session)) {
        return send(res, 403, error({ message: 'This form has expired. Go back, reload the page and try again.' }));
      }
    } else if (!isGet) {
      return send(res, 405, error({ message: 'Method not allowed.' }), { Allow: 'GET, POST' });
    }

    const user = session?.userId ? app.accounts.byId(session.userId) : undefined;
    const ctx = {
      req, res, url, form, session, user,
      view: { csrf: session?.csrf, user },
      send: (status, html, headers) => send(res, status, html, headers),
      redirect: (location) => redirect(res, location),
      startSession: (fields) => sessions.start(res, fields),
      rotateSession: (fields) => sessions.rotate(res, session, fields),
    };
    const route = router.find(req.method, url.pathname);
    if (route && (user || !route.signedIn)) return route.handler(ctx, app);
    if (!user) return ctx.redirect('/login');
    return ctx.send(404, error({ ...ctx.view, message: 'There is no such page.' }));
  };
}
