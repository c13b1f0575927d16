// Pot ownership: claim verifiers published by pots, claiming with a code, sharing with users or
// groups, and the access decision routes will use. Wrong codes are throttled per pot and per user.
import type { FastifyBaseLogger } from 'fastify';
import { accessTo, type Access, type Group, type ShareLevel } from '../../domain/auth/access.js';
import { CLAIM_LIMITS_PER_POT, CLAIM_LIMITS_PER_USER, FailureThrottle, type ThrottleOptions } from '../../domain/auth/throttle.js';
import { claimVerifier, normalizeClaimCode } from '../../domain/pot-claim.js';
import { AccountError } from './errors.js';
import { nodeSha256, randomId, safeEqual } from './secrets.js';
import type { AccountsDb } from './store.js';
import type { PotRecord, User } from './types.js';

export function findPot(db: AccountsDb, potId: string): PotRecord | undefined {
  return db.data.pots.find((pot) => pot.potId === potId);
}

/** Returns the user's access to a pot. A stranger gets 'none', so routes return 404. */
export function potAccess(db: AccountsDb, user: User | null, potId: string): Access {
  return accessTo(user, findPot(db, potId), db.data.groups);
}

function ensurePot(db: AccountsDb, potId: string): PotRecord {
  let pot = findPot(db, potId);
  if (pot === undefined) {
    pot = { potId, ownerId: null, shares: [], claimVerifier: null, claimedAt: null };
    db.data.pots.push(pot);
  }
  return pot;
}

export type VerifierOutcome = 'stored' | 'unchanged' | 'ignored_claimed';

/**
 * Stores the claim verifier a pot published. While the pot is unclaimed, a new verifier replaces
 * the old one, because the pot was configured again with a new secret. Once claimed, the verifier
 * is kept, so a reconfigured pot cannot be taken from its owner unless the owner releases it.
 */
export async function recordVerifier(db: AccountsDb, potId: string, verifier: string): Promise<VerifierOutcome> {
  const pot = ensurePot(db, potId);
  if (pot.claimVerifier === verifier) return 'unchanged';
  if (pot.ownerId !== null) return 'ignored_claimed';
  pot.claimVerifier = verifier;
  await db.write();
  return 'stored';
}

export class ClaimService {
  readonly #db: AccountsDb;
  readonly #log: FastifyBaseLogger;
  readonly #perPot: FailureThrottle;
  readonly #perUser: FailureThrottle;

  constructor(db: AccountsDb, log: FastifyBaseLogger, limits: { pot: ThrottleOptions; user: ThrottleOptions } = { pot: CLAIM_LIMITS_PER_POT, user: CLAIM_LIMITS_PER_USER }) {
    this.#db = db;
    this.#log = log;
    this.#perPot = new FailureThrottle(limits.pot);
    this.#perUser = new FailureThrottle(limits.user);
  }

