// Rollups of every pot on disk, partitioned as domain/rollup.ts names them:
//   <dataDir>/rollups/<id>/5m/<YYYY-MM-DD>.json, 1h/<YYYY-MM>.json, 1d/<YYYY>.json   {buckets}
// Readings are added when the history flushes them, so the files only ever count readings that
// reached a raw day file. A record of "dirty" days, <dataDir>/rollups/dirty.json, lists the days
// whose raw file may have changed without their rollups; the store rebuilds them at start.
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';
import {
  DAY_MS,
  RESOLUTIONS,
  RESOLUTION_MS,
  addToBucket,
  bucketAt,
  bucketStart,
  isBucketList,
  rebuildDay,
  rollupPartition,
  rollupPartitionsInRange,
  type Bucket,
  type Resolution,
  type RollupSet,
} from '../../domain/rollup.js';
import { fsyncFiles } from './fsync.js';
import { openJsonFile } from './json-file.js';
import { OpenFiles } from './open-files.js';

interface BucketFile {
  buckets: Bucket[];
}

interface DirtyFile {
  /** `<id>/<YYYY-MM-DD>` keys whose rollups may not match the raw day file. */
  days: string[];
}

/** Partition files kept in memory, beyond those with unsaved changes. */
const MAX_OPEN_PARTITIONS = 512;
/** Time after which a saved partition not used is dropped from memory, ms. */
export const IDLE_PARTITION_MS = 5 * 60 * 1000;

function isBucketFile(value: unknown): value is BucketFile {
  return typeof value === 'object' && value !== null && isBucketList((value as { buckets?: unknown }).buckets);
}

function isDirtyFile(value: unknown): value is DirtyFile {
  const days = (value as { days?: unknown } | null)?.days;
  return Array.isArray(days) && days.every((d) => typeof d === 'string');
}

/** Splits a `<id>/<YYYY-MM-DD>` key; the day start is Unix milliseconds UTC. */
export function splitDayKey(key: string): { potId: PotId; day: string; dayStart: number } {
  const [potId, day] = key.split('/') as [string, string];
  return { potId, day, dayStart: Date.parse(day + 'T00:00:00Z') };
}

export class Rollups {
  readonly #root: string;
  readonly #log: FastifyBaseLogger;
  readonly #dirty: Low<DirtyFile>;
  /** Open partitions by `<id>/<resolution>/<name>`, least recently used first. */
  readonly #open: OpenFiles<Promise<Low<BucketFile>>>;
  /** Partitions changed in memory and not yet written. */
  readonly #unsaved = new Set<string>();

  private constructor(root: string, dirty: Low<DirtyFile>, log: FastifyBaseLogger, idleMs: number) {
    this.#root = root;
    this.#dirty = dirty;
    this.#log = log;
    this.#open = new OpenFiles({ max: MAX_OPEN_PARTITIONS, idleMs });
  }

  /** Opens the rollup folder; `idleMs` is how long an unused saved partition stays in memory. */
  static async open(dataDir: string, log: FastifyBaseLogger, idleMs = IDLE_PARTITION_MS): Promise<Rollups> {
    const root = join(dataDir, 'rollups');
    await mkdir(root, { recursive: true });
    const dirty = await openJsonFile(join(root, 'dirty.json'), isDirtyFile, () => ({ days: [] }), log);
    return new Rollups(root, dirty, log, idleMs);
  }

  /** Number of partition files in memory. */
  get openPartitions(): number {
    return this.#open.size;
  }

