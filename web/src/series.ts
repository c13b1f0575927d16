// Chart columns for the pot page, from stored readings. The gap rule and the point budget come
// from domain/chart-series.ts. This file merges history with live readings and chooses percent
// or raw units. It is pure, so it is tested without a browser.
import { seriesFromReadings, type ChartSeries, type FieldColumns } from '../../domain/chart-series.js';
import { MAX_CLOCK_AHEAD_S, type StoredReading } from '../../domain/reading.js';

/** Percent when the pot sends calibrated moisture, otherwise the raw ADC count. */
export type MoistureMode = 'percent' | 'raw';
/** Lux when the pot's sensor gives them, otherwise the raw ADC count. */
export type LightMode = 'lux' | 'raw';

export interface ChartColumns {
  /** Unix seconds, uPlot's default time unit, ascending. */
  x: number[];
  moisture: (number | null)[];
  light: (number | null)[];
  /** Number of points drawn from readings, not counting the gap markers. */
  points: number;
}

export const DAY_MS = 24 * 3600 * 1000;

export function moistureMode(readings: readonly StoredReading[]): MoistureMode {
  return readings.some((r) => typeof r.moisture === 'number') ? 'percent' : 'raw';
}

export function lightMode(readings: readonly StoredReading[]): LightMode {
  return readings.some((r) => typeof r.light === 'number') || readings.length === 0 ? 'lux' : 'raw';
}

/**
 * Merges readings into a sorted list without duplicates (the same reading can come from the
 * history request and from the live stream) and drops those before `from`.
 */
export function mergeReadings(
  current: readonly StoredReading[],
  added: readonly StoredReading[],
  from: number,
): StoredReading[] {
  const byKey = new Map<string, StoredReading>();
  for (const reading of [...current, ...added]) {
    if (reading.at < from) continue;
    byKey.set(`${reading.at}|${reading.seq}`, reading);
  }
  return [...byKey.values()].sort((a, b) => a.at - b.at);
}

/**
 * Builds the columns of the 24 hours before `now`. Readings more than three intervals apart
 * get a null point between them, so uPlot leaves a gap, and a missing value stays null, never 0.
 * Readings up to MAX_CLOCK_AHEAD_S after `now` are kept, since the hub accepts pot clocks that
 * run that far ahead.
 */
export function buildColumns(
  readings: readonly StoredReading[],
  intervalS: number,
  modes: { moisture: MoistureMode; light: LightMode },
  now: number,
): ChartColumns {
  const series = seriesFromReadings(readings, {
    from: now - DAY_MS,
    to: now + MAX_CLOCK_AHEAD_S * 1000 + 1,
    intervalMs: Math.max(1, intervalS) * 1000,
  });
  const moisture = modes.moisture === 'percent' ? series.moisture : series.moisture_raw;
  const light = modes.light === 'lux' ? series.light : series.light_raw;
  return {
    x: series.t.map((ms) => ms / 1000),
    moisture: moisture.mean,
    light: light.mean,
    points: series.n.filter((count) => count > 0).length,
  };
}

/** The hub's `/series` response (docs/architecture.md). */
export type SeriesResponse = ChartSeries & { potId: string };

export interface BandColumns {
  kind: ChartSeries['kind'];
  stepMs: number;
  /** Unix seconds, ascending. */
  x: number[];
  moisture: FieldColumns;
  light: FieldColumns;
  moistureMode: MoistureMode;
  lightMode: LightMode;
  /** Number of points drawn from readings or buckets, not counting the gap markers. */
  points: number;
}

/**
 * Picks the columns to draw from a `/series` response: percent and lux when the pot sent them
 * in the range, raw counts otherwise, as the 24-hour chart does.
 */
export function bandColumns(series: ChartSeries): BandColumns {
  const moistureMode: MoistureMode = series.moisture.mean.some((v) => v !== null) ? 'percent' : 'raw';
  const hasRawLight = series.light_raw.mean.some((v) => v !== null);
  const lightMode: LightMode = series.light.mean.some((v) => v !== null) || !hasRawLight ? 'lux' : 'raw';
  return {
    kind: series.kind,
    stepMs: series.stepMs,
    x: series.t.map((ms) => ms / 1000),
    moisture: moistureMode === 'percent' ? series.moisture : series.moisture_raw,
    light: lightMode === 'lux' ? series.light : series.light_raw,
    moistureMode,
    lightMode,
    points: series.n.filter((count) => count > 0).length,
  };
}

export interface BucketSize {
  unit: 'day' | 'hour' | 'minute';
  count: number;
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Returns the length of one bucket in the largest whole unit (1 day, 6 hours, 5 minutes), for the
 * chart legend, or null when the columns are raw readings.
 */
export function bucketSize(columns: Pick<BandColumns, 'kind' | 'stepMs'>): BucketSize | null {
  if (columns.kind !== 'buckets' || columns.stepMs <= 0) return null;
  if (columns.stepMs % DAY_MS === 0) return { unit: 'day', count: columns.stepMs / DAY_MS };
  if (columns.stepMs % HOUR_MS === 0) return { unit: 'hour', count: columns.stepMs / HOUR_MS };
  return { unit: 'minute', count: Math.max(1, Math.round(columns.stepMs / MINUTE_MS)) };
}
