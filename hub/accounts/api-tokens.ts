// API tokens for scripts: shown once at creation, stored as SHA-256, revocable, with the time of
// last use. A script sends one as `Authorization: Bearer poco_<token>`.
import { AccountError } from './errors.js';
import { hashToken, randomId, randomToken } from './secrets.js';
import type { AccountsDb } from './store.js';
import type { ApiToken, User } from './types.js';

/** Prefix that makes a leaked token easy to recognise in a file or a secret scanner. */
export const TOKEN_PREFIX = 'poco_';
/** lastUsedAt is saved at most once a minute per token. */
const LAST_USED_STEP_MS = 60 * 1000;

export interface CreatedToken {
  /** Shown to the user once; never stored or logged. */
  token: string;
  record: ApiToken;
}

export async function createApiToken(db: AccountsDb, userId: string, label: string, now: number): Promise<CreatedToken> {
  const token = TOKEN_PREFIX + randomToken();
  const record: ApiToken = { id: randomId(), userId, label: String(label).slice(0, 60), tokenHash: hashToken(token), createdAt: now, lastUsedAt: null };
  db.data.apiTokens.push(record);
  await db.write();
  return { token, record };
}

/** Finds the user of a bearer token and records its use; null when unknown or revoked. */
export async function resolveApiToken(db: AccountsDb, token: string, now: number): Promise<User | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const tokenHash = hashToken(token);
  const record = db.data.apiTokens.find((entry) => entry.tokenHash === tokenHash);
  if (record === undefined) return null;
  const user = db.data.users.find((entry) => entry.id === record.userId) ?? null;
  if (user !== null && (record.lastUsedAt === null || now - record.lastUsedAt >= LAST_USED_STEP_MS)) {
    record.lastUsedAt = now;
    await db.write();
  }
  return user;
}

/** Revokes one of the user's tokens. Throws not_found for an unknown id or another user's token. */
export async function revokeApiToken(db: AccountsDb, userId: string, tokenId: string): Promise<void> {
  const before = db.data.apiTokens.length;
  db.data.apiTokens = db.data.apiTokens.filter((entry) => !(entry.id === tokenId && entry.userId === userId));
  if (db.data.apiTokens.length === before) throw new AccountError('not_found', `jeton ${JSON.stringify(tokenId)} introuvable / token not found`);
  await db.write();
}

/** Lists a user's tokens without their hashes. */
export function listApiTokens(db: AccountsDb, userId: string): Array<Omit<ApiToken, 'tokenHash'>> {
  return db.data.apiTokens
    .filter((entry) => entry.userId === userId)
    .map((entry) => ({ id: entry.id, userId: entry.userId, label: entry.label, createdAt: entry.createdAt, lastUsedAt: entry.lastUsedAt }));
}
