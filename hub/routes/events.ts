// GET /api/events: the Server-Sent Events stream of new readings and pot changes.
import type { FastifyInstance } from 'fastify';

export default async function eventRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/events', { schema: { querystring: { type: 'object', additionalProperties: false } } }, (request, reply) => {
    reply.hijack();
    app.live.attach(reply.raw);
    request.log.debug({ clients: app.live.clientCount }, 'live client connected');
  });
}
