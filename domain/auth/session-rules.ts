// Session lifetime and cookie rules, without I/O: the hub decides with these when a session is
// still valid and how its cookie is written.

export const SESSION_COOKIE = 'poco_session';

/** A session ends this long after login, whatever the activity. */
export const SESSION_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** A session unused for this long ends. */
export const SESSION_IDLE_MS = 14 * 24 * 60 * 60 * 1000;
/** lastSeenAt is saved at most this often, so browsing does not rewrite the file on each request. */
export const SESSION_TOUCH_MS = 5 * 60 * 1000;

export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
}

/** True when a session is past its absolute or idle limit. */
export function sessionExpired(session: SessionTimes, now: number): boolean {
  return now - session.createdAt >= SESSION_MAX_AGE_MS || now - session.lastSeenAt >= SESSION_IDLE_MS;
}

/** True when lastSeenAt is old enough to be worth saving again. */
export function sessionNeedsTouch(session: SessionTimes, now: number): boolean {
  return now - session.lastSeenAt >= SESSION_TOUCH_MS;
}

export interface CookieOptions {
  /** True when the hub is served over HTTPS, directly or behind an HTTPS proxy. */
  secure: boolean;
  /** Cookie lifetime in seconds; 0 deletes the cookie. */
  maxAgeS: number;
}

const COOKIE_VALUE = /^[A-Za-z0-9_-]*$/;

/**
 * Builds a Set-Cookie header value: HttpOnly so page scripts cannot read the session, SameSite=Lax
 * so other sites' forms and scripts do not carry it (links from mail still log in), Path=/, and
 * Secure over HTTPS.
 */
export function sessionCookieHeader(value: string, options: CookieOptions): string {
  if (!COOKIE_VALUE.test(value)) throw new Error('invalid session cookie value: expected base64url characters only');
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(options.maxAgeS))}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** Reads the session id from a Cookie request header, or null. */
export function sessionIdFromCookies(header: string | undefined): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    if (part.slice(0, equals).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(equals + 1).trim();
    return value !== '' && COOKIE_VALUE.test(value) ? value : null;
  }
  return null;
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/** True when a request method changes state and therefore needs a CSRF token. */
export function needsCsrfToken(method: string): boolean {
  return !SAFE_METHODS.includes(method.toUpperCase());
}
