// Random tokens and their stored form. Session ids, API tokens, invitation and setup tokens are
// 32 random bytes shown once and stored only as SHA-256, so a copy of accounts.json grants no access.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Sha256 } from '../../domain/pot-claim.js';

/** Returns 32 random bytes as base64url (43 characters), safe in cookies and URLs. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Hashes a token for storage, as 64 lowercase hex digits. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two strings in time that does not depend on where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Lengths of hashes are public; comparing equal-length buffers keeps timingSafeEqual happy.
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** SHA-256 for domain/pot-claim.ts on Node. */
export const nodeSha256: Sha256 = (message) => new Uint8Array(createHash('sha256').update(message).digest());

/** Returns a random id for users, groups and tokens: 16 hex digits, not a secret. */
export function randomId(): string {
  return randomBytes(8).toString('hex');
}
