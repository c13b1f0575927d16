// Waterings found in a moisture history: a sharp step of the raw value towards wet, larger than
// the noise and than a share of the calibration span, held by the readings that follow. Works on
// raw counts so it runs before a pot is calibrated. Pure: the caller passes the readings.
import type { Calibration } from './calibration.js';

export interface RawPoint {
  /** Unix ms. */
  at: number;
  raw: number | null;
}

export interface WateringOptions {
  /** Readings before a candidate step whose median is the level before it. */
  baselineReadings: number;
  /** Readings from the step on that must all stay wet; their median is the level after it. */
  confirmReadings: number;
  /** Step threshold as a multiple of the reading-to-reading noise (robust standard deviation). */
  noiseFactor: number;
  /** Minimum step as a percentage of the calibration span |dry − wet|, when a calibration is given. */
  minRisePercent: number;
  /** Minimum step in raw counts when no calibration is given. */
  minRawStep: number;
  /** Readings further apart than this are separated by a gap (the pot slept, or logging stopped), ms. */
  maxGapMs: number;
  /** A dry step that returns to wet within this time is the probe lifted out and put back, ms. */
  excursionMs: number;
}

export const DEFAULT_WATERING_OPTIONS: WateringOptions = {
  baselineReadings: 5,
  confirmReadings: 3,
  noiseFactor: 8,
  minRisePercent: 10,
  // NOTE: sized for 12- to 16-bit ADCs with a span of a few thousand counts; calibrate for better.
  minRawStep: 400,
  maxGapMs: 2 * 3600 * 1000,
  excursionMs: 2 * 3600 * 1000,
};

export interface Watering {
  /** Time of the first wet reading, Unix ms. */
  at: number;
  /**
   * Time of the last dry reading in the soil, Unix ms: the watering happened between it and `at`.
   * After the probe was out, it is the last reading before the probe left the soil.
   */
  lastDryAt: number;
  rawBefore: number;
  rawAfter: number;
  /** Step towards wet in raw counts, always positive. */
  rise: number;
  /** The step as a percentage of the calibration span, or null without calibration. */
  risePercent: number | null;
  /** True when a gap (see maxGapMs) lies between lastDryAt and at. */
  acrossGap: boolean;
  /** True when the probe was out of the soil just before, so rawBefore is the level before that. */
  afterProbeOut: boolean;
}

export interface WateringResult {
  waterings: Watering[];
  /** Reading-to-reading noise, raw counts (robust standard deviation). */
  noise: number;
  /** Smallest step counted as a watering, raw counts. */
  threshold: number;
}

interface Step {
  index: number;
  direction: 'wet' | 'dry';
  /** Dryness level before and after the step (raw counts, signed so that higher is drier). */
  before: number;
  after: number;
  acrossGap: boolean;
}

/** Median of a typed array, which it sorts in place (numeric order, no comparator needed). */
function medianInPlace(values: Float64Array): number {
  values.sort();
  const middle = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}

/** Median of points[from, to), through `scratch`, which must be at least to - from long. */
function medianOfRange(points: { value: number }[], from: number, to: number, scratch: Float64Array): number {
  // Insertion sort: the ranges are a few readings long, and this runs once per reading per call.
  const length = to - from;
  for (let i = 0; i < length; i++) {
    const value = points[from + i]!.value;
    let j = i;
    while (j > 0 && scratch[j - 1]! > value) {
      scratch[j] = scratch[j - 1]!;
      j--;
    }
    scratch[j] = value;
  }
  const middle = Math.floor(length / 2);
  return length % 2 === 1 ? scratch[middle]! : (scratch[middle - 1]! + scratch[middle]!) / 2;
}

/** Estimates the noise from first differences within runs, with the median absolute deviation. */
export function estimateNoise(points: { at: number; value: number }[], maxGapMs: number): number {
  const buffer = new Float64Array(Math.max(0, points.length - 1));
  let count = 0;
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.at - points[i - 1]!.at <= maxGapMs) buffer[count++] = points[i]!.value - points[i - 1]!.value;
  }
  if (count < 10) return 0;

  const diffs = buffer.subarray(0, count);
  const center = medianInPlace(diffs);
  // The order of the differences plays no part in their median, so the sorted array is reused.
  for (let i = 0; i < count; i++) diffs[i] = Math.abs(diffs[i]! - center);
  const mad = medianInPlace(diffs);
  // 1.4826 × MAD estimates a normal standard deviation; a difference of two readings has √2 of it.
  return (1.4826 * mad) / Math.SQRT2;
}

