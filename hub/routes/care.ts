// A pot's care: GET /api/care (every pot), GET /api/pots/:id/care, PUT /api/pots/:id (name,
// species, thresholds, channels, quiet hours, ADC limits), and its photo.
import type { FastifyInstance } from 'fastify';
import { thresholdsFor } from '../../domain/plant-state.js';
import { findSpecies } from '../../domain/species.js';
import { parseClock } from '../care/clock.js';
import { careForecast, careSummary } from '../care/summary.js';
import type { PotCare } from '../care/types.js';
import { errorBody, idParams, potIdOrReply, potNotFound } from './pot-params.js';

const range = { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'number' }, max: { type: 'number' } } } as const;

const careBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: ['string', 'null'], maxLength: 60 },
    speciesId: { type: ['string', 'null'], maxLength: 40 },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      properties: {
        moisture: range,
        light: range,
        moistureHysteresis: { type: 'number' },
        minDurationMs: { type: 'integer' },
        wetMinDurationMs: { type: 'integer' },
        lightHysteresis: { type: 'number' },
        minDays: { type: 'integer' },
      },
    },
    channels: { type: 'array', uniqueItems: true, items: { enum: ['email', 'webhook', 'ntfy'] } },
    quietHours: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['start', 'end'],
      properties: { start: { type: 'string' }, end: { type: 'string' } },
    },
    sensor: {
      type: 'object',
      additionalProperties: false,
      properties: { moistureAdcMax: { type: 'integer', minimum: 1, maximum: 1048575 }, lightAdcMax: { type: 'integer', minimum: 1, maximum: 1048575 } },
    },
  },
} as const;

type CareBody = Partial<Pick<PotCare, 'name' | 'speciesId' | 'thresholds' | 'channels' | 'quietHours'>> & { sensor?: Partial<PotCare['sensor']> };

/** Applies a PUT body to a pot's care; returns the new care, or the problems found. */
function applyBody(current: PotCare, body: CareBody, species: ReturnType<FastifyInstance['care']['species']>): { care: PotCare } | { errors: string[] } {
  const care: PotCare = { ...current, sensor: { ...current.sensor, ...body.sensor } };
  const errors: string[] = [];
  if (body.name !== undefined) care.name = body.name === null || body.name.trim() === '' ? null : body.name.trim();
  if (body.speciesId !== undefined) {
    if (body.speciesId !== null && findSpecies(species, body.speciesId) === null) errors.push(`speciesId ${JSON.stringify(body.speciesId)} is not a known species: see GET /api/species`);
    care.speciesId = body.speciesId;
  }
  if (body.thresholds !== undefined) care.thresholds = body.thresholds;
  if (body.channels !== undefined) care.channels = body.channels;
  if (body.quietHours !== undefined) {
    const quiet = body.quietHours;
    if (quiet !== null && (parseClock(quiet.start) === null || parseClock(quiet.end) === null)) {
      errors.push(`quietHours ${JSON.stringify(quiet)} must give start and end as 24-hour times such as "22:00"`);
    }
    care.quietHours = quiet;
  }

  const chosen = care.speciesId === null ? null : findSpecies(species, care.speciesId);
  if (chosen !== null) {
    const checked = thresholdsFor(chosen, care.thresholds);
    if (!checked.ok) errors.push(...checked.errors.map((e) => 'thresholds.' + e));
  }
  return errors.length > 0 ? { errors } : { care };
}

export default async function careRoutes(app: FastifyInstance): Promise<void> {
  const deps = () => ({ store: app.store, care: app.care.store, engine: app.care.engine, species: app.care.species() });

  app.get('/api/care', async () => {
    const now = Date.now();
    return { pots: app.store.pots(now).map((pot) => careSummary(pot.id, deps(), now)) };
  });

  app.get<{ Params: { id: string } }>('/api/pots/:id/care', { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    const now = Date.now();
    if (!app.store.pot(id, now)) return reply.code(404).send(potNotFound(request.params.id));
    await app.care.engine.idle();
    return { ...careSummary(id, deps(), now), forecast: await careForecast(id, deps(), now) };
  });

  app.put<{ Params: { id: string }; Body: CareBody }>(
    '/api/pots/:id',
    { schema: { params: idParams, body: careBody, response: { 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      if (!app.store.pot(id, Date.now())) return reply.code(404).send(potNotFound(request.params.id));

      const result = applyBody(app.care.store.potCare(id), request.body, app.care.species());
      if ('errors' in result) return reply.code(400).send({ error: result.errors.join('; ') });
      app.care.store.setPotCare(id, result.care);
      // The care name is the pot's displayed name, so open dashboards get the renamed pot.
      app.live.send('pot', { pot: app.store.pot(id, Date.now())! });
      request.log.info({ potId: id, speciesId: result.care.speciesId, channels: result.care.channels }, 'pot care updated');
      return careSummary(id, deps(), Date.now());
    },
  );
}
