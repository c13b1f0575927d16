// Reading history partitioned per pot per UTC day: <dataDir>/history/<id>/<YYYY-MM-DD>.json
// holding {readings} sorted by `at`. Appends wait in memory and are written in batches, every
// flushMs or once flushMaxReadings are pending, so an append costs the same whatever the
// history's size, and a day file only grows by what is appended (hub/store/day-file.ts). Days
// stay in memory while queries read them (up to maxOpenDays, until idle for idleDayMs). A day that
// is only written to is appended by its tail (hub/store/day-tails.ts), without its readings in
// memory. A flush passes its FlushHooks (the rollups) which days it writes, before and after.
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import type { PotId } from '../../domain/pot-id.js';
import { dedupKey, type StoredReading } from '../../domain/reading.js';
import { DayFileAdapter, isDayFile, type DayFile } from './day-file.js';
import { DayTails } from './day-tails.js';
import { openWithAdapter } from './json-file.js';
import { OpenFiles } from './open-files.js';

export type { DayFile } from './day-file.js';

/** Called by each flush: the hub keeps rollups and their dirty-day record in step with raw files. */
export interface FlushHooks {
  /** Runs before any day file of the flush is written, with the `<id>/<day>` keys it will write. */
  beforeWrite(keys: string[]): Promise<void>;
  /**
   * Runs after the day files were written. `merged` contains the readings each key received in this
   * flush; `written` lists the keys now on disk (a failed key is retried at the next flush).
   */
  afterWrite(merged: Map<string, StoredReading[]>, written: string[]): Promise<void>;
}

export interface HistoryOptions {
  flushMs: number;
  flushMaxReadings: number;
  /** Day files kept in memory; older ones are read again from disk when needed. */
  maxOpenDays?: number;
  /** Time after which a day file not used is dropped from memory, ms. */
  idleDayMs?: number;
}

/** Default of HistoryOptions.idleDayMs: a day file unused for 5 minutes leaves memory. */
export const IDLE_DAY_MS = 5 * 60 * 1000;

const DAY_MS = 24 * 3600 * 1000;
export const DAY_NAME = /^\d{4}-\d{2}-\d{2}\.json$/;

const NO_HOOKS: FlushHooks = { beforeWrite: async () => {}, afterWrite: async () => {} };

let lastDayStart = NaN;
let lastDay = '';

