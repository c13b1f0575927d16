// Chart series for a range of a pot's history: raw readings when they fit the point budget,
// otherwise min/mean/max buckets built from the finest rollup that fits. Columns are ready for
// uPlot: one time array in Unix milliseconds UTC, strictly increasing, and value arrays in which
// null marks a missing value or a gap, never 0.
import type { StoredReading } from './reading.js';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  RESOLUTION_MS,
  ROLLUP_FIELDS,
  addToBucket,
  bucketAt,
  bucketStart,
  bucketsInRange,
  coarsenBuckets,
  statsMean,
  type Bucket,
  type Resolution,
} from './rollup.js';

export const DEFAULT_MAX_POINTS = 2000;

/** Consecutive points farther apart than this many expected steps get a null point between them. */
export const GAP_FACTOR = 3;

/** Chart steps tried from finest to coarsest. Beyond a day, whole numbers of days are used. */
const STEPS_MS = [5, 10, 15, 30, 60, 120, 180, 360, 720].map((minutes) => minutes * MINUTE_MS).concat([DAY_MS]);

export interface SeriesOptions {
  /** Range start, Unix milliseconds UTC, included. */
  from: number;
  /** Range end, Unix milliseconds UTC, excluded. */
  to: number;
  /** The pot's reading interval in milliseconds, the expected distance between raw readings. */
  intervalMs: number;
  /** Maximum number of chart points, gap markers excluded. DEFAULT_MAX_POINTS when absent. */
  maxPoints?: number;
}

/** Source to load for a chart: raw readings, or the buckets of one stored resolution merged into `stepMs` buckets. */
export type SeriesPlan = { source: 'raw' } | { source: Resolution; stepMs: number };

export interface FieldColumns {
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface ChartSeries {
  from: number;
  to: number;
  /** Raw readings, one point each, or min/mean/max buckets of `stepMs`. */
  kind: 'raw' | 'buckets';
  /** Bucket length in milliseconds, or 0 for raw readings. */
  stepMs: number;
  /** Point times: bucket starts or reading times. */
  t: number[];
  /** Readings behind each point, 0 for a gap marker. */
  n: number[];
  moisture: FieldColumns;
  moisture_raw: FieldColumns;
  light: FieldColumns;
  light_raw: FieldColumns;
}

function checkOptions(options: SeriesOptions): number {
  const { from, to, intervalMs } = options;
  const maxPoints = options.maxPoints ?? DEFAULT_MAX_POINTS;
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) {
    throw new RangeError('invalid chart range from ' + from + ' to ' + to + ': pass finite Unix milliseconds with from before to');
  }
  if (!Number.isFinite(intervalMs) || !(intervalMs > 0)) {
    throw new RangeError('invalid reading interval ' + intervalMs + ' ms: pass the pot\'s interval, a positive number of milliseconds');
  }
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError('invalid maximum of ' + maxPoints + ' chart points: pass a positive integer');
  }
  return maxPoints;
}

/** Returns the number of buckets of length `stepMs` that overlap [from, to). */
export function bucketCount(from: number, to: number, stepMs: number): number {
  return bucketStart(to - 1, stepMs) / stepMs - bucketStart(from, stepMs) / stepMs + 1;
}

/** Returns the coarsest stored resolution whose bucket length divides `stepMs`. */
function sourceFor(stepMs: number): Resolution {
  if (stepMs % DAY_MS === 0) return '1d';
  if (stepMs % HOUR_MS === 0) return '1h';
  return '5m';
}

/** Returns the finest bucket length with at most `maxPoints` buckets over [from, to). */
function chooseStep(from: number, to: number, maxPoints: number): number {
  for (const stepMs of STEPS_MS) {
    if (bucketCount(from, to, stepMs) <= maxPoints) return stepMs;
  }
  let days = Math.ceil(bucketCount(from, to, DAY_MS) / maxPoints);
  while (bucketCount(from, to, days * DAY_MS) > maxPoints) days += 1;
  return days * DAY_MS;
}

/**
 * Chooses what to load for a chart: raw readings when the pot's interval gives at most
 * `maxPoints` of them over the range, else the finest bucket length that fits and the stored
 * rollup to merge into it.
 */