  /** Day keys recorded as dirty, oldest record first. */
  dirtyDays(): string[] {
    return [...this.#dirty.data.days];
  }

  /** Records days as dirty before their raw files are written; writes the record only when it grows. */
  async markDirty(keys: readonly string[]): Promise<void> {
    const days = new Set(this.#dirty.data.days);
    const before = days.size;
    for (const key of keys) days.add(key);
    if (days.size === before) return;
    this.#dirty.data.days = [...days];
    await this.#dirty.write();
    // On the device before the raw files it covers, which the log checkpoint fsyncs later.
    await fsyncFiles([join(this.#root, 'dirty.json')]);
  }

  /** Removes days from the dirty record once their rollup files are on disk. */
  async clearDirty(keys: readonly string[]): Promise<void> {
    const drop = new Set(keys);
    const days = this.#dirty.data.days.filter((key) => !drop.has(key));
    if (days.length === this.#dirty.data.days.length) return;
    this.#dirty.data.days = days;
    await this.#dirty.write();
  }

  /** Adds readings that were just written to the pot's raw files. Call `save` to write the partitions. */
  async add(potId: PotId, readings: readonly StoredReading[]): Promise<void> {
    // Every partition is a whole number of UTC days, so one look-up per day serves each reading of it.
    let dayStart = NaN;
    let partitions: Bucket[][] = [];
    for (const reading of readings) {
      if (bucketStart(reading.at, DAY_MS) !== dayStart) {
        dayStart = bucketStart(reading.at, DAY_MS);
        partitions = await this.#dayPartitions(potId, dayStart);
      }
      RESOLUTIONS.forEach((resolution, index) => {
        addToBucket(bucketAt(partitions[index]!, bucketStart(reading.at, RESOLUTION_MS[resolution])), reading);
      });
    }
  }

  /** Bucket lists of the partitions that hold a day, one per resolution, marked unsaved. */
  async #dayPartitions(potId: PotId, dayStart: number): Promise<Bucket[][]> {
    const lists: Bucket[][] = [];
    for (const resolution of RESOLUTIONS) {
      const name = rollupPartition(resolution, dayStart);
      lists.push((await this.#partition(potId, resolution, name)).data.buckets);
      this.#unsaved.add(this.#key(potId, resolution, name));
    }
    return lists;
  }

  /** Replaces a day's buckets in every resolution by a recomputation from its raw readings. */
  async rebuildDay(potId: PotId, dayStart: number, readings: readonly StoredReading[]): Promise<void> {
    const [fiveMinutes, hours, days] = (await this.#dayPartitions(potId, dayStart)) as [Bucket[], Bucket[], Bucket[]];
    const set: RollupSet = { '5m': fiveMinutes, '1h': hours, '1d': days };
    rebuildDay(set, dayStart, readings);
  }

  /**
   * Writes every partition changed since the last save and fsyncs them, so the dirty record can
   * be cleared after. Returns false when one write failed.
   */
  async save(): Promise<boolean> {
    let ok = true;
    const written: string[] = [];
    for (const key of [...this.#unsaved]) {
      const partition = await this.#open.peek(key);
      if (!partition) continue;
      try {
        await mkdir(dirname(join(this.#root, key)), { recursive: true });
        await partition.write();
        this.#unsaved.delete(key);
        written.push(join(this.#root, key + '.json'));
      } catch (err) {
        ok = false;
        this.#log.error({ err, partition: key }, 'failed to write a rollup file; retrying at the next flush');
      }
    }
    try {
      await fsyncFiles(written);
    } catch (err) {
      // The dirty record stays, so the next start rebuilds these days from the raw files.
      ok = false;
      this.#log.error({ err, files: written.length }, 'failed to fsync rollup files');
    }
    this.#open.evict((key) => this.#unsaved.has(key));
    return ok;
  }

  /** Buckets of one resolution that overlap [from, to), sorted by start. */
  async buckets(potId: PotId, resolution: Resolution, from: number, to: number): Promise<Bucket[]> {
    // Opened together, so the reads of files not yet in memory overlap.
    const names = rollupPartitionsInRange(resolution, from, to);
    const partitions = await Promise.all(names.map((name) => this.#partition(potId, resolution, name)));
    return partitions.flatMap((partition) => partition.data.buckets);
  }

  /** True when the daily rollup counts readings of the UTC day starting at `dayStart`. */
  async hasDay(potId: PotId, dayStart: number): Promise<boolean> {
    const partition = await this.#partition(potId, '1d', rollupPartition('1d', dayStart));
    return partition.data.buckets.some((bucket) => bucket.t === bucketStart(dayStart, DAY_MS) && bucket.n > 0);
  }

  /** Pot ids that have a rollup folder. */
  async potIds(): Promise<PotId[]> {
    const entries = await readdir(this.#root, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  }

  #key(potId: PotId, resolution: Resolution, name: string): string {
    return potId + '/' + resolution + '/' + name;
  }

  #partition(potId: PotId, resolution: Resolution, name: string): Promise<Low<BucketFile>> {
    const key = this.#key(potId, resolution, name);
    let partition = this.#open.use(key);
    if (partition === undefined) {
      const loading = openJsonFile(join(this.#root, key + '.json'), isBucketFile, () => ({ buckets: [] }), this.#log, true);
      // Forget a partition that failed to open, so the next access tries again.
      loading.catch(() => this.#open.delete(key));
      this.#open.add(key, loading);
      partition = loading;
    }
    // A partition with unsaved buckets must stay in memory, or its changes would be lost.
    this.#open.evict((other) => other === key || this.#unsaved.has(other));
    return partition;
  }
}