/** Returns the UTC day (`YYYY-MM-DD`) that contains `at`. */
export function dayOf(at: number): string {
  // Readings come in time order, so the last day name is reused instead of formatting a Date per append.
  const dayStart = Math.floor(at / DAY_MS) * DAY_MS;
  if (dayStart !== lastDayStart) {
    lastDay = new Date(dayStart).toISOString().slice(0, 10);
    lastDayStart = dayStart;
  }
  return lastDay;
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
  readonly #open: OpenFiles<Promise<Low<DayFile>>>;
  /** Days written by the flush and not held in memory: only the end of their file is known. */
  readonly #tails: DayTails;
  /** Days whose last append failed: the file may hold part of the batch that is pending again. */
  readonly #suspect = new Set<string>();
  #pending = new Map<string, StoredReading[]>();
  #pendingCount = 0;
  /** Days merged in memory whose last write failed; they are written again on the next flush. */
  readonly #dirty = new Set<string>();
  /**
   * Days whose file a flush is writing. Day files are appended in place, so a reader of the file
   * could see a cut tail meanwhile: these days stay in memory and are never read from disk.
   */
  readonly #writing = new Set<string>();
  /** Names of stray files in the history folder already logged. */
  readonly #reportedStrays = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #hooks: FlushHooks = NO_HOOKS;

  constructor(dataDir: string, options: HistoryOptions, log: FastifyBaseLogger) {
    this.#root = join(dataDir, 'history');
    this.#options = { maxOpenDays: 128, idleDayMs: IDLE_DAY_MS, ...options };
    this.#open = new OpenFiles({ max: this.#options.maxOpenDays, idleMs: this.#options.idleDayMs });
    this.#tails = new DayTails(4 * this.#options.maxOpenDays, this.#options.idleDayMs);
    this.#log = log;
  }

  /** Sets what each flush calls around its writes; set once, before the first append. */
  setHooks(hooks: FlushHooks): void {
    this.#hooks = hooks;
  }

  /** Number of readings waiting for the next flush. */
  get pendingCount(): number {
    return this.#pendingCount;
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
    const keys = [...new Set([...this.#pending.keys(), ...this.#dirty])];
    if (keys.length === 0) return;
    await this.#hooks.beforeWrite(keys);

    const merged = new Map<string, StoredReading[]>();
    const written: string[] = [];
    for (const key of keys) {
      // Marked before the first await: a day being written is never dropped from memory, so a
      // query cannot load a second copy of it meanwhile.
      this.#writing.add(key);
      try {
        await this.#writeDay(key, merged, written);
      } finally {
        this.#writing.delete(key);
      }
    }
    await this.#hooks.afterWrite(merged, written);
    this.#open.evict((key) => this.#mustStay(key));
    this.#tails.evict();
  }

  /** Writes one day's pending readings, by its tail when it can, and records the outcome. */
  async #writeDay(key: string, merged: Map<string, StoredReading[]>, written: string[]): Promise<void> {
    const pending = this.#pending.get(key);
    const inMemory = this.#open.peek(key);
    if (pending && inMemory === undefined && this.#tails.canAppend(key, pending) && (await this.#appendTail(key, pending, merged, written))) return;

    let day: Low<DayFile>;
    try {
      // A write does not count as a use: only reads keep a day in memory.
      day = await (inMemory ?? this.#openDay(key));
    } catch (err) {
      // The day's readings stay pending; the missing key in `written` reports the failure.
      this.#log.error({ err, day: key }, 'failed to open a history day file; retrying at the next flush');
      this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs);
      return;
    }
    // Moved in the same synchronous step as the merge, so a query returns each reading exactly once.
    let batch = this.#pending.get(key);
    if (batch) {
      this.#pending.delete(key);
      this.#pendingCount -= batch.length;
      if (this.#suspect.has(key)) {
        // A failed append may have left some of these readings in the file.
        const present = new Set(day.data.readings.map(dedupKey));
        batch = batch.filter((reading) => !present.has(dedupKey(reading)));
      }
      mergeSorted(day.data.readings, batch);
      merged.set(key, batch);
    }
    try {
      await day.write();
      this.#dirty.delete(key);
      this.#suspect.delete(key);
      written.push(key);
      // A day loaded for this write only leaves memory at once; later batches are appended to its tail.
      const tail = (day.adapter as DayFileAdapter).tail();
      if (inMemory === undefined && tail !== null) {
        this.#open.delete(key);
        this.#tails.set(key, tail);
      }
    } catch (err) {
      this.#dirty.add(key);
      this.#log.error({ err, day: key }, 'failed to write a history day file; retrying at the next flush');
      this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs);
    }
  }

  /**
   * Appends a batch to a day file known by its tail. Returns false, with the batch pending again,
   * when the file changed since, so the caller writes the whole day. A failed write returns true,
   * with the batch pending for the next flush.
   */
  async #appendTail(key: string, batch: StoredReading[], merged: Map<string, StoredReading[]>, written: string[]): Promise<boolean> {
    this.#pending.delete(key);
    this.#pendingCount -= batch.length;
    try {
      const [potId, day] = key.split('/') as [string, string];
      if (await this.#tails.append(key, this.dayFile(potId, day), batch)) {
        merged.set(key, batch);
        written.push(key);
        return true;
      }
      this.#requeue(key, batch);
      return false;
    } catch (err) {
      this.#requeue(key, batch);
      this.#suspect.add(key);
      this.#log.error({ err, day: key }, 'failed to append to a history day file; retrying at the next flush');
      this.#timer ??= setTimeout(() => void this.flush(), this.#options.flushMs);
      return true;
    }
  }

  /** Puts a batch back in front of the readings that arrived meanwhile. */
  #requeue(key: string, batch: StoredReading[]): void {
    this.#pending.set(key, [...batch, ...(this.#pending.get(key) ?? [])]);
    this.#pendingCount += batch.length;
  }

  /** Returns true for a day that must stay in memory: merged and not on disk yet, or being written. */
  #mustStay(key: string): boolean {
    return this.#dirty.has(key) || this.#writing.has(key);
  }

  /** Number of day files in memory. */
  get openDays(): number {
    return this.#open.size;
  }

  #openDay(key: string): Promise<Low<DayFile>> {
    let day = this.#open.use(key);
    if (day === undefined) {
      // Held in memory from now on, so the flush writes it through the loaded copy, not by its tail.
      const loading = this.#tails.settled(key).then(() => this.#load(key));
      this.#tails.forget(key);
      // Forget a day that failed to open, so the next access tries again.
      loading.catch(() => this.#open.delete(key));
      this.#open.add(key, loading);
      day = loading;
    }
    this.#open.evict((other) => other === key || this.#mustStay(other));
    return day;
  }

  async #load(key: string): Promise<Low<DayFile>> {
    const [potId, day] = key.split('/') as [string, string];
    await mkdir(join(this.#root, potId), { recursive: true });
    const file = join(this.#root, potId, day + '.json');
    const adapter = new DayFileAdapter(file, (repair) => {
      this.#log.warn({ ...repair, potId, day }, 'day file was cut inside its last readings (interrupted write); kept the complete ones, the write-ahead log restores the rest');
    });
    return openWithAdapter(file, adapter, isDayFile, () => ({ readings: [] }), this.#log);
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

  /**
   * Reads one day's readings without keeping the file in memory, so an export of a year keeps
   * one day at a time. Pending readings are included unless `withPending` is false.
   */
  async readDay(potId: PotId, day: string, withPending = true): Promise<StoredReading[]> {
    const key = potId + '/' + day;
    const open = this.#open.peek(key);
    let readings: StoredReading[];
    if (open) {
      readings = [...(await open).data.readings];
    } else {
      await this.#tails.settled(key);
      readings = await this.#readDayFile(potId, day);
    }
    const pending = this.#pending.get(key);
    if (pending && withPending) mergeSorted(readings, [...pending]);
    return readings;
  }

  async #readDayFile(potId: PotId, day: string): Promise<StoredReading[]> {
    const file = join(this.#root, potId, day + '.json');
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      if (!(err instanceof SyntaxError)) throw err;
    }
    if (isDayFile(value)) return value.readings;
    // Opening it the usual way moves the damaged file aside and logs it.
    return [...(await this.#openDay(potId + '/' + day)).data.readings];
  }

  /** Day names (`YYYY-MM-DD`) of a pot's files and pending batches, oldest first. */
  async days(potId: PotId): Promise<string[]> {
    const names = new Set((await this.fileNames(potId)).filter((n) => DAY_NAME.test(n)).map((n) => n.slice(0, 10)));
    for (const key of this.#pending.keys()) {
      if (key.startsWith(potId + '/')) names.add(key.slice(potId.length + 1));
    }
    return [...names].sort();
  }

  /** Every file name in a pot's history folder, day files or not. */
  async fileNames(potId: PotId): Promise<string[]> {
    try {
      return await readdir(join(this.#root, potId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Runs `task` between two flushes, so no day file is written while it runs. */
  runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#flushing.then(task);
    this.#flushing = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * Deletes a day file between two flushes. Returns false, keeping the file, when readings of
   * that day are waiting to be written.
   */
  removeDay(potId: PotId, day: string): Promise<boolean> {
    const key = potId + '/' + day;
    return this.runExclusive(async () => {
      if (this.#pending.has(key) || this.#dirty.has(key)) return false;
      this.#open.delete(key);
      this.#tails.forget(key);
      try {
        await unlink(join(this.#root, potId, day + '.json'));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      return true;
    });
  }

  /** Path of a day file, for plant care's rewrite of derived values (hub/store/care-recompute.ts). */
  dayFile(potId: PotId, day: string): string {
    return join(this.#root, potId, day + '.json');
  }

  /**
   * Drops the in-memory copy of a day after its file was rewritten, so the next access reads the
   * file. Returns false, keeping it, when the copy contains merged readings that are not on disk yet.
   */
  forgetDay(potId: PotId, day: string): boolean {
    const key = potId + '/' + day;
    if (this.#dirty.has(key) || this.#writing.has(key)) return false;
    this.#open.delete(key);
    this.#tails.forget(key);
    return true;
  }

  /** Names of the folders in the history folder: the pots that have history. */
  async potIds(): Promise<PotId[]> {
    let entries;
    try {
      entries = await readdir(this.#root, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    // A stray file (a note, a copy) is no pot: it is reported once and left alone.
    for (const entry of entries) {
      if (entry.isDirectory() || this.#reportedStrays.has(entry.name)) continue;
      this.#reportedStrays.add(entry.name);
      this.#log.warn({ file: join(this.#root, entry.name) }, 'ignored a file that is not a pot folder in the history folder; move it elsewhere');
    }
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
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
