// When a pot will next need water: the drying rate since the last watering, from a robust line
// fit (Theil–Sen over hourly medians), extended to the species' minimum moisture. Pure: the
// caller passes the history, the calibration and `now`.
import { checkCalibration, type Calibration } from './calibration.js';
import { detectWaterings, type RawPoint, type WateringOptions } from './watering-detect.js';

export interface ForecastOptions {
  /** Time after a watering left out of the fit, because the probe settles and water drains, ms. */
  settleMs: number;
  /** Only the most recent part of the data since the last watering is fitted, ms, so the rate follows the soil as drying slows. */
  fitWindowMs: number;
  /** Recent bins whose median, moved along the fitted slope, gives the level at `now`. */
  levelBins: number;
  /** Width of the bins whose medians are fitted, ms. */
  binMs: number;
  /** Minimum number of bins the fit needs. */
  minBins: number;
  /** Minimum time from the first to the last fitted bin, ms. */
  minSpanMs: number;
  /** Only pairs of bins at least this far apart give a slope, so a night's step counts as drying. */
  minPairMs: number;
  /** Minimum drying rate that still gives a forecast, percent of calibration per day. */
  minPercentPerDay: number;
  /** Latest forecast returned, ms after `now`; a later crossing is reported as too flat. */
  maxHorizonMs: number;
  /** Quantiles of the pairwise slopes that bound the interval (fast and slow drying). */
  lowQuantile: number;
  highQuantile: number;
  /** Options for finding the last watering. */
  watering: Partial<WateringOptions>;
}

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = {
  settleMs: 3 * HOUR,
  fitWindowMs: 3 * DAY,
  levelBins: 6,
  binMs: HOUR,
  minBins: 12,
  minSpanMs: DAY,
  minPairMs: 12 * HOUR,
  minPercentPerDay: 0.5,
  maxHorizonMs: 30 * DAY,
  lowQuantile: 0.1,
  highQuantile: 0.9,
  watering: {},
};

export interface WateringForecast {
  /** Expected time the moisture reaches the minimum, Unix ms. */
  at: number;
  /**
   * Interval from the fast and slow drying rates (quantiles of pairwise slopes), Unix ms.
   * NOTE: it does not model drying slowing down as the soil dries, so forecasts several days
   * ahead come early: by up to 2 days on the recorded PlantWatch trace (see the test).
   */
  earliest: number;
  latest: number;
  /** Drying rate in raw counts per day, signed like the raw value. */
  rawPerDay: number;
  /** Drying rate, percent of calibration per day (positive while drying). */
  percentPerDay: number;
  /** Fitted moisture at `now`, percent of calibration. */
  percentNow: number;
  /** Start of the fitted data (last watering plus settleMs, or the first reading), Unix ms. */
  from: number;
  bins: number;
}

export type ForecastReason = 'no_calibration' | 'too_short' | 'too_flat' | 'already_dry';
export type ForecastResult = { ok: true; forecast: WateringForecast } | { ok: false; reason: ForecastReason; detail: string };

interface Bin {
  at: number;
  value: number;
}

