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

/** End of a day file as the hub last wrote or read it: what an append needs to know. */
export interface DayTail {
  /** Size of the file in bytes. */
  bytes: number;
  count: number;
  /** Time of the last reading; readings at this time or later can be appended. */
  lastAt: number;
}

/**
 * Writes `added` over the closing `]}` of a day file of `bytes` bytes. Returns the new size, or
 * null when the file is missing or its size is not `bytes` (changed since). A failed write puts
 * the file back as it was, when it can, and raises the error.
 */
export async function appendToDayFile(file: string, bytes: number, hasReadings: boolean, added: readonly StoredReading[]): Promise<number | null> {
  const handle = await open(file, 'r+').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (handle === null) return null;
  try {
    if ((await handle.stat()).size !== bytes) return null;
    const tail = Buffer.from((hasReadings ? ',' : '') + added.map((r) => JSON.stringify(r)).join(',') + TAIL);
    try {
      // A full disk can end a write short without an error; the next call then raises ENOSPC.
      for (let done = 0; done < tail.length; ) {
        done += (await handle.write(tail, done, tail.length - done, bytes - TAIL.length + done)).bytesWritten;
      }
    } catch (err) {
      // Put the file back as it was, so it stays valid JSON until the next try.
      await handle.truncate(bytes).then(() => handle.write(Buffer.from(TAIL), 0, TAIL.length, bytes - TAIL.length)).catch(() => {});
      throw err;
    }
    return bytes - TAIL.length + tail.length;
  } finally {
    await handle.close();
  }
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
    if (isDayFile(data)) {
      this.#remember(data.readings, Buffer.byteLength(text));
      // Appends write over the last two bytes: a file laid out otherwise (edited by hand, say) is rewritten whole first.
      if (!text.endsWith(TAIL)) this.#bytes = null;
    }
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

  /** End of the file after the last read or write; null when unknown. */
  tail(): DayTail | null {
    if (this.#bytes === null) return null;
    return { bytes: this.#bytes, count: this.#count, lastAt: this.#last?.at ?? -Infinity };
  }

  /** Writes the readings after #count over the closing `]}`. Returns false when the file changed since. */
  async #append(readings: StoredReading[]): Promise<boolean> {
    let bytes: number | null;
    try {
      bytes = await appendToDayFile(this.#file, this.#bytes!, this.#count > 0, readings.slice(this.#count));
    } catch (err) {
      // The size is checked again before the next append.
      this.#bytes = null;
      throw err;
    }
    if (bytes === null) return false;
    this.#remember(readings, bytes);
    return true;
  }

  #remember(readings: StoredReading[], bytes: number): void {
    this.#array = readings;
    this.#count = readings.length;
    this.#last = readings[readings.length - 1];
    this.#bytes = bytes;
  }
}
