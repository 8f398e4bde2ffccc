// The demo's server-side sessions, in memory and bounded: every request without a cookie could
// otherwise add one for good. Sessions idle past `idleMs` are swept whenever one is added, and at `max`
// the least recently used anonymous session goes first (so a flood of sign-in pages cannot sign anyone
// out), then the least recently used of any kind.

export const DEFAULT_MAX_SESSIONS = 10_000;

/**
 * @param {{ now: () => number, idleMs: number, max?: number }} options
 */
export function createSessionTable({ now, idleMs, max = DEFAULT_MAX_SESSIONS }) {
  // id → session, in order of last use (re-inserted on each), least recent first.
  const sessions = new Map();
  const anonymous = (session) => session.userId === null;

  function sweep(at) {
    for (const [id, session] of sessions) {
      if (at - session.seenAt < idleMs) break;
      sessions.delete(id);
    }
  }

  function evictOne() {
    for (const [id, session] of sessions) {
      if (anonymous(session)) {
        sessions.delete(id);
        return;
      }
    }
    sessions.delete(sessions.keys().next().value);
  }

  return {
    /** The live session with this id, marked as used now; an idle one is removed instead. */
    get(id) {
      const session = id ? sessions.get(id) : undefined;
      if (!session) return undefined;
      const at = now();
      sessions.delete(id);
      if (at - session.seenAt >= idleMs) return undefined;
      session.seenAt = at;
      sessions.set(id, session);
      return session;
    },
    add(session) {
      sweep(now());
      while (sessions.size >= max) evictOne();
      sessions.set(session.id, session);
    },
    delete(id) {
      sessions.delete(id);
    },
    get size() {
      return sessions.size;
    },
  };
}