function quantile(sorted: number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Reduces points to one median per bin, which evens out the sampling rate and the noise. */
function binMedians(points: Bin[], binMs: number): Bin[] {
  const groups = new Map<number, Bin[]>();
  for (const point of points) {
    const key = Math.floor(point.at / binMs);
    const group = groups.get(key) ?? [];
    group.push(point);
    groups.set(key, group);
  }
  const bins: Bin[] = [];
  for (const group of groups.values()) {
    const values = group.map((p) => p.value).sort((a, b) => a - b);
    const times = group.map((p) => p.at).sort((a, b) => a - b);
    bins.push({ at: quantile(times, 0.5), value: quantile(values, 0.5) });
  }
  return bins.sort((a, b) => a.at - b.at);
}

/** Returns the slopes of all bin pairs at least `minPairMs` apart, sorted, in value per ms. */
function pairSlopes(bins: Bin[], minPairMs: number): number[] {
  const slopes: number[] = [];
  for (let i = 0; i < bins.length; i++) {
    for (let j = i + 1; j < bins.length; j++) {
      const dt = bins[j]!.at - bins[i]!.at;
      if (dt >= minPairMs) slopes.push((bins[j]!.value - bins[i]!.value) / dt);
    }
  }
  return slopes.sort((a, b) => a - b);
}

interface DryingFit {
  /** Median, fast and slow slopes, dryness percent per ms. */
  slope: number;
  fast: number;
  slow: number;
  /** Dryness at `now`, percent (100 minus moisture). */
  dryNow: number;
}

/** Fits the drying rate (Theil–Sen over pairs `minPairMs` apart) and the level at `now` from the latest bins. */
function fitDrying(bins: Bin[], now: number, o: ForecastOptions): DryingFit {
  const slopes = pairSlopes(bins, o.minPairMs);
  const slope = quantile(slopes, 0.5);
  const offsets = bins.slice(-o.levelBins).map((b) => b.value - slope * (b.at - now)).sort((a, b) => a - b);
  return {
    slope: slope,
    fast: quantile(slopes, o.highQuantile),
    slow: quantile(slopes, o.lowQuantile),
    dryNow: quantile(offsets, 0.5),
  };
}

function crossing(level: number, slope: number, target: number, now: number): number {
  return now + (target - level) / slope;
}

/**
 * Forecasts the next watering: when the moisture will reach `minPercent` of the calibration at
 * the rate fitted since the last watering. Returns a reason instead when the pot is not
 * calibrated, the data is too short, the soil is not drying measurably, or it is already dry.
 */
export function forecastWatering(
  history: RawPoint[],
  calibration: Calibration | null,
  minPercent: number,
  now: number,
  options: Partial<ForecastOptions> = {},
): ForecastResult {
  const o: ForecastOptions = { ...DEFAULT_FORECAST_OPTIONS, ...options };
  if (calibration === null || checkCalibration(calibration) !== null) {
    return { ok: false, reason: 'no_calibration', detail: 'the pot needs a dry and a wet calibration point before a forecast' };
  }

  // Dryness rises as the soil dries, whichever way the probe runs: 0 at the wet point, 100 at dry.
  const span = calibration.dry - calibration.wet;
  const toDryness = (raw: number): number => ((raw - calibration.wet) / span) * 100;
  const past = history.filter((p) => p.at <= now);
  const last = detectWaterings(past, calibration, o.watering).waterings.pop();
  const from = Math.max(last ? last.at + o.settleMs : -Infinity, now - o.fitWindowMs);
  const points = past
    .filter((p): p is { at: number; raw: number } => typeof p.raw === 'number' && Number.isFinite(p.raw) && p.at >= from)
    .map((p) => ({ at: p.at, value: toDryness(p.raw) }));

  const bins = binMedians(points, o.binMs);
  const spanMs = bins.length > 0 ? bins[bins.length - 1]!.at - bins[0]!.at : 0;
  // Theil–Sen needs at least one pair of bins minPairMs apart.
  if (bins.length < o.minBins || spanMs < Math.max(o.minSpanMs, o.minPairMs)) {
    return { ok: false, reason: 'too_short', detail: bins.length + ' hourly bins over ' + Math.round(spanMs / HOUR) + ' h since the last watering; a forecast needs ' + o.minBins + ' bins over ' + Math.round(o.minSpanMs / HOUR) + ' h' };
  }

  const { slope, fast, slow, dryNow } = fitDrying(bins, now, o);
  const target = 100 - minPercent;
  const percentPerDay = slope * DAY;

  if (dryNow >= target) {
    return { ok: false, reason: 'already_dry', detail: 'moisture is about ' + (100 - dryNow).toFixed(1) + ' %, at or below the minimum of ' + minPercent + ' %' };
  }
  if (percentPerDay < o.minPercentPerDay || crossing(dryNow, slope, target, now) - now > o.maxHorizonMs) {
    return { ok: false, reason: 'too_flat', detail: 'drying at ' + percentPerDay.toFixed(2) + ' %/day, too slowly to forecast within ' + Math.round(o.maxHorizonMs / DAY) + ' days' };
  }

  const at = crossing(dryNow, slope, target, now);
  const earliest = crossing(dryNow, fast, target, now);
  const latest = slow > 0 ? Math.min(crossing(dryNow, slow, target, now), now + o.maxHorizonMs) : now + o.maxHorizonMs;
  const forecast: WateringForecast = {
    at: Math.round(at),
    earliest: Math.round(Math.min(earliest, at)),
    latest: Math.round(Math.max(latest, at)),
    rawPerDay: (percentPerDay * span) / 100,
    percentPerDay: percentPerDay,
    percentNow: 100 - dryNow,
    from: bins[0]!.at,
    bins: bins.length,
  };
  return { ok: true, forecast: forecast };
}

/** Days from `now` to the forecast and its interval, rounded to half days, for messages such as "dans ~3 jours". */
export function forecastDays(forecast: WateringForecast, now: number): { days: number; earliest: number; latest: number } {
  const halfDays = (t: number): number => Math.max(0, Math.round(((t - now) / DAY) * 2) / 2);
  return { days: halfDays(forecast.at), earliest: halfDays(forecast.earliest), latest: halfDays(forecast.latest) };
}
