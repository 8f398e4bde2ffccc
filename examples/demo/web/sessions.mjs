// Server-side sessions behind an HttpOnly cookie (`demo_sid`), in the bounded table of session-table.mjs.
// A session's id changes at every change of privilege (password accepted, second step passed, sign-out),
// so an id planted before sign-in is worthless after it (no session fixation).
import { cookieHeader, isHttps, readCookie } from './cookies.mjs';
import { randomToken } from './csrf.mjs';
import { createSessionTable } from './session-table.mjs';

const SESSION_COOKIE = 'demo_sid';
const SESSION_IDLE_MS = 30 * 60 * 1000;

/**
 * @param {{ now: () => number, max?: number, trustProxy: boolean }} options
 */
export function createSessions({ now, max, trustProxy }) {
  const table = createSessionTable({ now, idleMs: SESSION_IDLE_MS, max });

  function start(res, fields = {}) {
    const session = {
      id: randomToken(),
      csrf: randomToken(),
      seenAt: now(),
      userId: null,
      passwordConfirmedAt: null,
      verifiedAt: null,
      trustedDeviceId: null,
      flash: null,
      enrollment: null,
      backupCodes: null,
      ...fields,
    };
    table.add(session);
    // Secure only over https (directly or through a trusted proxy): the demo runs on plain http://127.0.0.1
    // by default. A production app behind HTTPS would also name the cookie `__Host-sid`.
    res.setHeader('Set-Cookie', cookieHeader(SESSION_COOKIE, session.id, SESSION_IDLE_MS / 1000, isHttps(res.req, trustProxy)));
    return session;
  }

  return {
    /** The request's live session, if it has one. Made only where a page needs one (a form's CSRF token). */
    of: (req) => table.get(readCookie(req.headers.cookie, SESSION_COOKIE)),
    /** A new session, its cookie set on `res`. */
    start,
    /** Replaces `session` by a new one holding `fields` (and nothing else of the old one). */
    rotate(res, session, fields) {
      table.delete(session.id);
      return start(res, { ...fields });
    },
    get size() {
      return table.size;
    },
  };
}

/** The session's one-time notice, removed as it is shown. */
export function takeFlash(session) {
  const flash = session.flash;
  session.flash = null;
  return flash;
}
