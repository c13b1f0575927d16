// Sessions: the cookie carries 32 random bytes; the store keeps only their SHA-256, so reading
// accounts.json does not let anyone log in. The CSRF token is derived from the session id
// (synchronizer token). Pages receive it from GET /api/auth/session and send it back in a header with
// every state-changing request. Another site can read neither the cookie nor the token.
import { createHmac } from 'node:crypto';
import { sessionExpired, sessionNeedsTouch } from '../../domain/auth/session-rules.js';
import { hashToken, randomToken, safeEqual } from './secrets.js';
import type { AccountsDb } from './store.js';
import type { Session, User } from './types.js';

/** Maximum length of the user agent kept with a session, so a client cannot grow the file. */
const USER_AGENT_MAX = 200;

export interface NewSession {
  /** Cookie value: show it to the browser once, never log it. */
  sessionId: string;
  csrfToken: string;
  session: Session;
}

/** Returns the CSRF token of a session id. */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('poco-csrf').digest('base64url');
}

/** Checks a CSRF token sent with a request against the session it came with. */
export function checkCsrfToken(sessionId: string, sent: unknown): boolean {
  return typeof sent === 'string' && safeEqual(sent, csrfTokenFor(sessionId));
}

/** Opens a session for a user who just proved their password. */
export async function createSession(db: AccountsDb, user: User, userAgent: string, now: number): Promise<NewSession> {
  const sessionId = randomToken();
  const session: Session = {
    idHash: hashToken(sessionId),
    userId: user.id,
    userAgent: userAgent.slice(0, USER_AGENT_MAX),
    createdAt: now,
    lastSeenAt: now,
  };
  db.data.sessions = db.data.sessions.filter((entry) => !sessionExpired(entry, now));
  db.data.sessions.push(session);
  await db.write();
  return { sessionId, csrfToken: csrfTokenFor(sessionId), session };
}

export interface ResolvedSession {
  user: User;
  session: Session;
}

/** Finds the user behind a cookie value; null when unknown, expired or the user is gone. */
export async function resolveSession(db: AccountsDb, sessionId: string, now: number): Promise<ResolvedSession | null> {
  const idHash = hashToken(sessionId);
  const session = db.data.sessions.find((entry) => entry.idHash === idHash);
  if (session === undefined) return null;
  const user = db.data.users.find((entry) => entry.id === session.userId);
  if (user === undefined || sessionExpired(session, now)) {
    db.data.sessions = db.data.sessions.filter((entry) => entry !== session);
    await db.write();
    return null;
  }
  if (sessionNeedsTouch(session, now)) {
    session.lastSeenAt = now;
    await db.write();
  }
  return { user, session };
}

/** Ends one session (logout). */
export async function endSession(db: AccountsDb, sessionId: string): Promise<void> {
  const idHash = hashToken(sessionId);
  db.data.sessions = db.data.sessions.filter((entry) => entry.idHash !== idHash);
  await db.write();
}

/** Ends every session of a user ("logout everywhere", or after a password change). */
export async function endAllSessions(db: AccountsDb, userId: string): Promise<number> {
  const before = db.data.sessions.length;
  db.data.sessions = db.data.sessions.filter((entry) => entry.userId !== userId);
  await db.write();
  return before - db.data.sessions.length;
}

/** Lists a user's live sessions for the Profil tab, newest first; ids stay hidden. */
export function listSessions(db: AccountsDb, userId: string, now: number): Array<Omit<Session, 'idHash'> & { ref: string }> {
  return db.data.sessions
    .filter((entry) => entry.userId === userId && !sessionExpired(entry, now))
    .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
    // A short prefix of the hash names a session for "end this one" without revealing the id.
    .map((entry) => ({ ref: entry.idHash.slice(0, 16), userId: entry.userId, userAgent: entry.userAgent, createdAt: entry.createdAt, lastSeenAt: entry.lastSeenAt }));
}

/** Ends one of the user's sessions named by its `ref` from listSessions; false when none matched. */
export async function endSessionByRef(db: AccountsDb, userId: string, ref: string): Promise<boolean> {
  if (!/^[0-9a-f]{16}$/.test(ref)) return false;
  const before = db.data.sessions.length;
  db.data.sessions = db.data.sessions.filter((entry) => !(entry.userId === userId && entry.idHash.startsWith(ref)));
  if (db.data.sessions.length === before) return false;
  await db.write();
  return true;
}
