// Sharing a pot: GET /api/pots/:id/shares, PUT /api/pots/:id/shares (a user by name or a group by
// id, 'read' or 'control'), DELETE /api/pots/:id/shares/:kind/:target. Only the pot's owner.
import type { FastifyInstance } from 'fastify';
import type { ShareLevel } from '../../domain/auth/access.js';
import { AccountError } from '../accounts/errors.js';
import { findPot, sharePot, unsharePot } from '../accounts/pots.js';
import { findUser, findUserByName } from '../accounts/users.js';
import { errorBody, idParams, potIdOrReply } from './pot-params.js';

const OWNER_ONLY = { auth: { pot: 'owner' as const } };

const shareBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'target', 'level'],
  properties: { kind: { enum: ['user', 'group'] }, target: { type: 'string', minLength: 1, maxLength: 60 }, level: { enum: ['read', 'control'] } },
} as const;

const unshareParams = {
  type: 'object',
  required: ['id', 'kind', 'target'],
  properties: { id: { type: 'string', maxLength: 64 }, kind: { enum: ['user', 'group'] }, target: { type: 'string', maxLength: 60 } },
} as const;

interface ShareBody {
  kind: 'user' | 'group';
  /** A user name for 'user', a group id for 'group'. */
  target: string;
  level: ShareLevel;
}

export default async function shareRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const db = accounts.db;

  function describe(potId: string): unknown[] {
    return (findPot(db, potId)?.shares ?? []).map((share) => ({
      ...share,
      name: share.kind === 'user' ? findUser(db, share.targetId)?.name ?? null : db.data.groups.find((group) => group.id === share.targetId)?.name ?? null,
    }));
  }

  app.get<{ Params: { id: string } }>('/api/pots/:id/shares', { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } }, config: OWNER_ONLY }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    return { potId: id, shares: describe(id) };
  });

  app.put<{ Params: { id: string }; Body: ShareBody }>('/api/pots/:id/shares', { schema: { params: idParams, body: shareBody }, config: OWNER_ONLY }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    const { kind, target, level } = request.body;
    const targetId = kind === 'user' ? findUserByName(db, target)?.id : target;
    if (targetId === undefined) throw new AccountError('invalid_share', `utilisateur « ${target} » introuvable / user "${target}" not found`);
    await sharePot(db, request.auth.user!, id, kind, targetId, level);
    request.log.info({ potId: id, kind, targetId, level }, 'pot shared');
    return { potId: id, shares: describe(id) };
  });

  app.delete<{ Params: { id: string; kind: 'user' | 'group'; target: string } }>(
    '/api/pots/:id/shares/:kind/:target',
    { schema: { params: unshareParams }, config: OWNER_ONLY },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      await unsharePot(db, request.auth.user!, id, request.params.kind, request.params.target);
      request.log.info({ potId: id, kind: request.params.kind, targetId: request.params.target }, 'pot share removed');
      return { potId: id, shares: describe(id) };
    },
  );
}
