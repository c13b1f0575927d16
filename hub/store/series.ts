// Chart series of a pot for any range: raw readings when they fit the point budget and are still
// kept, daily buckets for long ranges, otherwise the rollup that domain/chart-series.ts plans.
import type { PotId } from '../../domain/pot-id.js';
import { DAY_MS } from '../../domain/rollup.js';
import { planSeries, seriesFromReadings, seriesFromRollups, type ChartSeries, type SeriesOptions } from '../../domain/chart-series.js';
import type { History } from './history.js';
import type { Rollups } from './rollups.js';

/**
 * Shortest span charted from the daily rollup, whatever the point budget. A year then reads two
 * yearly files of 365 buckets instead of 13 monthly files of hourly buckets, whose parsing made the
 * first 1-year request take about 70 ms. On a 1 000-pixel chart a day is then 5.6 pixels or less.
 */
export const DAILY_SPAN_MS = 180 * DAY_MS;

export interface SeriesRequest extends SeriesOptions {
  /** Readings younger than this (Unix ms) are guaranteed to still have their raw day file. */
  rawSince: number;
}

/**
 * Loads the series. Throws the RangeError of planSeries on a bad range or point count.
 * NOTE: readings still waiting for a flush (up to POCO_FLUSH_MS old) are in raw series only,
 * because rollups count a reading once it is written.
 */
export async function loadSeries(history: History, rollups: Rollups, potId: PotId, request: SeriesRequest): Promise<ChartSeries> {
  const { rawSince, ...options } = request;
  const plan = planSeries(options);

  if (plan.source !== 'raw' && options.to - options.from >= DAILY_SPAN_MS) {
    return seriesFromRollups(await rollups.buckets(potId, '1d', options.from, options.to), '1d', options);
  }
  if (plan.source === 'raw') {
    // Raw files of expired days are gone; their 5-minute rollups stand in for them.
    if (options.from < rawSince) return seriesFromRollups(await rollups.buckets(potId, '5m', options.from, options.to), '5m', options);
    return seriesFromReadings(await history.query(potId, options.from, options.to), options);
  }
  return seriesFromRollups(await rollups.buckets(potId, plan.source, options.from, options.to), plan.source, options);
}
