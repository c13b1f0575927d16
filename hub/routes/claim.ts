// Pots and their owners: POST /api/claim (MAC and claim code), POST /api/pots/:id/release, and
// the pot's MQTT account: POST /api/pots/:id/credentials issues it (shown once, for
// device:config), DELETE revokes it. Credentials come before the pot ever connects, so the hub
// owner may issue them for a pot nobody claimed; once claimed, only the pot's owner may.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parsePotId } from '../../domain/pot-id.js';
import { AccountError } from '../accounts/errors.js';
import { findPot, releasePot } from '../accounts/pots.js';
import { errorBody, idParams, invalidMac, potIdOrReply } from './pot-params.js';

const claimBody = {
  type: 'object',
  additionalProperties: false,
  required: ['mac', 'code'],
  properties: { mac: { type: 'string', maxLength: 64 }, code: { type: 'string', maxLength: 40 } },
} as const;

export default async function claimRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;

  /**
   * True when the requesting user may set up the pot's broker account. The guard already refused
   * those who cannot see the pot; of the others, only its owner (the hub owner while unclaimed).
   */
  function mayConfigure(request: FastifyRequest, potId: string): boolean {
    const user = request.auth.user;
    if (!accounts.enabled) return true;
    if (user === null) return false;
    const ownerId = findPot(accounts.db, potId)?.ownerId ?? null;
    return ownerId === null ? user.role === 'owner' : ownerId === user.id;
  }

  const NOT_OWNER = { error: 'réservé au propriétaire du pot / only the pot owner may do this' };
  const BROKER_OFF = { error: 'comptes MQTT des pots non configurés : réglez POCO_BROKER_PASSWORD_FILE et POCO_BROKER_ACL_FILE / pot MQTT accounts are off: set POCO_BROKER_PASSWORD_FILE and POCO_BROKER_ACL_FILE (docs/security.md)' };

  app.post<{ Body: { mac: string; code: string } }>('/api/claim', { schema: { body: claimBody } }, async (request, reply) => {
    const user = request.auth.user;
    if (user === null) throw new AccountError('not_found', 'aucun compte : la vérification des accès est coupée / no account: access checks are off');
    const parsed = parsePotId(request.body.mac);
    if (!parsed.ok || parsed.id === undefined) return reply.code(400).send(invalidMac(request.body.mac, parsed));
    try {
      const pot = await accounts.claims.claim(user, parsed.id, request.body.code, Date.now());
      return reply.code(201).send({ potId: pot.potId, claimedAt: pot.claimedAt });
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      // Sent here rather than by the app's error handler, which sends the message only.
      const retryAfterS = err.retryAfterMs === null ? undefined : Math.ceil(err.retryAfterMs / 1000);
      if (retryAfterS !== undefined) void reply.header('retry-after', String(retryAfterS));
      return reply.code(err.statusCode).send({ error: err.message, code: err.code, retryAfterS });
    }
  });

  app.post<{ Params: { id: string } }>('/api/pots/:id/release', { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } }, config: { auth: { pot: 'owner' } } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    await releasePot(accounts.db, request.auth.user!, id);
    request.log.info({ potId: id, userId: request.auth.user!.id }, 'pot released');
    return { potId: id, released: true };
  });

  app.post<{ Params: { id: string } }>('/api/pots/:id/credentials', { schema: { params: idParams, response: { 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    if (!mayConfigure(request, id)) return reply.code(403).send(NOT_OWNER);
    if (accounts.broker === null) return reply.code(409).send(BROKER_OFF);
    const credentials = await accounts.broker.issuePot(id);
    return reply.code(201).header('cache-control', 'no-store').send({ potId: id, ...credentials });
  });

  app.delete<{ Params: { id: string } }>('/api/pots/:id/credentials', { schema: { params: idParams, response: { 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    if (!mayConfigure(request, id)) return reply.code(403).send(NOT_OWNER);
    if (accounts.broker === null) return reply.code(409).send(BROKER_OFF);
    return { potId: id, revoked: await accounts.broker.revokePot(id) };
  });
}