export function planSeries(options: SeriesOptions): SeriesPlan {
  const maxPoints = checkOptions(options);
  const { from, to, intervalMs } = options;
  if (Math.ceil((to - from) / intervalMs) <= maxPoints) return { source: 'raw' };

  const stepMs = chooseStep(from, to, maxPoints);
  return { source: sourceFor(stepMs), stepMs };
}

function emptyColumns(): FieldColumns {
  return { mean: [], min: [], max: [] };
}

function pushPoint(series: ChartSeries, bucket: Bucket): void {
  series.t.push(bucket.t);
  series.n.push(bucket.n);
  for (const field of ROLLUP_FIELDS) {
    const stats = bucket[field];
    const columns = series[field];
    columns.mean.push(statsMean(stats));
    columns.min.push(stats === null ? null : stats.min);
    columns.max.push(stats === null ? null : stats.max);
  }
}

function pushGap(series: ChartSeries, t: number): void {
  series.t.push(t);
  series.n.push(0);
  for (const field of ROLLUP_FIELDS) {
    const columns = series[field];
    columns.mean.push(null);
    columns.min.push(null);
    columns.max.push(null);
  }
}

/**
 * Turns sorted points into columns. Where two points lie more than GAP_FACTOR expected steps
 * apart, a null point is put one expected step after the first, so uPlot 1.6 breaks the line
 * there (its series option `spanGaps` is false by default).
 */
function toSeries(points: readonly Bucket[], stepMs: number, options: SeriesOptions): ChartSeries {
  const series: ChartSeries = {
    from: options.from,
    to: options.to,
    kind: stepMs === 0 ? 'raw' : 'buckets',
    stepMs,
    t: [],
    n: [],
    moisture: emptyColumns(),
    moisture_raw: emptyColumns(),
    light: emptyColumns(),
    light_raw: emptyColumns(),
  };
  // A pot that reads less often than the bucket length leaves empty buckets that are not a gap.
  // NOTE: one interval is assumed for the whole range. If the pot's interval was raised, short
  // gaps among older, denser readings go unmarked; if lowered, older readings show as lone dots.
  const expectedMs = Math.max(stepMs, options.intervalMs);

  let previous: number | null = null;
  for (const point of points) {
    if (previous !== null && point.t - previous > GAP_FACTOR * expectedMs) pushGap(series, previous + expectedMs);
    pushPoint(series, point);
    previous = point.t;
  }
  return series;
}

/** Groups sorted readings into buckets of `stepMs`, or one point per distinct time when `stepMs` is 0. */
function groupReadings(sorted: readonly StoredReading[], stepMs: number): Bucket[] {
  const points: Bucket[] = [];
  for (const reading of sorted) {
    const t = stepMs === 0 ? reading.at : bucketStart(reading.at, stepMs);
    addToBucket(bucketAt(points, t), reading);
  }
  return points;
}

/**
 * Builds a series from raw readings in any order; those outside [from, to) are ignored.
 * Readings with the same `at` become one point with their min, mean and max. When there are more
 * than `maxPoints` readings, because the pot read more often than every `intervalMs`, they are grouped
 * into buckets as rollups would be.
 */
export function seriesFromReadings(readings: readonly StoredReading[], options: SeriesOptions): ChartSeries {
  const maxPoints = checkOptions(options);
  const { from, to } = options;
  const sorted = readings.filter((r) => r.at >= from && r.at < to).sort((a, b) => a.at - b.at);

  const points = groupReadings(sorted, 0);
  if (points.length <= maxPoints) return toSeries(points, 0, options);

  const stepMs = chooseStep(from, to, maxPoints);
  return toSeries(groupReadings(sorted, stepMs), stepMs, options);
}

/**
 * Builds a series from the sorted buckets of one stored resolution, merged into the bucket length
 * planSeries would choose. When that length is not a multiple of the resolution's, the next
 * multiple is used, so the point count never exceeds `maxPoints`.
 */
export function seriesFromRollups(buckets: readonly Bucket[], resolution: Resolution, options: SeriesOptions): ChartSeries {
  const maxPoints = checkOptions(options);
  const { from, to } = options;
  const sourceMs = RESOLUTION_MS[resolution];
  const stepMs = Math.ceil(chooseStep(from, to, maxPoints) / sourceMs) * sourceMs;

  const inRange = bucketsInRange(buckets, sourceMs, from, to);
  const points = stepMs === sourceMs ? inRange : coarsenBuckets(inRange, sourceMs, stepMs);
  return toSeries(points, stepMs, options);
}
