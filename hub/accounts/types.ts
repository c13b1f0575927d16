// Records of data/accounts.json. Secrets (session ids, tokens) appear only as SHA-256 hashes.
import type { Group, PotOwnership, Role } from '../../domain/auth/access.js';

export type Language = 'fr' | 'en';

export interface User {
  id: string;
  /** Login name, unique without regard to case. */
  name: string;
  /** Address for alerts; null when the user gave none. */
  email: string | null;
  language: Language;
  role: Role;
  /** scrypt hash from hub/accounts/password.ts. */
  passwordHash: string;
  createdAt: number;
}

export interface Session {
  /** SHA-256 of the cookie value. */
  idHash: string;
  userId: string;
  userAgent: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface ApiToken {
  id: string;
  userId: string;
  label: string;
  tokenHash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface Invitation {
  tokenHash: string;
  createdBy: string;
  /** Group the new member joins, if any. */
  groupId: string | null;
  expiresAt: number;
}

export interface PotRecord extends PotOwnership {
  /** Claim verifier the pot published (domain/pot-claim.ts); null until it did. */
  claimVerifier: string | null;
  claimedAt: number | null;
}

export interface SetupState {
  tokenHash: string;
  expiresAt: number;
}

export interface AccountsData {
  version: 1;
  users: User[];
  sessions: Session[];
  apiTokens: ApiToken[];
  invitations: Invitation[];
  groups: Group[];
  pots: PotRecord[];
  setup: SetupState | null;
}

export function emptyAccounts(): AccountsData {
  return { version: 1, users: [], sessions: [], apiTokens: [], invitations: [], groups: [], pots: [], setup: null };
}
