// Ends of the day files that the history appends to without keeping their readings in memory.
// After a flush writes a day it did not hold for a query, the history drops the day's readings
// and keeps only its tail (size, count, time of the last reading). Later batches in time order
// are written straight over the file's closing `]}`, so the memory a day costs does not grow
// with the readings it receives. A reader that opens the day waits for an append under way.
import type { StoredReading } from '../../domain/reading.js';
import { appendToDayFile, type DayTail } from './day-file.js';
import { OpenFiles } from './open-files.js';

export class DayTails {
  readonly #tails: OpenFiles<DayTail>;
  /** Appends under way, by `<id>/<day>` key. */
  readonly #writes = new Map<string, Promise<unknown>>();
  /** Days forgotten while an append was under way: the append must not record their tail again. */
  readonly #forgotten = new Set<string>();

  constructor(max: number, idleMs: number) {
    this.#tails = new OpenFiles({ max, idleMs });
  }

  /** Returns true when `batch` is in time order and starts at or after the last reading written to the day. */
  canAppend(key: string, batch: readonly StoredReading[]): boolean {
    const tail = this.#tails.peek(key);
    if (tail === undefined) return false;
    let lastAt = tail.lastAt;
    for (const reading of batch) {
      if (reading.at < lastAt) return false;
      lastAt = reading.at;
    }
    return true;
  }

  /**
   * Appends `batch` to the day file. Returns false when the file changed since its tail was
   * recorded; the caller then writes the whole day. A write error is raised, and in both cases the
   * tail is dropped.
   */
  async append(key: string, file: string, batch: readonly StoredReading[]): Promise<boolean> {
    const tail = this.#tails.use(key)!;
    const writing = appendToDayFile(file, tail.bytes, tail.count > 0, batch);
    this.#writes.set(key, writing.catch(() => {}));
    try {
      const bytes = await writing;
      if (bytes === null) {
        this.#tails.delete(key);
        return false;
      }
      if (!this.#forgotten.has(key)) this.#tails.add(key, { bytes, count: tail.count + batch.length, lastAt: batch.at(-1)?.at ?? tail.lastAt });
      return true;
    } catch (err) {
      this.#tails.delete(key);
      throw err;
    } finally {
      this.#writes.delete(key);
      this.#forgotten.delete(key);
    }
  }

  /** Resolves once no append to the day is under way. */
  async settled(key: string): Promise<void> {
    await this.#writes.get(key);
  }

  /** Records the end of a day file that was just written whole or read. */
  set(key: string, tail: DayTail): void {
    this.#tails.add(key, tail);
  }

  /** Drops the tail of a day whose file is rewritten, deleted or held in memory from now on. */
  forget(key: string): void {
    this.#tails.delete(key);
    if (this.#writes.has(key)) this.#forgotten.add(key);
  }

  /** Drops the tails of days not written to for the idle time. */
  evict(): void {
    this.#tails.evict(() => false);
  }
}
