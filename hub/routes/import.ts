// POST /api/pots/:id/import: a history CSV (docs/history.md) read as it arrives. Valid rows go
// through the same deduplication, raw files and rollups as readings from MQTT; each bad row is
// reported with its line and column. 400 when no row was valid.
import type { FastifyInstance } from 'fastify';
import type { Calibration } from '../../domain/calibration.js';
import { HistoryCsvReader, type HistoryCsvError, type HistoryCsvItem } from '../../domain/history-csv.js';
import type { PotId } from '../../domain/pot-id.js';
import { ImportSession, type ImportResult } from '../store/store.js';
import { errorBody, idParams, potIdOrReply } from './pot-params.js';

/** Largest accepted upload. A year of readings once a minute is about 70 MB of CSV (estimate: 130 bytes a row). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** Errors listed in the reply; the rest are only counted. */
const MAX_LISTED_ERRORS = 100;

export interface ImportReport {
  potId: PotId;
  stored: number;
  duplicates: number;
  /** Rows of days whose raw file retention already deleted; their rollups count them. */
  expired: number;
  /** Rows with at least one error. */
  rejected: number;
  errors: HistoryCsvError[];
}

class ImportRun {
  readonly report: ImportReport;
  readonly #session = new ImportSession();
  readonly #app: FastifyInstance;
  calibration: Calibration | null | undefined = undefined;

  constructor(app: FastifyInstance, potId: PotId) {
    this.#app = app;
    this.report = { potId, stored: 0, duplicates: 0, expired: 0, rejected: 0, errors: [] };
  }

  async take(items: HistoryCsvItem[]): Promise<void> {
    for (const item of items) {
      if (!item.ok) {
        this.report.rejected++;
        const room = MAX_LISTED_ERRORS - this.report.errors.length;
        if (room > 0) this.report.errors.push(...item.errors.slice(0, room));
        continue;
      }
      const result: ImportResult = await this.#app.store.importReading(this.report.potId, item.row.reading, this.#session, Date.now());
      if (result === 'stored') this.report.stored++;
      else if (result === 'duplicate') this.report.duplicates++;
      else this.report.expired++;
      this.calibration = item.row.calibration;
    }
  }
}

export default async function importRoutes(app: FastifyInstance): Promise<void> {
  // The body stays a stream: the handler parses it chunk by chunk.
  app.addContentTypeParser(['text/csv', 'text/plain'], (_request, payload, done) => done(null, payload));

  app.post<{ Params: { id: string } }>(
    '/api/pots/:id/import',
    { schema: { params: idParams, response: { 400: { type: 'object', additionalProperties: true }, 413: errorBody } } },
    async (request, reply) => {
      const potId = potIdOrReply(request.params.id, reply);
      if (potId === null) return reply;

      const run = new ImportRun(app, potId);
      const reader = new HistoryCsvReader();
      const decoder = new TextDecoder('utf-8', { fatal: true });
      let bytes = 0;
      try {
        for await (const chunk of request.body as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          if (bytes > MAX_IMPORT_BYTES) {
            return reply.code(413).send({ error: `CSV larger than ${MAX_IMPORT_BYTES} bytes: split it by date range and import each part` });
          }
          await run.take(reader.push(decoder.decode(chunk, { stream: true })));
        }
        await run.take(reader.push(decoder.decode()));
        await run.take(reader.end());
      } catch (err) {
        if (!(err instanceof TypeError && (err as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA')) throw err;
        await app.store.flush();
        request.log.warn({ potId, bytes, stored: run.report.stored }, 'history import stopped: the file is not valid UTF-8');
        return reply.code(400).send({ error: `the file is not valid UTF-8 near byte ${bytes}: save it as CSV UTF-8 and import again` });
      }

      // Durable before the reply, so a client that reads back sees every imported row.
      await app.store.flush();
      const { report } = run;
      if (run.calibration !== undefined && app.store.pot(potId, Date.now())) app.store.setCalibration(potId, run.calibration);
      request.log.info({ potId, stored: report.stored, duplicates: report.duplicates, expired: report.expired, rejected: report.rejected }, 'history import finished');
      if (report.stored + report.duplicates + report.expired === 0) {
        return reply.code(400).send({ error: `no valid row in the CSV (${report.rejected} rejected): see errors`, ...report });
      }
      return report;
    },
  );
}
