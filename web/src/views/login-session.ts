// The browser's side of the session. The hub keeps the session in an HttpOnly cookie the page
// cannot read, so the page fetches GET api/auth/session once for the user and the CSRF token.
// installHubFetch wraps fetch so every module that calls the hub (api.ts, the care views) sends
// the token with state changes and goes to the login page when the hub returns 401, without each
// of them knowing about accounts.

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export interface SessionUser {
  id: string;
  name: string;
  role: 'owner' | 'member';
  language: 'fr' | 'en';
  email: string | null;
}

export interface SessionInfo {
  /** False only in test hubs built without accounts. */
  auth: boolean;
  user: SessionUser | null;
  csrfToken: string | null;
}

let current: Promise<SessionInfo> | null = null;
let csrfToken: string | null = null;
let installed = false;

/** Fetches the session from the hub once per page load. */
export function session(): Promise<SessionInfo> {
  current ??= window.fetch('api/auth/session', { headers: { accept: 'application/json' } })
    .then((response) => response.json() as Promise<SessionInfo>)
    .then((info) => { csrfToken = info.csrfToken; return info; });
  return current;
}

/** Replaces the CSRF token after a password change, which opens a new session. */
export function replaceCsrfToken(token: string): void {
  csrfToken = token;
}

function requestUrl(input: RequestInfo | URL): URL {
  if (typeof input === 'string') return new URL(input, location.href);
  if (input instanceof URL) return input;
  return new URL(input.url, location.href);
}

/** Makes every call to the hub's API carry the CSRF token and lead to the login page on 401. */
export function installHubFetch(): void {
  if (installed) return;
  installed = true;
  const original = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = requestUrl(input);
    const ours = url.origin === location.origin && url.pathname.startsWith('/api/') && url.pathname !== '/api/auth/session';
    if (!ours) return original(input, init);

    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = new Headers(init.headers);
    if (!SAFE_METHODS.includes(method)) {
      await session().catch(() => null);
      if (csrfToken !== null) headers.set(CSRF_HEADER, csrfToken);
    }
    const response = await original(input, { ...init, headers });
    if (response.status === 401) location.assign('login');
    return response;
  };
}

/** Ends this session, or every session of the user, then shows the login page. */
export async function logout(everywhere: boolean): Promise<void> {
  await window.fetch(everywhere ? 'api/auth/logout-all' : 'api/auth/logout', { method: 'POST' });
  location.assign('login');
}
