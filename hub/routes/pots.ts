// Pots and their reading history: GET /api/pots, /api/pots/:id, /api/pots/:id/readings.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { parsePotId, type PotId } from '../../domain/pot-id.js';

const DAY_MS = 24 * 3600 * 1000;
/** Maximum span of one request: the dashboard charts 24 hours to 7 days. */
export const MAX_SPAN_MS = 7 * DAY_MS;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;

const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'integer', minimum: 0 },
    to: { type: 'integer', minimum: 0 },
  },
} as const;

const errorBody = { type: 'object', properties: { error: { type: 'string' } } } as const;

/** Parses `:id`, or sends 400 naming the value and returns null. */
function potIdOrReply(text: string, reply: FastifyReply): PotId | null {
  const parsed = parsePotId(text);
  if (parsed.ok && parsed.id) return parsed.id;
  void reply.code(400).send({ error: parsed.error });
  return null;
}

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
      if (!pot) return reply.code(404).send({ error: `pot ${request.params.id} not found: it has not sent a valid reading yet` });
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
        return reply.code(404).send({ error: `pot ${request.params.id} not found: it has not sent a valid reading yet` });
      }

      const to = request.query.to ?? Date.now();
      const from = request.query.from ?? to - DAY_MS;
      if (from >= to) return reply.code(400).send({ error: `from=${from} must be before to=${to}` });
      if (to - from > MAX_SPAN_MS) {
        return reply.code(400).send({ error: `span from=${from} to=${to} exceeds 7 days (${MAX_SPAN_MS} ms): ask for a shorter range` });
      }
      return { potId: id, from, to, readings: await app.store.readings(id, from, to) };
    },
  );
}
