// Pots and their reading history: GET /api/pots, /api/pots/:id, /api/pots/:id/readings.
import type { FastifyInstance } from 'fastify';
import { DAY_MS, errorBody, idParams, potIdOrReply, potNotFound, rangeQuery } from './pot-params.js';

/** Maximum span of one raw request; longer ranges go through /series, which reads rollups. */
export const MAX_SPAN_MS = 7 * DAY_MS;

export default async function potRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/pots', { schema: { response: { 200: { type: 'object', properties: { pots: { type: 'array' } } } } } }, async () => {
    return { pots: app.store.pots(Date.now()) };
  });

  app.get<{ Params: { id: string } }>(
    '/api/pots/:id',
    { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      const pot = app.store.pot(id, Date.now());
      if (!pot) return reply.code(404).send(potNotFound(request.params.id));
      return pot;
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from?: number; to?: number } }>(
    '/api/pots/:id/readings',
    { schema: { params: idParams, querystring: rangeQuery, response: { 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      if (!app.store.pot(id, Date.now())) {
        return reply.code(404).send(potNotFound(request.params.id));
      }

      const to = request.query.to ?? Date.now();
      const from = request.query.from ?? to - DAY_MS;
      if (from >= to) return reply.code(400).send({ error: `from=${from} must be before to=${to}` });
      if (to - from > MAX_SPAN_MS) {
        return reply.code(400).send({ error: `span from=${from} to=${to} exceeds 7 days (${MAX_SPAN_MS} ms): ask for a shorter range, or use /series for charts of any length` });
      }
      return { potId: id, from, to, readings: await app.store.readings(id, from, to) };
    },
  );
}
