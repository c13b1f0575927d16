// JSON calls of the Profil tab's account panels. Errors carry the hub's message, which is already
// French then English.
import type { SessionUser } from './login-session.js';

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined) init.headers = { accept: 'application/json', 'content-type': 'application/json' };
  const response = await fetch(path, init);
  const parsed = (await response.json().catch(() => null)) as { error?: unknown } | null;
  if (!response.ok) throw new Error(typeof parsed?.error === 'string' ? parsed.error : `${method} ${path}: HTTP ${response.status}`);
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
