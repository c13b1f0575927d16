// Deletes raw day files older than the retention (domain/retention.ts) in the background: one
// file per step with a pause between steps, so ingest never waits behind a long purge. Runs at
// start and then once a day. Rollups are never deleted.
import type { FastifyBaseLogger } from 'fastify';
import { expiredDays } from '../../domain/retention.js';
import type { History } from './history.js';
import type { Rollups } from './rollups.js';

const RUN_EVERY_MS = 24 * 3600 * 1000;
/** Pause between two deletions. */
const STEP_PAUSE_MS = 20;

export interface RetentionSummary {
  /** Start of the last completed run, Unix ms, or null before the first one ends. */
  lastRunAt: number | null;
  /** Day files deleted since the hub started. */
  deleted: number;
}

export class RetentionJob {
  readonly #history: History;
  readonly #rollups: Rollups;
  readonly #rawDays: number;
  readonly #log: FastifyBaseLogger;
  readonly summary: RetentionSummary = { lastRunAt: null, deleted: 0 };
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(history: History, rollups: Rollups, rawDays: number, log: FastifyBaseLogger) {
    this.#history = history;
    this.#rollups = rollups;
    this.#rawDays = rawDays;
    this.#log = log;
  }

  /** Schedules a run now and one every day. */
  start(): void {
    const tick = () => {
      this.#running ??= this.run(Date.now()).finally(() => (this.#running = null));
      this.#timer = setTimeout(tick, RUN_EVERY_MS);
      this.#timer.unref();
    };
    this.#timer = setTimeout(tick, 0);
    this.#timer.unref();
  }

  /** Stops scheduling and waits for the current step to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running?.catch(() => {});
  }

  /** Runs one pass over every pot; returns once its files are deleted or the job is stopped. */
  async run(now: number): Promise<void> {
    try {
      for (const potId of await this.#history.potIds()) {
        if (this.#stopped) return;
        await this.#prunePot(potId, now);
      }
      this.summary.lastRunAt = now;
    } catch (err) {
      this.#log.error({ err }, 'raw history retention failed; retrying at the next run');
    }
  }

  async #prunePot(potId: string, now: number): Promise<void> {
    // Atomic writes leave hidden temporary files (`.<name>.tmp`) for a moment: they are not odd names.
    const names = (await this.#history.fileNames(potId)).filter((name) => !name.startsWith('.'));
    const { expired, unrecognised } = expiredDays(names, now, this.#rawDays);
    if (unrecognised.length > 0) this.#log.warn({ potId, files: unrecognised }, 'history folder contains files that are not day files; left in place');

    let deleted = 0;
    for (const name of expired) {
      if (this.#stopped) break;
      const day = name.slice(0, 10);
      // The rollups of a dirty day still need its raw file to be rebuilt.
      if (this.#rollups.dirtyDays().includes(potId + '/' + day)) continue;
      if (await this.#history.removeDay(potId, day)) deleted++;
      await new Promise((resolve) => setTimeout(resolve, STEP_PAUSE_MS));
    }
    this.summary.deleted += deleted;
    if (deleted > 0) this.#log.info({ potId, deleted, rawDays: this.#rawDays }, 'deleted expired raw day files; their rollups are kept');
  }
}