  /** Claims a pot for `user` with the code shown by the pot; throws AccountError otherwise. */
  async claim(user: User, potId: string, typedCode: string, now: number): Promise<PotRecord> {
    const potCheck = this.#perPot.check(potId, now);
    const userCheck = this.#perUser.check(user.id, now);
    if (!potCheck.allowed || !userCheck.allowed) {
      const wait = Math.max(potCheck.allowed ? 0 : potCheck.retryAfterMs, userCheck.allowed ? 0 : userCheck.retryAfterMs);
      this.#log.warn({ potId, userId: user.id, retryAfterMs: wait }, 'claim throttled');
      throw new AccountError('throttled', `trop de codes faux : réessayez dans ${Math.ceil(wait / 60000)} min / too many wrong codes: try again in ${Math.ceil(wait / 60000)} min`, wait);
    }

    const code = normalizeClaimCode(String(typedCode));
    if (code === null) throw new AccountError('claim_code_invalid', 'code invalide : 8 caractères comme ABCD-EFGH / invalid code: 8 characters such as ABCD-EFGH');
    const pot = findPot(this.#db, potId);
    if (pot === undefined || pot.claimVerifier === null) {
      throw new AccountError('claim_unavailable', "ce pot n'a pas encore publié son code : démarrez-le connecté au hub puis réessayez / this pot has not published its claim verifier yet: start it connected to the hub and try again");
    }
    if (!safeEqual(claimVerifier(potId, code, nodeSha256), pot.claimVerifier)) {
      this.#perPot.fail(potId, now);
      this.#perUser.fail(user.id, now);
      this.#log.warn({ potId, userId: user.id }, 'wrong claim code');
      throw new AccountError('claim_code_wrong', 'code faux pour ce pot / wrong code for this pot');
    }
    if (pot.ownerId !== null && pot.ownerId !== user.id) {
      throw new AccountError('claim_taken', "ce pot appartient à un autre compte : demandez-lui de le libérer / this pot belongs to another account: ask its owner to release it");
    }

    pot.ownerId = user.id;
    pot.claimedAt = now;
    await this.#db.write();
    this.#log.info({ potId, userId: user.id }, 'pot claimed');
    return pot;
  }
}

function ownedPot(db: AccountsDb, user: User, potId: string): PotRecord {
  const pot = findPot(db, potId);
  // Not owning a pot and the pot not existing look the same, so ids cannot be probed.
  if (pot === undefined || pot.ownerId !== user.id) throw new AccountError('not_found', `pot ${potId} introuvable / pot not found`);
  return pot;
}

/** Gives up a pot: it becomes unclaimed, with no shares, visible to the hub owner only. */
export async function releasePot(db: AccountsDb, user: User, potId: string): Promise<void> {
  const pot = ownedPot(db, user, potId);
  pot.ownerId = null;
  pot.claimedAt = null;
  pot.shares = [];
  await db.write();
}

/** Shares a pot the user owns with another user or a group, or changes the level of a share. */
export async function sharePot(db: AccountsDb, user: User, potId: string, kind: 'user' | 'group', targetId: string, level: ShareLevel): Promise<void> {
  const pot = ownedPot(db, user, potId);
  const exists = kind === 'user' ? db.data.users.some((entry) => entry.id === targetId) : db.data.groups.some((entry) => entry.id === targetId);
  if (!exists || (kind === 'user' && targetId === user.id)) {
    throw new AccountError('invalid_share', `destinataire ${JSON.stringify(targetId)} introuvable / share target not found`);
  }
  pot.shares = pot.shares.filter((share) => !(share.kind === kind && share.targetId === targetId));
  pot.shares.push({ kind, targetId, level });
  await db.write();
}

export async function unsharePot(db: AccountsDb, user: User, potId: string, kind: 'user' | 'group', targetId: string): Promise<void> {
  const pot = ownedPot(db, user, potId);
  pot.shares = pot.shares.filter((share) => !(share.kind === kind && share.targetId === targetId));
  await db.write();
}

/** Creates a group (a class) with its teacher. */
export async function createGroup(db: AccountsDb, name: string, teacherId: string, memberIds: string[]): Promise<Group> {
  const known = new Set(db.data.users.map((entry) => entry.id));
  const unknown = [teacherId, ...memberIds].filter((id) => !known.has(id));
  if (unknown.length > 0) throw new AccountError('invalid_share', `utilisateurs inconnus : ${unknown.join(', ')} / unknown users`);
  const group: Group = { id: randomId(), name: String(name).slice(0, 60), teacherId, memberIds: [...new Set(memberIds)] };
  db.data.groups.push(group);
  await db.write();
  return group;
}

/** Lists the pot ids a user can see, with their access, for a "my pots" or a class page. */
export function visiblePots(db: AccountsDb, user: User, knownPotIds: readonly string[]): Array<{ potId: string; access: Access }> {
  const ids = new Set([...knownPotIds, ...db.data.pots.map((pot) => pot.potId)]);
  return [...ids]
    .map((potId) => ({ potId, access: potAccess(db, user, potId) }))
    .filter((entry) => entry.access !== 'none');
}
