// Write-ahead log of accepted readings, <dataDir>/wal/: each reading is appended to current.log
// with a synchronous write before the hub acknowledges its MQTT message, so a killed process
// loses nothing it acknowledged. A history flush first seals the current file as <n>.log, and
// once every day file of that flush is on disk the sealed files are deleted. At start the hub
// replays what is left (hub/store/store.ts). docs/reliability.md explains the design.
import { closeSync, copyFileSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { recordSetAside } from './set-aside.js';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';

export interface WalEntry {
  potId: PotId;
  reading: StoredReading;
}

export interface WalOptions {
  /** Milliseconds between two fsyncs of the current file: the window a power cut can lose. */
  fsyncMs: number;
}

const CURRENT = 'current.log';
const SEALED_NAME = /^(\d+)\.log$/;

interface Segment {
  seq: number;
  count: number;
  bytes: number;
}

function isEntry(value: unknown): value is WalEntry {
  const entry = value as Partial<WalEntry> | null;
  return typeof entry?.potId === 'string' && typeof entry.reading === 'object' && entry.reading !== null && typeof entry.reading.at === 'number';
}

/** Parses one log file; a damaged file is copied aside first, so its lines can be looked at later. */
function readEntries(file: string, log: FastifyBaseLogger): WalEntry[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: WalEntry[] = [];
  let bad = 0;
  lines.forEach((line, index) => {
    if (line === '') return;
    try {
      const value: unknown = JSON.parse(line);
      if (isEntry(value)) entries.push(value);
      else bad++;
    } catch {
      // A kill in the middle of a write leaves the last line cut short: expected, not damage.
      if (index !== lines.length - 1) bad++;
      else log.warn({ file, bytes: line.length }, 'write-ahead log ends with a partial line (interrupted write); skipped it');
    }
  });
  if (bad > 0) {
    const copy = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    copyFileSync(file, copy);
    recordSetAside(file, copy);
    log.error({ file, copy, badLines: bad, kept: entries.length }, 'write-ahead log has damaged lines; replayed the others and kept a copy of the file');
  }
  return entries;
}

export class Wal {
  readonly #dir: string;
  readonly #log: FastifyBaseLogger;
  #fd: number;
  #current: Segment;
  readonly #sealed: Segment[] = [];
  /** Newest sealed segment whose readings are all in history day files, or 0. */
  #written = 0;
  #unsynced = false;
  readonly #timer: NodeJS.Timeout;
  #failedAppends = 0;

  private constructor(dir: string, sealed: Segment[], options: WalOptions, log: FastifyBaseLogger) {
    this.#dir = dir;
    this.#log = log;
    this.#sealed.push(...sealed);
    const next = (sealed.at(-1)?.seq ?? 0) + 1;
    this.#fd = openSync(join(dir, CURRENT), 'a');
    this.#current = { seq: next, count: 0, bytes: fstatSync(this.#fd).size };
    this.#timer = setInterval(() => this.sync(), options.fsyncMs);
    this.#timer.unref();
  }

  /**
   * Opens the log in `dir`. Every file left by the previous run is sealed and its entries
   * returned for replay; they are deleted by the first flush that writes them to history.
   */
  static open(dir: string, options: WalOptions, log: FastifyBaseLogger): { wal: Wal; entries: WalEntry[] } {
    mkdirSync(dir, { recursive: true });
    const names = readdirSync(dir);
    const sealed: Segment[] = names
      .map((name) => SEALED_NAME.exec(name))
      .filter((match) => match !== null)
      .map((match) => ({ seq: Number(match[1]), count: 0, bytes: 0 }))
      .sort((a, b) => a.seq - b.seq);
    if (names.includes(CURRENT)) {
      const seq = (sealed.at(-1)?.seq ?? 0) + 1;
      renameSync(join(dir, CURRENT), join(dir, `${seq}.log`));
      sealed.push({ seq, count: 0, bytes: 0 });
    }

    const entries: WalEntry[] = [];
    for (const segment of sealed) {
      const file = join(dir, `${segment.seq}.log`);
      const found = readEntries(file, log);
      segment.count = found.length;
      segment.bytes = fstatSize(file);
      entries.push(...found);
    }
    return { wal: new Wal(dir, sealed, options, log), entries };
  }

  /** Readings logged and not yet written to a history day file. */
  get unconfirmed(): number {
    return this.#sealed.reduce((sum, s) => sum + (s.seq > this.#written ? s.count : 0), this.#current.count);
  }

  /** Bytes held in the log files. */
  get bytes(): number {
    return this.#sealed.reduce((sum, s) => sum + s.bytes, this.#current.bytes);
  }

  /** Appends that failed (disk full, I/O error) since start. */
  get failedAppends(): number {
    return this.#failedAppends;
  }

  /** Logs one reading; returns false when the write failed (the reading then lives only in memory). */
  append(potId: PotId, reading: StoredReading): boolean {
    const line = JSON.stringify({ potId, reading }) + '\n';
    this.#current.count++;
    try {
      const written = writeSync(this.#fd, line);
      this.#current.bytes += written;
      this.#unsynced = true;
      return written === Buffer.byteLength(line);
    } catch (err) {
      this.#failedAppends++;
      if (this.#failedAppends === 1 || this.#failedAppends % 1000 === 0) {
        this.#log.error({ err, potId, failedAppends: this.#failedAppends }, 'failed to write the write-ahead log; readings are kept in memory only until the disk works again');
      }
      return false;
    }
  }

  /** Flushes the current file to the device; called every fsyncMs and when closing. */
  sync(): void {
    if (!this.#unsynced) return;
    try {
      fsyncSync(this.#fd);
      this.#unsynced = false;
    } catch (err) {
      this.#log.error({ err }, 'fsync of the write-ahead log failed');
    }
  }

  /**
   * Seals the current file, so the readings logged so far can be confirmed by the flush that
   * starts now. Returns the newest sealed segment number, or 0 when none.
   */
  seal(): number {
    if (this.#current.count === 0 && this.#current.bytes === 0) return this.#sealed.at(-1)?.seq ?? 0;
    try {
      this.sync();
      renameSync(join(this.#dir, CURRENT), join(this.#dir, `${this.#current.seq}.log`));
      const fd = openSync(join(this.#dir, CURRENT), 'a');
      closeSync(this.#fd);
      this.#fd = fd;
    } catch (err) {
      // The readings stay in the current file; a later flush seals and confirms them.
      this.#log.error({ err, dir: this.#dir }, 'failed to rotate the write-ahead log; the next flush tries again');
      return this.#sealed.at(-1)?.seq ?? 0;
    }
    this.#sealed.push(this.#current);
    this.#current = { seq: this.#current.seq + 1, count: 0, bytes: 0 };
    return this.#sealed.at(-1)!.seq;
  }

  /** Records that the readings of the sealed files up to `seq` are in history day files. */
  markWritten(seq: number): void {
    this.#written = Math.max(this.#written, seq);
  }

  /** Newest sealed segment, or 0 when none. */
  get lastSealed(): number {
    return this.#sealed.at(-1)?.seq ?? 0;
  }

  /** Newest sealed segment marked written, for the checkpoint that deletes it. */
  get written(): number {
    return this.#written;
  }

  /** Deletes the sealed files up to `seq`: their readings are in history day files on the device. */
  confirm(seq: number): void {
    while (this.#sealed.length > 0 && this.#sealed[0]!.seq <= seq) {
      const segment = this.#sealed[0]!;
      try {
        unlinkSync(join(this.#dir, `${segment.seq}.log`));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.#log.warn({ err, seq }, 'failed to delete a confirmed write-ahead log file; the next start replays it through deduplication');
          return;
        }
      }
      this.#sealed.shift();
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.sync();
    closeSync(this.#fd);
  }
}

function fstatSize(file: string): number {
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
