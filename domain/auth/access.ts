// Access decisions for pots. The functions are pure: the caller passes the user, the pot's
// ownership record and the groups, so routes, the live channel and exports share one decision.

export type Role = 'owner' | 'member';
export type ShareLevel = 'read' | 'control';
export type Access = 'none' | 'read' | 'control' | 'owner';

export interface AccessUser {
  id: string;
  role: Role;
}

export interface Share {
  kind: 'user' | 'group';
  /** A user id or a group id, by `kind`. */
  targetId: string;
  level: ShareLevel;
}

export interface PotOwnership {
  potId: string;
  /** The account that claimed the pot; null while unclaimed. */
  ownerId: string | null;
  shares: Share[];
}

export interface Group {
  id: string;
  name: string;
  teacherId: string;
  memberIds: string[];
}

const RANK: Record<Access, number> = { none: 0, read: 1, control: 2, owner: 3 };

/** Returns the higher of two access levels. */
export function maxAccess(a: Access, b: Access): Access {
  return RANK[a] >= RANK[b] ? a : b;
}

/** True when `granted` allows at least `needed`. */
export function allows(granted: Access, needed: Exclude<Access, 'none'>): boolean {
  return RANK[granted] >= RANK[needed];
}

function inGroup(user: AccessUser, group: Group): boolean {
  return group.teacherId === user.id || group.memberIds.includes(user.id);
}

function shareAccess(user: AccessUser, pot: PotOwnership, groups: readonly Group[]): Access {
  let access: Access = 'none';
  for (const share of pot.shares) {
    const matches = share.kind === 'user'
      ? share.targetId === user.id
      : groups.some((group) => group.id === share.targetId && inGroup(user, group));
    if (matches) access = maxAccess(access, share.level);
  }
  return access;
}

/**
 * Decides a user's access to a pot. An unclaimed pot (no record, or no owner) gives 'control' to
 * the hub owner, so they can set it up, and 'none' to everyone else. A claimed pot gives 'owner'
 * to its owner. Others get the best of their shares, made to them directly or to a group in
 * which they are member or teacher. The hub owner has no special right on a claimed pot, so
 * routes return 404 to them as to any stranger.
 */
export function accessTo(user: AccessUser | null, pot: PotOwnership | undefined, groups: readonly Group[]): Access {
  if (user === null) return 'none';
  if (pot === undefined || pot.ownerId === null) return user.role === 'owner' ? 'control' : 'none';
  if (pot.ownerId === user.id) return 'owner';
  return shareAccess(user, pot, groups);
}
