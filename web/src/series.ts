// Turns stored readings into the columns uPlot draws. Pure, so it is tested without a browser.
import type { StoredReading } from '../../domain/reading.js';

/** Percent when the pot sends calibrated moisture, otherwise the raw ADC count. */
export type MoistureMode = 'percent' | 'raw';
/** Lux when the pot's sensor gives them, otherwise the raw ADC count. */
export type LightMode = 'lux' | 'raw';

export interface ChartColumns {
  /** Unix seconds, uPlot's default time unit, ascending. */
  x: number[];
  moisture: (number | null)[];
  light: (number | null)[];
  /** Number of readings drawn, not counting the gap markers. */
  points: number;
}

/** Readings farther apart than this many intervals are not joined by a line. */
export const GAP_INTERVALS = 3;

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
 * Builds the chart columns. Between two readings more than GAP_INTERVALS intervals apart a
 * null point is inserted, so uPlot leaves a gap instead of drawing a line across the outage.
 * A missing value (partial reading, sensor fault) is null too, never 0.
 */
export function buildColumns(
  readings: readonly StoredReading[],
  intervalS: number,
  modes: { moisture: MoistureMode; light: LightMode },
): ChartColumns {
  const columns: ChartColumns = { x: [], moisture: [], light: [], points: 0 };
  const gapMs = GAP_INTERVALS * Math.max(1, intervalS) * 1000;
  let previousAt: number | null = null;

  for (const reading of readings) {
    if (previousAt !== null && reading.at - previousAt > gapMs) {
      columns.x.push((previousAt + reading.at) / 2 / 1000);
      columns.moisture.push(null);
      columns.light.push(null);
    }
    const moisture = modes.moisture === 'percent' ? reading.moisture : reading.moisture_raw;
    const light = modes.light === 'lux' ? reading.light : reading.light_raw;
    columns.x.push(reading.at / 1000);
    columns.moisture.push(typeof moisture === 'number' ? moisture : null);
    columns.light.push(typeof light === 'number' ? light : null);
    columns.points += 1;
    previousAt = reading.at;
  }
  return columns;
}
