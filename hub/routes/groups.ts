// People and classes. The hub owner creates members (POST /api/users) or invitation links
// (POST /api/invitations); a teacher creates a group (POST /api/groups), adds members by name, and
// sees on one page the pots shared with it (GET /api/groups/:groupId/pots).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Group } from '../../domain/auth/access.js';
import { AccountError } from '../accounts/errors.js';
import { createGroup, potAccess } from '../accounts/pots.js';
import type { User } from '../accounts/types.js';
import { createMember, findUser, findUserByName, invite } from '../accounts/users.js';

const HUB_OWNER = { auth: { hubOwner: true } };

const memberBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'password'],
  properties: { name: { type: 'string', maxLength: 100 }, password: { type: 'string', maxLength: 4096 }, email: { type: ['string', 'null'], maxLength: 320 } },
} as const;

const groupBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 60 }, members: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: 100 } } },
} as const;

const inviteBody = { type: 'object', additionalProperties: false, properties: { groupId: { type: ['string', 'null'], maxLength: 40 } } } as const;
const nameBody = { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string', maxLength: 100 } } } as const;
const groupParams = { type: 'object', required: ['groupId'], properties: { groupId: { type: 'string', maxLength: 40 } } } as const;

function signedIn(request: FastifyRequest): User {
  const user = request.auth.user;
  if (user === null) throw new AccountError('not_found', 'aucun compte : la vérification des accès est coupée / no account: access checks are off');
  return user;
}

export default async function groupRoutes(app: FastifyInstance): Promise<void> {
  const db = app.accounts.db;
  const names = (ids: readonly string[]): string[] => ids.map((id) => findUser(db, id)?.name ?? '?');
  const describe = (group: Group) => ({ id: group.id, name: group.name, teacher: findUser(db, group.teacherId)?.name ?? '?', members: names(group.memberIds) });

  /** Finds a group the user teaches or belongs to. Any other id is "not found", so ids cannot be probed. */
  function groupOf(user: User, groupId: string, teacherOnly: boolean): Group {
    const group = db.data.groups.find((entry) => entry.id === groupId);
    const allowed = group !== undefined && (group.teacherId === user.id || (!teacherOnly && group.memberIds.includes(user.id)));
    if (!allowed) throw new AccountError('not_found', `groupe ${JSON.stringify(groupId)} introuvable / group not found`);
    return group;
  }

  function userIds(namesGiven: readonly string[]): string[] {
    return namesGiven.map((name) => {
      const user = findUserByName(db, name);
      if (user === undefined) throw new AccountError('invalid_share', `utilisateur « ${name} » introuvable / user "${name}" not found`);
      return user.id;
    });
  }

  app.post<{ Body: { name: string; password: string; email?: string | null } }>('/api/users', { schema: { body: memberBody }, config: HUB_OWNER }, async (request, reply) => {
    const user = await createMember(db, request.body, Date.now());
    request.log.info({ userId: user.id, by: request.auth.user?.id }, 'member account created');
    return reply.code(201).send({ id: user.id, name: user.name, role: user.role });
  });

  app.post<{ Body: { groupId?: string | null } }>('/api/invitations', { schema: { body: inviteBody } }, async (request, reply) => {
    const user = signedIn(request);
    const groupId = request.body?.groupId ?? null;
    // The hub owner invites anyone; a teacher invites into their own group.
    if (groupId !== null) groupOf(user, groupId, true);
    else if (user.role !== 'owner') return reply.code(403).send({ error: 'réservé au propriétaire du hub / only the hub owner may do this' });
    const token = await invite(db, user.id, groupId, Date.now());
    request.log.info({ by: user.id, groupId }, 'invitation created');
    return reply.code(201).header('cache-control', 'no-store').send({ path: `invite?token=${token}` });
  });

  app.get('/api/groups', async (request) => {
    const user = signedIn(request);
    const mine = db.data.groups.filter((group) => group.teacherId === user.id || group.memberIds.includes(user.id));
    return { groups: mine.map((group) => ({ ...describe(group), teacher: group.teacherId === user.id })) };
  });

  app.post<{ Body: { name: string; members?: string[] } }>('/api/groups', { schema: { body: groupBody } }, async (request, reply) => {
    const user = signedIn(request);
    const group = await createGroup(db, request.body.name, user.id, userIds(request.body.members ?? []));
    request.log.info({ groupId: group.id, teacherId: user.id }, 'group created');
    return reply.code(201).send(describe(group));
  });

  app.post<{ Params: { groupId: string }; Body: { name: string } }>('/api/groups/:groupId/members', { schema: { params: groupParams, body: nameBody } }, async (request) => {
    const group = groupOf(signedIn(request), request.params.groupId, true);
    for (const id of userIds([request.body.name])) if (!group.memberIds.includes(id)) group.memberIds.push(id);
    await db.write();
    return describe(group);
  });

  app.get<{ Params: { groupId: string } }>('/api/groups/:groupId/pots', { schema: { params: groupParams } }, async (request) => {
    const user = signedIn(request);
    const group = groupOf(user, request.params.groupId, false);
    const now = Date.now();
    const shared = db.data.pots.filter((pot) => pot.shares.some((share) => share.kind === 'group' && share.targetId === group.id));
    const pots = shared.flatMap((record) => {
      const pot = app.store.pot(record.potId, now);
      const access = potAccess(db, user, record.potId);
      if (!pot || access === 'none') return [];
      return [{ ...pot, name: app.care.potName(record.potId), access, owner: findUser(db, record.ownerId ?? '')?.name ?? null }];
    });
    return { group: describe(group), pots };
  });
}
