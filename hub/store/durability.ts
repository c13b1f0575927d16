// Keeps acknowledged readings safe between the MQTT ack and the history files. Contains the
// flush hooks that mark write-ahead log files written, the checkpoint that deletes them once the
// day files are on the device, the replay of the log at start, and the data
// disk state (failing or not, readings lost beyond the memory bound) for /api/health and
// /metrics. docs/reliability.md explains the guarantees.
import type { FastifyBaseLogger } from 'fastify';
import { isPotId, type PotId } from '../../domain/pot-id.js';
import { dedupKey, type StoredReading } from '../../domain/reading.js';
import type { Dedup } from './dedup.js';
import { fsyncFiles } from './fsync.js';
import { dayOf, type FlushHooks, type History } from './history.js';
import type { Registry } from './registry.js';
import type { Wal, WalEntry } from './wal.js';

/** Minimum time between two "readings lost" error lines. */
const LOSS_LOG_MS = 10 * 1000;
/**
 * A flush that started this long ago and did not reach its end hook has failed or hangs (a file
 * system that stopped responding, say). Long enough that a slow but working SD card is not
 * reported as failing. A day file that cannot be opened or written ends the flush normally and
 * is reported at once.
 */
export const STALLED_FLUSH_MS = 30 * 1000;

export interface DiskStatus {
  failing: boolean;
  /** Last write error, such as "ENOSPC: no space left on device"; null once a flush succeeds. */
  error: string | null;
  /** Readings dropped since start because the memory bound was reached while the disk failed. */
  lost: number;
  /** Readings acknowledged and not yet in a history day file on disk. */
  pending: number;
  maxPending: number;
  walBytes: number;
}

/** Tracks write failures and counted losses; a complete flush clears the failure. */
export class DiskState {
  readonly #log: FastifyBaseLogger;
  #error: string | null = null;
  #lost = 0;
  #lastLossLog = 0;
  #lostSinceLog = 0;
  /** Start time of the flush in progress, or null when none is. */
  #flushStartedAt: number | null = null;

  constructor(log: FastifyBaseLogger) {
    this.#log = log;
  }

  get failing(): boolean {
    return this.#error !== null;
  }

  get error(): string | null {
    return this.#error;
  }

  get lost(): number {
    return this.#lost;
  }

  fail(where: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.#error === null) this.#log.error({ where, error: message }, 'data disk failing; readings are kept in memory until it works again');
    this.#error = `${where}: ${message}`;
  }

  flushStarted(now: number): void {
    this.#flushStartedAt = now;
  }

  flushEnded(): void {
    this.#flushStartedAt = null;
  }

  /**
   * Returns true when a retry is due: the disk is failing, or a flush has not reached its end
   * hook for STALLED_FLUSH_MS.
   */
  needsRetry(now: number): boolean {
    if (this.#flushStartedAt !== null && now - this.#flushStartedAt > STALLED_FLUSH_MS) {
      this.fail('history flush', new Error(`a flush has not finished after ${STALLED_FLUSH_MS / 1000} s; see the errors logged before`));
      this.#flushStartedAt = null;
    }
    return this.failing;
  }

  recovered(): void {
    if (this.#error === null) return;
    this.#log.info({ previous: this.#error }, 'data disk works again; readings kept in memory are written');
    this.#error = null;
  }

  /** Counts a reading dropped at the memory bound; logs at most one error line per LOSS_LOG_MS. */
  lose(potId: PotId, bound: number, now: number): void {
    this.#lost++;
    this.#lostSinceLog++;
    if (now - this.#lastLossLog < LOSS_LOG_MS) return;
    this.#log.error(
      { potId, lost: this.#lostSinceLog, lostTotal: this.#lost, maxPending: bound, disk: this.#error },
      'readings lost: the data disk fails and POCO_MAX_PENDING_READINGS readings already wait in memory',
    );
    this.#lastLossLog = now;
    this.#lostSinceLog = 0;
  }
}

/**
 * Deletes the log files whose readings are in day files, once those day files are on the device.
 * A flush leaves its day files in the page cache. The checkpoint fsyncs the day files written
 * since the previous one, with their folders, and only then deletes the log files they cover.
 * A power cut before that leaves the log files, and the next start replays them.
 */
export class Checkpoint {
  readonly #wal: Wal;
  readonly #log: FastifyBaseLogger;
  #files = new Set<string>();
  #running: Promise<void> = Promise.resolve();

  constructor(wal: Wal, log: FastifyBaseLogger) {
    this.#wal = wal;
    this.#log = log;
  }

  /** Records day files a flush wrote. */
  add(files: Iterable<string>): void {
    for (const file of files) this.#files.add(file);
  }

  /** Fsyncs the recorded day files, then deletes the log files marked written before it started. */
  run(): Promise<void> {
    const next = this.#running.then(async () => {
      const upTo = this.#wal.written;
      const files = this.#files;
      this.#files = new Set();
      try {
        await fsyncFiles(files);
      } catch (err) {
        // The log files stay, so the readings are still covered. The next checkpoint tries these files again.
        for (const file of files) this.#files.add(file);
        this.#log.error({ err, files: files.size }, 'failed to fsync history day files; the write-ahead log keeps their readings');
        return;
      }
      this.#wal.confirm(upTo);
    });
    this.#running = next;
    return next;
  }
}

/**
 * Wraps the rollup hooks. Each flush seals the log first, and marks the sealed files written once
 * every day file it touched is written. The checkpoint deletes them later. Reports failures and
 * flush durations.
 */
export function durableHooks(inner: FlushHooks, wal: Wal, disk: DiskState, checkpoint: Checkpoint, fileOf: (key: string) => string, observe: (seconds: number) => void): FlushHooks {
  let sealed = 0;
  let expected = 0;
  let started = 0;
  return {
    async beforeWrite(keys) {
      started = performance.now();
      disk.flushStarted(Date.now());
      sealed = wal.seal();
      expected = keys.length;
      try {
        await inner.beforeWrite(keys);
      } catch (err) {
        disk.fail('rollup dirty record', err);
        throw err;
      }
    },
    async afterWrite(merged, written) {
      disk.flushEnded();
      if (written.length < expected) disk.fail('history day file', new Error(`${expected - written.length} of ${expected} day files not written`));
      await inner.afterWrite(merged, written);
      observe((performance.now() - started) / 1000);
      checkpoint.add(written.map(fileOf));
      if (written.length < expected) return;
      wal.markWritten(sealed);
      disk.recovered();
    },
  };
}

/**
 * Appends the logged readings that are not in history yet. Each is checked against every
 * reading of its day file, not only the recent window, so a replay never stores one twice.
 * Returns the number of readings put back.
 */
export async function replayWal(entries: readonly WalEntry[], history: History, dedup: Dedup, registry: Registry): Promise<number> {
  const known = new Map<string, Set<string>>();
  for (const { potId, reading } of entries) {
    const key = potId + '/' + dayOf(reading.at);
    if (isPotId(potId) && !known.has(key)) known.set(key, new Set((await history.readDay(potId, dayOf(reading.at))).map(dedupKey)));
  }

  // No await from here on: every entry is pending before the first flush can seal the log.
  let replayed = 0;
  for (const { potId, reading } of entries) {
    const keys = known.get(potId + '/' + dayOf(reading.at));
    if (keys === undefined || !addOnce(keys, reading)) continue;
    dedup.add(potId, reading);
    history.append(potId, reading);
    registry.recordReading(potId, reading);
    replayed++;
  }
  return replayed;
}

function addOnce(keys: Set<string>, reading: StoredReading): boolean {
  const key = dedupKey(reading);
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}
