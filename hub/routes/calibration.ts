// Calibration wizard's API: GET /api/pots/:id/calibration (points in force, their versions and
// the live raw value), POST /api/pots/:id/calibration (save, then publish the retained config),
// POST /api/pots/:id/recompute (derived moisture of the stored history from the raw values).
import type { FastifyInstance } from 'fastify';
import { checkCalibration, moisturePercent, type Calibration } from '../../domain/calibration.js';
import { DEFAULT_INTERVAL_S, MAX_INTERVAL_S, MIN_INTERVAL_S, type PotConfig } from '../../domain/pot-config.js';
import type { StoredReading } from '../../domain/reading.js';
import { topicFor } from '../../domain/topics.js';
import type { CalibrationRecord } from '../care/types.js';
import { errorBody, idParams, potIdOrReply, potNotFound } from './pot-params.js';

/** Live readings whose median is offered as the current raw value. */
export const LIVE_READINGS = 5;
/** A span under this share of the ADC's full scale is too narrow to tell moisture levels apart. */
export const NARROW_SPAN = 0.1;
/** Wait for the broker's acknowledgement of the retained config, ms. */
const PUBLISH_WAIT_MS = 5000;

const calibrationBody = {
  type: 'object',
  additionalProperties: false,
  required: ['dry', 'wet'],
  properties: { dry: { type: 'number' }, wet: { type: 'number' } },
} as const;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Hint codes for the wizard: `inverted` when dry reads lower than wet, `narrow` when the span is small. */
export function calibrationHints(calibration: Calibration, adcMax: number): string[] {
  const hints: string[] = [];
  if (calibration.dry < calibration.wet) hints.push('inverted');
  if (Math.abs(calibration.dry - calibration.wet) < adcMax * NARROW_SPAN) hints.push('narrow');
  return hints;
}

/** Recomputes moisture from raw with the given points; readings without raw keep what they have. */
function recomputeWith(calibration: Calibration): (reading: StoredReading) => StoredReading {
  return (reading) => {
    const result = moisturePercent(reading.moisture_raw, calibration);
    if (result.percent === null) return reading;
    const next: StoredReading = { ...reading, moisture: result.percent };
    if (result.clamped) next.moisture_clamped = true;
    else delete next.moisture_clamped;
    return next;
  };
}

export default async function calibrationRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string } }>('/api/pots/:id/calibration', { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    if (!app.store.pot(id, Date.now())) return reply.code(404).send(potNotFound(request.params.id));

    await app.care.engine.idle();
    const care = app.care.store.potCare(id);
    const recent = app.care.engine.window(id).filter((r) => typeof r.moisture_raw === 'number').slice(-LIVE_READINGS);
    const raws = recent.map((r) => r.moisture_raw as number);
    return {
      current: care.calibrations.at(-1) ?? null,
      versions: care.calibrations,
      adcMax: care.sensor.moistureAdcMax,
      live: raws.length === 0 ? null : { median: median(raws), readings: raws.length, at: recent.at(-1)!.at },
    };
  });

  app.post<{ Params: { id: string }; Body: Calibration }>(
    '/api/pots/:id/calibration',
    { schema: { params: idParams, body: calibrationBody, response: { 400: errorBody, 404: errorBody } } },
    async (request, reply) => {
      const id = potIdOrReply(request.params.id, reply);
      if (id === null) return reply;
      const pot = app.store.pot(id, Date.now());
      if (!pot) return reply.code(404).send(potNotFound(request.params.id));
      const problem = checkCalibration(request.body);
      if (problem !== null) return reply.code(400).send({ error: `calibration ${JSON.stringify(request.body)} is invalid: ${problem}` });

      const care = app.care.store.potCare(id);
      const now = Date.now();
      const record: CalibrationRecord = { dry: request.body.dry, wet: request.body.wet, version: (care.calibrations.at(-1)?.version ?? 0) + 1, at: now };
      // The interval the pot already uses is kept: the last one the hub sent, else the one it shows.
      const intervalS = Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, care.intervalS ?? (pot.intervalS || DEFAULT_INTERVAL_S)));
      app.care.store.setPotCare(id, { ...care, calibrations: [...care.calibrations, record], intervalS });
      await app.care.timelines.add(id, { at: now, kind: 'calibration', data: { dry: record.dry, wet: record.wet, version: record.version } });

      const config: PotConfig = { v: 1, interval_s: intervalS, calibration: { dry: record.dry, wet: record.wet } };
      const topic = topicFor(app.config.mqttPrefix, id, 'config');
      let published = true;
      let publishError: string | null = null;
      try {
        const wait = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no acknowledgement within ${PUBLISH_WAIT_MS} ms`)), PUBLISH_WAIT_MS).unref());
        await Promise.race([app.mqtt.publish(topic, JSON.stringify(config), { retain: true }), wait]);
      } catch (err) {
        published = false;
        publishError = (err as Error).message;
        request.log.warn({ potId: id, topic, err }, 'calibration saved but the retained config was not published; the broker keeps it queued while the hub reconnects');
      }
      request.log.info({ potId: id, version: record.version, published }, 'calibration saved');
      return reply.code(201).send({ calibration: record, config, topic, published, publishError, hints: calibrationHints(record, care.sensor.moistureAdcMax) });
    },
  );

  app.post<{ Params: { id: string } }>('/api/pots/:id/recompute', { schema: { params: idParams, response: { 400: errorBody, 404: errorBody } } }, async (request, reply) => {
    const id = potIdOrReply(request.params.id, reply);
    if (id === null) return reply;
    if (!app.store.pot(id, Date.now())) return reply.code(404).send(potNotFound(request.params.id));
    const calibration = app.care.engine.calibration(id);
    if (calibration === null) return reply.code(400).send({ error: `pot ${id} has no calibration: save one with POST /api/pots/${id}/calibration first` });

    await app.care.engine.idle();
    const summary = await app.store.recomputeReadings(id, recomputeWith(calibration));
    const rollupDays = await app.store.rebuildRollups(id);
    app.care.engine.forget(id);
    request.log.info({ potId: id, ...summary, rollupDays }, 'stored moisture recomputed from raw values');
    return { ...summary, rollupDays, calibration };
  });
}
