// Streamed history export: GET /api/pots/:id/export.csv and export.json. Rows are read one day
// file at a time and written as the client takes them, so a year is never held in memory.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Calibration } from '../../domain/calibration.js';
import { formatHistoryCsvRow, historyCsvHeader } from '../../domain/history-csv.js';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';
import type { Store } from '../store/store.js';
import { DAY_MS, errorBody, idParams, potIdOrReply, potNotFound, rangeQuery } from './pot-params.js';

/** Text gathered before a write, so a year is not sent as half a million tiny chunks. */
const CHUNK_CHARS = 64 * 1024;

interface ExportRange {
  store: Store;
  potId: PotId;
  from: number;
  to: number;
  days: string[];
}

/** Yields the readings of the range in time order, one day file after another. */
async function* readingsOf(range: ExportRange): AsyncGenerator<StoredReading[]> {
  for (const day of range.days) {
    const readings = await range.store.readDay(range.potId, day);
    yield readings.filter((r) => r.at >= range.from && r.at < range.to);
  }
}

async function* csvText(range: ExportRange, calibration: Calibration | null): AsyncGenerator<string> {
  let chunk = historyCsvHeader();
  for await (const readings of readingsOf(range)) {
    for (const reading of readings) {
      chunk += formatHistoryCsvRow(reading, calibration);
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  }
  yield chunk;
}

async function* jsonText(range: ExportRange, calibration: Calibration | null): AsyncGenerator<string> {
  const head = { potId: range.potId, from: range.from, to: range.to, calibration };
  let chunk = JSON.stringify(head).slice(0, -1) + ',"readings":[';
  let first = true;
  for await (const readings of readingsOf(range)) {
    for (const reading of readings) {
      chunk += (first ? '\n' : ',\n') + JSON.stringify(reading);
      first = false;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
  }
  yield chunk + '\n]}\n';
}

type Format = 'csv' | 'json';

const CONTENT_TYPES: Record<Format, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

export default async function exportRoutes(app: FastifyInstance): Promise<void> {
  for (const format of ['csv', 'json'] as const) {
    app.get<{ Params: { id: string }; Querystring: { from?: number; to?: number } }>(
      `/api/pots/:id/export.${format}`,
      { schema: { params: idParams, querystring: rangeQuery, response: { 400: errorBody, 404: errorBody } } },
      async (request, reply) => {
        const potId = potIdOrReply(request.params.id, reply);
        if (potId === null) return reply;
        const now = Date.now();
        if (!app.store.pot(potId, now)) return reply.code(404).send(potNotFound(request.params.id));

        // By default the whole raw history, including readings whose device clock runs a little ahead.
        const from = request.query.from ?? 0;
        const to = request.query.to ?? now + DAY_MS;
        if (from >= to) return reply.code(400).send({ error: `from=${from} must be before to=${to}` });

        const range: ExportRange = { store: app.store, potId, from, to, days: await app.store.exportDays(potId, from, to) };
        const calibration = app.store.calibration(potId);
        const text = format === 'csv' ? csvText(range, calibration) : jsonText(range, calibration);
        request.log.info({ potId, from, to, days: range.days.length, format }, 'history export started');
        return reply
          .header('content-type', CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="poco-${potId}.${format}"`)
          .send(Readable.from(text));
      },
    );
  }
}