/** Finds confirmed steps in a dryness series: a level change of `threshold` or more, held by the next readings. */
function findSteps(points: { at: number; value: number }[], threshold: number, o: WateringOptions): Step[] {
  const steps: Step[] = [];
  const scratch = new Float64Array(Math.max(o.baselineReadings, o.confirmReadings));
  let segmentStart = 0;
  let i = 1;
  while (i + o.confirmReadings <= points.length) {
    const before = medianOfRange(points, Math.max(segmentStart, i - o.baselineReadings), i, scratch);
    const first = points[i]!.value;
    // Most readings are no step: the first one is checked before any median of the next ones.
    if (Math.abs(first - before) < threshold) {
      i++;
      continue;
    }
    const after = medianOfRange(points, i, i + o.confirmReadings, scratch);
    const next = points.slice(i, i + o.confirmReadings).map((p) => p.value);

    const wet = before - first >= threshold && before - after >= threshold && next.every((v) => before - v >= threshold / 2);
    const dry = first - before >= threshold && after - before >= threshold && next.every((v) => v - before >= threshold / 2);
    if (wet || dry) {
      const acrossGap = points[i]!.at - points[i - 1]!.at > o.maxGapMs;
      steps.push({ index: i, direction: wet ? 'wet' : 'dry', before: before, after: after, acrossGap: acrossGap });
      segmentStart = i;
      i += o.confirmReadings;
    } else {
      i++;
    }
  }
  return steps;
}

function stepThreshold(noise: number, calibration: Calibration | null, o: WateringOptions): number {
  const floor = calibration ? (Math.abs(calibration.dry - calibration.wet) * o.minRisePercent) / 100 : o.minRawStep;
  return Math.max(o.noiseFactor * noise, floor, 1);
}

/** Turns confirmed wet steps into waterings, measuring a step after a probe excursion from before it. */
function wetSteps(
  steps: Step[],
  points: { at: number; value: number }[],
  scale: { sign: number; span: number; threshold: number },
  o: WateringOptions,
): Watering[] {
  const { sign, span, threshold } = scale;
  const waterings: Watering[] = [];
  steps.forEach((step, n) => {
    if (step.direction !== 'wet') return;

    const previous = n > 0 ? steps[n - 1]! : null;
    const probeOut =
      previous !== null && previous.direction === 'dry' && !previous.acrossGap &&
      points[step.index]!.at - points[previous.index]!.at <= o.excursionMs;
    const before = probeOut ? previous.before : step.before;
    const rise = before - step.after;
    if (rise < threshold) return;

    waterings.push({
      at: points[step.index]!.at,
      lastDryAt: points[(probeOut ? previous.index : step.index) - 1]!.at,
      rawBefore: sign * before,
      rawAfter: sign * step.after,
      rise: rise,
      risePercent: span > 0 ? Math.round((rise / span) * 1000) / 10 : null,
      acrossGap: step.acrossGap,
      afterProbeOut: probeOut,
    });
  });
  return waterings;
}

/**
 * Detects waterings in a moisture history. The calibration gives the direction (most capacitive
 * probes read higher when drier, the default without one) and the minimum step. A step towards
 * wet that follows a dry step within `excursionMs` is measured from the level before the dry step,
 * so lifting the probe out and putting it back is no watering. A drop in the last
 * `confirmReadings` readings is reported once enough readings confirm it.
 */
export function detectWaterings(
  history: RawPoint[],
  calibration: Calibration | null,
  options: Partial<WateringOptions> = {},
): WateringResult {
  const o: WateringOptions = { ...DEFAULT_WATERING_OPTIONS, ...options };
  const sign = calibration && calibration.dry < calibration.wet ? -1 : 1;
  const points = history
    .filter((p): p is { at: number; raw: number } => typeof p.raw === 'number' && Number.isFinite(p.raw))
    .sort((a, b) => a.at - b.at)
    .map((p) => ({ at: p.at, value: sign * p.raw }));

  const noise = estimateNoise(points, o.maxGapMs);
  const threshold = stepThreshold(noise, calibration, o);
  const steps = findSteps(points, threshold, o);
  const span = calibration ? Math.abs(calibration.dry - calibration.wet) : 0;
  const waterings = wetSteps(steps, points, { sign: sign, span: span, threshold: threshold }, o);
  return { waterings: waterings, noise: noise, threshold: threshold };
}
