// Chart series of a pot for any range: raw readings when they fit the point budget and are still
// kept, otherwise the rollup that domain/chart-series.ts plans.
import type { PotId } from '../../domain/pot-id.js';
import { planSeries, seriesFromReadings, seriesFromRollups, type ChartSeries, type SeriesOptions } from '../../domain/chart-series.js';
import type { History } from './history.js';
import type { Rollups } from './rollups.js';

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

  if (plan.source === 'raw') {
    // Raw files of expired days are gone; their 5-minute rollups stand in for them.
    if (options.from < rawSince) return seriesFromRollups(await rollups.buckets(potId, '5m', options.from, options.to), '5m', options);
    return seriesFromReadings(await history.query(potId, options.from, options.to), options);
  }
  return seriesFromRollups(await rollups.buckets(potId, plan.source, options.from, options.to), plan.source, options);
}
