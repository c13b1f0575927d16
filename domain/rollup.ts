// Rollups of a pot's readings: 5-minute, hourly and daily buckets aligned to UTC, each with
// min, max, sum and count per measured field. Buckets are plain JSON so lowdb can store them.
// Every bucket lies inside one UTC day, like the raw day files, so a day's buckets can always be
// rebuilt from that day's file alone.
import type { StoredReading } from './reading.js';

export const ROLLUP_FIELDS = ['moisture', 'moisture_raw', 'light', 'light_raw'] as const;
export type RollupField = (typeof ROLLUP_FIELDS)[number];

export const RESOLUTIONS = ['5m', '1h', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Bucket length of each resolution, in milliseconds. */
export const RESOLUTION_MS: Record<Resolution, number> = { '5m': 5 * MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS };

/** Statistics of one field's non-null values in a bucket. The mean is sum / count. */
export interface FieldStats {
  min: number;
  max: number;
  sum: number;
  count: number;
}

export interface Bucket {
  /** Bucket start, Unix milliseconds UTC, a multiple of the bucket length. */
  t: number;
  /** Readings added, including those whose fields were all null. */
  n: number;
  moisture: FieldStats | null;
  moisture_raw: FieldStats | null;
  light: FieldStats | null;
  light_raw: FieldStats | null;
}

/** Buckets of one pot per resolution, each list sorted by `t` with no two buckets at the same `t`. */
export type RollupSet = Record<Resolution, Bucket[]>;

/** Returns the start of the bucket of length `stepMs` that contains `at`. Unix time has no leap seconds, so days align to UTC midnight. */
export function bucketStart(at: number, stepMs: number): number {
  return Math.floor(at / stepMs) * stepMs;
}

export function emptyBucket(t: number): Bucket {
  return { t, n: 0, moisture: null, moisture_raw: null, light: null, light_raw: null };
}

export function emptyRollupSet(): RollupSet {
  return { '5m': [], '1h': [], '1d': [] };
}

function addValue(stats: FieldStats | null, value: number): FieldStats {
  if (stats === null) return { min: value, max: value, sum: value, count: 1 };
  if (value < stats.min) stats.min = value;
  if (value > stats.max) stats.max = value;
  stats.sum += value;
  stats.count += 1;
  return stats;
}

/** Adds one reading's fields to `bucket` in place. Null and non-finite values are skipped. */
export function addToBucket(bucket: Bucket, reading: StoredReading): void {
  bucket.n += 1;
  for (const field of ROLLUP_FIELDS) {
    const value = reading[field];
    if (typeof value === 'number' && Number.isFinite(value)) bucket[field] = addValue(bucket[field], value);
  }
}

function mergeStats(a: FieldStats | null, b: FieldStats | null): FieldStats | null {
  if (a === null) return b === null ? null : { ...b };
  if (b === null) return { ...a };
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), sum: a.sum + b.sum, count: a.count + b.count };
}

/** Adds the readings counted in `source` to `target` in place. */
function absorb(target: Bucket, source: Bucket): void {
  target.n += source.n;
  for (const field of ROLLUP_FIELDS) target[field] = mergeStats(target[field], source[field]);
}

/** Returns a new bucket with the readings of both. Throws a RangeError when they start at different times. */
export function mergeBuckets(a: Bucket, b: Bucket): Bucket {
  if (a.t !== b.t) {
    throw new RangeError('cannot merge the bucket at ' + a.t + ' with the bucket at ' + b.t + ': merge buckets of the same start, or use coarsenBuckets');
  }
  const merged = emptyBucket(a.t);
  absorb(merged, a);
  absorb(merged, b);
  return merged;
}

/** Mean of a field, kept inside [min, max] because a float sum divided by the count can land just outside. */
export function statsMean(stats: FieldStats | null): number | null {
  if (stats === null || stats.count === 0) return null;
  const mean = stats.sum / stats.count;
  return Math.min(stats.max, Math.max(stats.min, mean));
}

