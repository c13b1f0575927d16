// The lowdb adapter of a raw day file, {"readings":[...]} in compact JSON. Readings reach a day in
// time order, so a flush usually adds readings at the end of the list. The adapter then writes
// only their text over the closing `]}` of the file, so a flush costs the size of what it adds,
// not the size of the day. Any other change (a late reading inserted earlier, a list replaced,
// a file changed behind the adapter) rewrites the whole file atomically (temporary file, rename).
//
// An append is not atomic: a crash in the middle can leave a file cut inside its last readings.
// read() repairs such a tail by keeping the complete readings before it. The readings it drops
// were appended by a flush that never finished, so they are still in the write-ahead log, which
// the hub replays after opening its day files (hub/store/durability.ts).
import { copyFile, open, readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import type { StoredReading } from '../../domain/reading.js';
import { recordSetAside } from './set-aside.js';

export interface DayFile {
  readings: StoredReading[];
}

const HEAD = '{"readings":[';
const TAIL = ']}';
/** How many closing braces read() tries, from the end, to find the last complete reading. */
const MAX_REPAIR_TRIES = 64;

/** Repair done by read() on a file whose tail was cut back to its last complete reading. */
export interface TailRepair {
  file: string;
  /** Copy of the file as it was found, before the repair. */
  backup: string;
  /** Bytes of the damaged file after the last complete reading. */
  droppedBytes: number;
  keptReadings: number;
}

export function isDayFile(value: unknown): value is DayFile {
  if (typeof value !== 'object' || value === null) return false;
  const readings = (value as { readings?: unknown }).readings;
  return Array.isArray(readings) && readings.every((r) => typeof r === 'object' && r !== null && typeof r.at === 'number');
}

/**
 * Returns the longest prefix of `text` that ends with a complete reading, closed with `]}`, when
 * it parses as a day file. Returns null when the text is damaged in another way than a cut tail.
 */
export function repairTail(text: string): { text: string; data: DayFile } | null {
  if (!text.startsWith(HEAD)) return null;
  let end = text.length;
  for (let tries = 0; tries < MAX_REPAIR_TRIES; tries++) {
    const brace = text.lastIndexOf('}', end - 1);
    if (brace < HEAD.length) break;
    const candidate = text.slice(0, brace + 1) + TAIL;
    try {
      const data: unknown = JSON.parse(candidate);
      if (isDayFile(data)) return { text: candidate, data };
    } catch {
      // Not a reading boundary; try the brace before.
    }
    end = brace;
  }
  // Cut inside the first reading: the day had no complete reading on disk yet.
  const rest = text.slice(HEAD.length).trimStart();
  return rest === '' || (rest.startsWith('{') && !rest.includes('}')) ? { text: HEAD + TAIL, data: { readings: [] } } : null;
}

export class DayFileAdapter implements Adapter<DayFile> {
  readonly #file: string;
  readonly #whole: TextFile;
  readonly #onRepair: (repair: TailRepair) => void;
  /** The list, its length and its last reading as they were on disk after the last read or write. */
  #array: StoredReading[] | null = null;
  #count = 0;
  #last: StoredReading | undefined;
  /** Size of the file after the last read or write; null when unknown. */
  #bytes: number | null = null;

  constructor(file: string, onRepair: (repair: TailRepair) => void) {
    this.#file = file;
    this.#whole = new TextFile(file);
    this.#onRepair = onRepair;
  }

  /** Parses the file and repairs a cut tail after a backup copy. Other damage throws SyntaxError. */
  async read(): Promise<DayFile | null> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }

    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      const repaired = repairTail(text);
      if (repaired === null) throw err;
      const backup = `${this.#file}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await copyFile(this.#file, backup);
      recordSetAside(this.#file, backup);
      await this.#whole.write(repaired.text);
      this.#onRepair({ file: this.#file, backup, droppedBytes: Buffer.byteLength(text) - (Buffer.byteLength(repaired.text) - TAIL.length), keptReadings: repaired.data.readings.length });
      text = repaired.text;
      data = repaired.data;
    }
    if (isDayFile(data)) this.#remember(data.readings, Buffer.byteLength(text));
    return data as DayFile;
  }

  async write(data: DayFile): Promise<void> {
    const readings = data.readings;
    const grewAtEnd =
      Object.keys(data).length === 1 &&
      readings === this.#array &&
      this.#bytes !== null &&
      readings.length >= this.#count &&
      (this.#count === 0 || readings[this.#count - 1] === this.#last);
    if (grewAtEnd && readings.length === this.#count) return;
    if (grewAtEnd && (await this.#append(readings))) return;

    const text = JSON.stringify(data);
    this.#bytes = null;
    await this.#whole.write(text);
    this.#remember(readings, Buffer.byteLength(text));
  }

  /** Writes the readings after #count over the closing `]}`. Returns false when the file changed since. */
  async #append(readings: StoredReading[]): Promise<boolean> {
    const before = this.#bytes!;
    const handle = await open(this.#file, 'r+').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (handle === null) return false;
    try {
      if ((await handle.stat()).size !== before) return false;
      const added: string[] = [];
      for (let i = this.#count; i < readings.length; i++) added.push(JSON.stringify(readings[i]));
      const tail = Buffer.from((this.#count > 0 ? ',' : '') + added.join(',') + TAIL);
      try {
        // A full disk can end a write short without an error; the next call then raises ENOSPC.
        for (let done = 0; done < tail.length; ) {
          done += (await handle.write(tail, done, tail.length - done, before - TAIL.length + done)).bytesWritten;
        }
      } catch (err) {
        // Put the file back as it was, so it stays valid JSON until the next try.
        await handle.truncate(before).then(
          () => handle.write(Buffer.from(TAIL), 0, TAIL.length, before - TAIL.length),
          () => (this.#bytes = null),
        ).catch(() => (this.#bytes = null));
        throw err;
      }
      this.#remember(readings, before - TAIL.length + tail.length);
      return true;
    } finally {
      await handle.close();
    }
  }

  #remember(readings: StoredReading[], bytes: number): void {
    this.#array = readings;
    this.#count = readings.length;
    this.#last = readings[readings.length - 1];
    this.#bytes = bytes;
  }
}
