// Charts of any length: GET /api/pots/:id/series returns uPlot columns from raw readings or
// rollups (domain/chart-series.ts). POST /api/pots/:id/rollups/rebuild recomputes the rollups.
import type { FastifyInstance } from 'fastify';
import { DEFAULT_MAX_POINTS } from '../../domain/chart-series.js';
import { DAY_MS, errorBody, idParams, potIdOrReply, potNotFound } from './pot-params.js';

/** Maximum span of a chart: ten years of daily points fit the default budget twice over. */
export const MAX_SERIES_SPAN_MS = 3660 * DAY_MS;

const seriesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'integer', minimum: 0 },
    to: { type: 'integer', minimum: 0 },
    points: { type: 'integer', minimum: 2, maximum: DEFAULT_MAX_POINTS },
  },
} as const;

export default async function seriesRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: { from?: number; to?: number; points?: number } }>(
    '/api/pots/:id/series',
    { schema: { params: idParams, querystring: seriesQuery, response: { 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      const now = Date.now();
      if (!app.store.pot(id, now)) return reply.code(404).send(potNotFound(request.params.id));

      const to = request.query.to ?? now;
      const from = request.query.from ?? to - DAY_MS;
      if (from >= to) return reply.code(400).send({ error: `from=${from} must be before to=${to}` });
      if (to - from > MAX_SERIES_SPAN_MS) {
        return reply.code(400).send({ error: `span from=${from} to=${to} exceeds 3660 days (${MAX_SERIES_SPAN_MS} ms): ask for a shorter range` });
      }

      try {
        const series = await app.store.series(id, { from, to, maxPoints: request.query.points ?? DEFAULT_MAX_POINTS, now });
        return { potId: id, ...series };
      } catch (err) {
        if (err instanceof RangeError) return reply.code(400).send({ error: err.message });
        throw err;
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/pots/:id/rollups/rebuild',
    { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      if (!app.store.pot(id, Date.now())) return reply.code(404).send(potNotFound(request.params.id));

      const days = await app.store.rebuildRollups(id);
      request.log.info({ potId: id, days }, 'rollups rebuilt from the raw day files');
      return { potId: id, days };
    },
  );
}
