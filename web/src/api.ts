// Calls to the hub's REST API (docs/architecture.md). Paths are relative to the page, so the
// dashboard works behind any host name the hub is reached by.
import type { Language } from './i18n.js';
import type { SeriesResponse } from './series.js';
import type { Pot, ReadingsResponse } from './types.js';
import { installHubFetch, session } from './views/login-session.js';

// Before the first call: state changes carry the CSRF token and a 401 leads to the login page.
installHubFetch();

/** Fields of the hub's JSON error body (docs/architecture.md): English `error`, stable `code`. */
export interface ErrorBody {
  /** The hub's own text, in English (older routes write French then English). */
  hubError: string | null;
  code: string | null;
  retryAfterS: number | null;
}

export class HttpError extends Error {
  readonly errorBody: ErrorBody;

  constructor(readonly status: number, message: string, errorBody: Partial<ErrorBody> = {}) {
    super(message);
    this.name = 'HttpError';
    this.errorBody = { hubError: errorBody.hubError ?? null, code: errorBody.code ?? null, retryAfterS: errorBody.retryAfterS ?? null };
  }
}

/** Reads the error fields of a parsed response body; anything missing or of the wrong type is null. */
export function readErrorBody(body: unknown): ErrorBody {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    hubError: typeof fields['error'] === 'string' ? fields['error'] : null,
    code: typeof fields['code'] === 'string' ? fields['code'] : null,
    retryAfterS: typeof fields['retryAfterS'] === 'number' ? fields['retryAfterS'] : null,
  };
}

async function requestJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  if (!response.ok) {
    // A body that is not JSON leaves every error field null, so the status alone is reported.
    const errorBody = readErrorBody(await response.json().catch(() => null));
    const detail = errorBody.hubError === null ? '' : `: ${errorBody.hubError}`;
    throw new HttpError(response.status, `${init.method ?? 'GET'} ${path} failed with HTTP ${response.status}${detail}`, errorBody);
  }
  return (await response.json()) as T;
}

/** Calls a JSON route; a rejected call throws HttpError with the hub's `error` text and `code`. */
export async function callApi<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) init.headers = { ...init.headers, 'content-type': 'application/json' };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const data: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    const errorBody = readErrorBody(data);
    throw new HttpError(response.status, errorBody.hubError ?? `${method} ${path} failed with HTTP ${response.status}`, errorBody);
  }
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
