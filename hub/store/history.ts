// Reading history partitioned per pot per UTC day: <dataDir>/history/<id>/<YYYY-MM-DD>.json
// holding {readings} sorted by `at`. Appends wait in memory and are written in batches, every
// flushMs or once flushMaxReadings are pending, so an append costs the same whatever the
// history's size. Only the most recently touched day files stay in memory.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';
import { openJsonFile } from './json-file.js';

export interface DayFile {
  readings: StoredReading[];
}

export interface HistoryOptions {
  flushMs: number;
  flushMaxReadings: number;
  /** Day files kept in memory; older ones are read again from disk when needed. */
  maxOpenDays?: number;
}

const DAY_MS = 24 * 3600 * 1000;
const DAY_NAME = /^\d{4}-\d{2}-\d{2}\.json$/;

export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

function isDayFile(value: unknown): value is DayFile {
  if (typeof value !== 'object' || value === null) return false;
  const readings = (value as { readings?: unknown }).readings;
  return Array.isArray(readings) && readings.every((r) => typeof r === 'object' && r !== null && typeof r.at === 'number');
}

/** Inserts `batch` into `sorted` keeping it ordered by `at`; appending in time order stays O(batch). */
function mergeSorted(sorted: StoredReading[], batch: StoredReading[]): void {
  for (const reading of batch) {
    let i = sorted.length;
    while (i > 0 && sorted[i - 1]!.at > reading.at) i--;
    sorted.splice(i, 0, reading);
  }
}

export class History {
  readonly #root: string;
  readonly #options: Required<HistoryOptions>;
  readonly #log: FastifyBaseLogger;
  /** Open day files by `<id>/<day>`, least recently used first. */
  readonly #open = new Map<string, Promise<Low<DayFile>>>();
  #pending = new Map<string, StoredReading[]>();
  #pendingCount = 0;
  /** Days merged in memory whose last write failed; they are written again on the next flush. */
  readonly #dirty = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(dataDir: string, options: HistoryOptions, log: FastifyBaseLogger) {
    this.#root = join(dataDir, 'history');
    this.#options = { maxOpenDays: 128, ...options };
    this.#log = log;
  }

  /** Queues a reading for the next batch write. */
  append(potId: PotId, reading: StoredReading): void {
    const key = potId + '/' + dayOf(reading.at);
    const batch = this.#pending.get(key);
    if (batch) batch.push(reading);
    else this.#pending.set(key, [reading]);
    this.#pendingCount++;

    if (this.#pendingCount >= this.#options.flushMaxReadings) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs);
  }

  /** Writes every pending reading; resolves once they are on disk. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const run = this.#flushing.then(() => this.#writePending());
    this.#flushing = run.catch((err: unknown) => {
      this.#log.error({ err }, 'history flush failed; the readings stay queued for the next flush');
    });
    return this.#flushing;
  }

  async #writePending(): Promise<void> {
    const keys = new Set([...this.#pending.keys(), ...this.#dirty]);
    for (const key of keys) {
      const day = await this.#openDay(key);
      // Moved in the same synchronous step as the merge, so a query returns each reading exactly once.
      const batch = this.#pending.get(key);
      if (batch) {
        this.#pending.delete(key);
        this.#pendingCount -= batch.length;
        mergeSorted(day.data.readings, batch);
      }
      try {
        await day.write();
        this.#dirty.delete(key);
      } catch (err) {
        this.#dirty.add(key);
        this.#log.error({ err, day: key }, 'failed to write a history day file; retrying at the next flush');
        this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs);
      }
    }
  }

  #openDay(key: string): Promise<Low<DayFile>> {
    let day = this.#open.get(key);
    if (day) {
      this.#open.delete(key);
    } else {
      day = this.#load(key);
      // Forget a day that failed to open, so the next access tries again.
      day.catch(() => this.#open.delete(key));
    }
    this.#open.set(key, day);

    for (const oldest of this.#open.keys()) {
      if (this.#open.size <= this.#options.maxOpenDays) break;
      // A day that is still to be written must stay in memory, or its readings would be lost.
      if (!this.#dirty.has(oldest) && !this.#pending.has(oldest)) this.#open.delete(oldest);
    }
    return day;
  }

  async #load(key: string): Promise<Low<DayFile>> {
    const [potId, day] = key.split('/') as [string, string];
    await mkdir(join(this.#root, potId), { recursive: true });
    return openJsonFile(join(this.#root, potId, day + '.json'), isDayFile, () => ({ readings: [] }), this.#log);
  }

  /** Readings of a pot with from <= at < to, in time order, pending ones included. */
  async query(potId: PotId, from: number, to: number): Promise<StoredReading[]> {
    const result: StoredReading[] = [];
    for (let dayStart = from - (from % DAY_MS); dayStart < to; dayStart += DAY_MS) {
      const key = potId + '/' + dayOf(dayStart);
      const day = await this.#openDay(key);
      const inRange = (r: StoredReading) => r.at >= from && r.at < to;
      const pending = (this.#pending.get(key) ?? []).filter(inRange);
      const stored = day.data.readings.filter(inRange);
      if (pending.length > 0) mergeSorted(stored, pending);
      result.push(...stored);
    }
    return result;
  }

  /** Pot ids that have a history folder. */
  async potIds(): Promise<PotId[]> {
    try {
      return await readdir(this.#root);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Reads the newest stored readings of a pot, up to `limit`, from its newest day files. */
  async newest(potId: PotId, limit: number): Promise<StoredReading[]> {
    const names = (await readdir(join(this.#root, potId))).filter((n) => DAY_NAME.test(n)).sort().reverse();
    const result: StoredReading[] = [];
    for (const name of names) {
      if (result.length >= limit) break;
      const day = await this.#openDay(potId + '/' + name.slice(0, 10));
      result.unshift(...day.data.readings.slice(-(limit - result.length)));
    }
    return result;
  }

  /** Flushes and stops the timer; called when the hub closes. */
  async close(): Promise<void> {
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