/** Index of the first bucket whose `t` is >= `t`, by binary search (buckets.length when none is). */
export function lowerBound(buckets: readonly { t: number }[], t: number): number {
  let low = 0;
  let high = buckets.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (buckets[middle]!.t < t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Returns the bucket at `t`, inserting an empty one in order when there is none. Appending in time order costs O(1). */
export function bucketAt(buckets: Bucket[], t: number): Bucket {
  const last = buckets[buckets.length - 1];
  if (last !== undefined && last.t === t) return last;
  if (last === undefined || last.t < t) {
    const created = emptyBucket(t);
    buckets.push(created);
    return created;
  }

  const index = lowerBound(buckets, t);
  const found = buckets[index];
  if (found !== undefined && found.t === t) return found;
  const created = emptyBucket(t);
  buckets.splice(index, 0, created);
  return created;
}

/**
 * Adds a reading to its bucket in every resolution. Adding the same reading twice counts it
 * twice: the hub deduplicates readings before storing them, and `rebuildDay` repairs a day.
 */
export function addReading(set: RollupSet, reading: StoredReading): void {
  for (const resolution of RESOLUTIONS) {
    const stepMs = RESOLUTION_MS[resolution];
    addToBucket(bucketAt(set[resolution], bucketStart(reading.at, stepMs)), reading);
  }
}

/** Builds every resolution from raw readings, in time order, so sums add up in the same order whatever the input order. */
export function buildRollups(readings: readonly StoredReading[]): RollupSet {
  const set = emptyRollupSet();
  const sorted = [...readings].sort((a, b) => a.at - b.at);
  for (const reading of sorted) addReading(set, reading);
  return set;
}

/**
 * Replaces the buckets of the UTC day that starts at `dayStart` with buckets rebuilt from that
 * day's readings, in every resolution. Readings outside the day are ignored.
 */
export function rebuildDay(set: RollupSet, dayStart: number, readings: readonly StoredReading[]): void {
  if (dayStart !== bucketStart(dayStart, DAY_MS)) {
    throw new RangeError('day start ' + dayStart + ' is not a UTC midnight: pass bucketStart(at, DAY_MS)');
  }
  const dayEnd = dayStart + DAY_MS;
  const rebuilt = buildRollups(readings.filter((r) => r.at >= dayStart && r.at < dayEnd));

  for (const resolution of RESOLUTIONS) {
    const buckets = set[resolution];
    const first = lowerBound(buckets, dayStart);
    const end = lowerBound(buckets, dayEnd);
    buckets.splice(first, end - first, ...rebuilt[resolution]);
  }
}

/**
 * Merges sorted buckets of length `fromStepMs` into buckets of length `toStepMs`, aligned to
 * multiples of `toStepMs`. Throws a RangeError unless `toStepMs` is a multiple of `fromStepMs`,
 * because a finer bucket would otherwise straddle two coarser ones.
 */
export function coarsenBuckets(buckets: readonly Bucket[], fromStepMs: number, toStepMs: number): Bucket[] {
  if (!(fromStepMs > 0) || !(toStepMs > 0) || toStepMs % fromStepMs !== 0) {
    throw new RangeError('cannot coarsen ' + fromStepMs + ' ms buckets into ' + toStepMs + ' ms buckets: the target length must be a multiple of the source length');
  }
  const result: Bucket[] = [];
  for (const bucket of buckets) {
    const t = bucketStart(bucket.t, toStepMs);
    let target = result[result.length - 1];
    if (target === undefined || target.t !== t) {
      target = emptyBucket(t);
      result.push(target);
    }
    absorb(target, bucket);
  }
  return result;
}

/** Buckets of length `stepMs` that overlap [from, to), as a slice of the sorted list. */
export function bucketsInRange(buckets: readonly Bucket[], stepMs: number, from: number, to: number): Bucket[] {
  return buckets.slice(lowerBound(buckets, bucketStart(from, stepMs)), lowerBound(buckets, to));
}

/**
 * Name of the file that stores the bucket at `t`, without `.json`: one file per UTC day for 5-minute
 * buckets, per month for hourly ones and per year for daily ones (sizes in docs/history.md).
 */
export function rollupPartition(resolution: Resolution, t: number): string {
  const iso = new Date(t).toISOString();
  if (resolution === '5m') return iso.slice(0, 10);
  if (resolution === '1h') return iso.slice(0, 7);
  return iso.slice(0, 4);
}

/** Names of the files that hold buckets of `resolution` overlapping [from, to), oldest first. */
export function rollupPartitionsInRange(resolution: Resolution, from: number, to: number): string[] {
  const names: string[] = [];
  if (!(to > from)) return names;
  // Days are the finest partition, and each partition is a whole number of UTC days.
  for (let day = bucketStart(from, DAY_MS); day < to; day += DAY_MS) {
    const name = rollupPartition(resolution, day);
    if (names[names.length - 1] !== name) names.push(name);
  }
  return names;
}

function isStats(value: unknown): value is FieldStats | null {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  const stats = value as Record<string, unknown>;
  return ['min', 'max', 'sum', 'count'].every((key) => typeof stats[key] === 'number');
}

/**
 * Checks buckets read from a file: their shape, and `t` strictly increasing as the binary searches
 * need. A damaged file is then reported instead of charted wrongly.
 */
export function isBucketList(value: unknown): value is Bucket[] {
  if (!Array.isArray(value)) return false;
  let previous = -Infinity;
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return false;
    const bucket = item as Record<string, unknown>;
    const t = bucket['t'];
    if (typeof t !== 'number' || !(t > previous) || typeof bucket['n'] !== 'number') return false;
    if (!ROLLUP_FIELDS.every((field) => isStats(bucket[field]))) return false;
    previous = t;
  }
  return true;
}
