// JSON calls of the Profil tab's account panels. A rejected call throws HttpError with the hub's
// message and, where the route sets one, its `code` (shown in the page's language by api-errors.ts).
import { HttpError, readErrorBody } from '../api.js';
import type { SessionUser } from './login-session.js';

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined) init.headers = { accept: 'application/json', 'content-type': 'application/json' };
  const response = await fetch(path, init);
  const parsed: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const errorBody = readErrorBody(parsed);
    throw new HttpError(response.status, errorBody.hubError ?? `${method} ${path}: HTTP ${response.status}`, errorBody);
  }
  return parsed as T;
}

export interface ProfilePot {
  potId: string;
  access: 'read' | 'control' | 'owner';
  name: string;
}

export interface SessionRow {
  ref: string;
  userAgent: string;
  createdAt: number;
  lastSeenAt: number;
  current: boolean;
}

export interface TokenRow {
  id: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface Profile {
  user: SessionUser;
  pots: ProfilePot[];
  sessions: SessionRow[];
  tokens: TokenRow[];
}

export interface GroupRow {
  id: string;
  name: string;
  members: string[];
  /** True when the user teaches this group. */
  teacher: boolean;
}

export interface ShareRow {
  kind: 'user' | 'group';
  targetId: string;
  level: 'read' | 'control';
  name: string | null;
}

export const fetchProfile = (): Promise<Profile> => call<Profile>('GET', 'api/profile');
