// GET /api/events: the Server-Sent Events stream of new readings and pot changes.
import type { FastifyInstance } from 'fastify';

export default async function eventRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/events', { schema: { querystring: { type: 'object', additionalProperties: false } } }, (request, reply) => {
    // HEAD gets the headers only, because a stream held open would never complete it.
    if (request.method === 'HEAD') return void reply.type('text/event-stream; charset=utf-8').send();
    reply.hijack();
    const user = request.auth.user;
    // With accounts on, the guard let only a signed-in user this far; each event is checked against them.
    app.live.attach(reply.raw, app.accounts.enabled ? (potId) => app.accounts.access(user, potId) !== 'none' : undefined);
    request.log.debug({ clients: app.live.clientCount }, 'live client connected');
  });
}
