// Calls to the hub's REST API (docs/architecture.md). Paths are relative to the page, so the
// dashboard works behind any host name the hub is reached by.
import type { Language } from './i18n.js';
import type { SeriesResponse } from './series.js';
import type { Pot, ReadingsResponse } from './types.js';
import { installHubFetch, session } from './views/login-session.js';

// Before the first call: state changes carry the CSRF token and a 401 leads to the login page.
installHubFetch();

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}

async function requestJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  if (!response.ok) {
    let detail = '';
    try {
      const body = (await response.json()) as { error?: unknown };
      if (typeof body.error === 'string') detail = `: ${body.error}`;
    } catch {
      // The body was not JSON; the status alone is reported.
    }
    throw new HttpError(response.status, `${init.method ?? 'GET'} ${path} failed with HTTP ${response.status}${detail}`);
  }
  return (await response.json()) as T;
}

/** Calls a JSON route; a refusal throws HttpError with the hub's `error` text. */
export async function callApi<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) init.headers = { ...init.headers, 'content-type': 'application/json' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const data = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new HttpError(response.status, data.error ?? `${method} ${path} failed with HTTP ${response.status}`);
  return data as T;
}

/** Relative path of a pot's API resource. */
export const potPath = (id: string): string => `api/pots/${encodeURIComponent(id)}`;

export async function fetchPots(): Promise<Pot[]> {
  const body = await requestJson<{ pots: Pot[] }>('api/pots');
  return body.pots;
}

export function fetchPot(id: string): Promise<Pot> {
  return requestJson<Pot>(`api/pots/${encodeURIComponent(id)}`);
}

/** Readings of one pot between two Unix-millisecond instants. */
export function fetchReadings(id: string, from: number, to: number): Promise<ReadingsResponse> {
  return requestJson<ReadingsResponse>(`api/pots/${encodeURIComponent(id)}/readings?from=${from}&to=${to}`);
}

/** Chart columns of one pot for [from, to), raw or min/mean/max buckets, as the hub chooses. */
export function fetchSeries(id: string, from: number, to: number): Promise<SeriesResponse> {
  return requestJson<SeriesResponse>(`api/pots/${encodeURIComponent(id)}/series?from=${Math.floor(from)}&to=${Math.ceil(to)}`);
}

/** Days the hub keeps raw readings; rollups are kept for ever. */
export async function fetchRawRetentionDays(): Promise<number> {
  // A degraded hub answers 503 with the same body, retention included.
  const response = await fetch('api/health', { headers: { accept: 'application/json' } });
  if (!response.ok && response.status !== 503) throw new HttpError(response.status, `GET api/health failed with HTTP ${response.status}`);
  const body = (await response.json()) as { retention?: { rawDays?: unknown } };
  const days = body.retention?.rawDays;
  if (typeof days !== 'number') throw new Error('GET api/health returned no retention.rawDays: update the hub');
  return days;
}

/** Fetches the signed-in user's language, else the hub's default. */
export async function fetchLanguageSetting(): Promise<unknown> {
  const user = (await session()).user;
  if (user !== null) return user.language;
  const body = await requestJson<{ language?: unknown }>('api/settings');
  return body.language;
}

/** Saves the language in the user's profile, or as the hub's default when accounts are off. */
export async function saveLanguageSetting(language: Language): Promise<void> {
  const user = (await session()).user;
  await requestJson<unknown>(user === null ? 'api/settings' : 'api/profile', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language }),
  });
}
