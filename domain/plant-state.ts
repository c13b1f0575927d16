// Whether a plant is too dry, too wet, too dark or too bright, as episodes with one start and one
// clear event each. Moisture is judged per reading with hysteresis and a minimum duration; light
// is judged once per day from the day's light summary. Pure: trackers are plain JSON values that
// the caller stores between readings, and every time is passed in.
import type { Range, Species } from './species.js';

export type PlantState = 'ok' | 'too_dry' | 'too_wet' | 'too_dark' | 'too_bright';
export type MoistureState = 'ok' | 'too_dry' | 'too_wet';
export type LightState = 'ok' | 'too_dark' | 'too_bright';

export interface PlantThresholds {
  /** Ideal moisture, percent of calibration. */
  moisture: Range;
  /** Percent points a value must move back inside the range before an episode clears. */
  moistureHysteresis: number;
  /** Milliseconds a new state must hold before it is reported: too_dry starts and every clear. */
  minDurationMs: number;
  /**
   * Milliseconds too_wet must hold before it starts. It is long because soil right after a
   * watering is at the wet calibration point, and only soil that stays wet is a problem.
   */
  wetMinDurationMs: number;
  /** Ideal day-mean lux (the day's lux-hours divided by 12 h). */
  light: Range;
  /** Fraction of the bound a day must be back inside the range by before a light episode clears. */
  lightHysteresis: number;
  /** Consecutive days a new light state must hold before it is reported. */
  minDays: number;
}

export type ThresholdOverrides = Partial<PlantThresholds>;
export type ThresholdsResult = { ok: true; thresholds: PlantThresholds } | { ok: false; errors: string[] };

export const DEFAULT_MOISTURE_HYSTERESIS = 5;
export const DEFAULT_MIN_DURATION_MS = 30 * 60 * 1000;
export const DEFAULT_WET_MIN_DURATION_MS = 24 * 3600 * 1000;
export const DEFAULT_LIGHT_HYSTERESIS = 0.1;
export const DEFAULT_MIN_DAYS = 2;

export interface PlantEvent {
  kind: 'start' | 'clear';
  state: Exclude<PlantState, 'ok'>;
  /** Time the change was confirmed (the reading or day that completed the duration), Unix ms. */
  at: number;
  /** Time the new condition was first seen, Unix ms. */
  since: number;
}

interface Pending<S> {
  state: S;
  since: number;
  count: number;
}

export interface Tracker<S> {
  state: S;
  /** Start of the current episode, or null while ok. */
  since: number | null;
  pending: Pending<S> | null;
  /** Time of the last sample taken into account; older samples are ignored. */
  lastAt: number | null;
}

export type MoistureTracker = Tracker<MoistureState>;
export type LightTracker = Tracker<LightState>;

export interface StepResult<S> {
  tracker: Tracker<S>;
  events: PlantEvent[];
}

function checkRange(range: Range, field: string): string[] {
  return range.min < range.max ? [] : [field + ' min (' + range.min + ') must be below max (' + range.max + ')'];
}

/** Builds a pot's thresholds from its species and the user's overrides, and checks they fit together. */
export function thresholdsFor(species: Species, overrides: ThresholdOverrides = {}): ThresholdsResult {
  const thresholds: PlantThresholds = {
    moisture: overrides.moisture ?? { min: species.moisture.min, max: species.moisture.max },
    moistureHysteresis: overrides.moistureHysteresis ?? DEFAULT_MOISTURE_HYSTERESIS,
    minDurationMs: overrides.minDurationMs ?? DEFAULT_MIN_DURATION_MS,
    wetMinDurationMs: overrides.wetMinDurationMs ?? DEFAULT_WET_MIN_DURATION_MS,
    light: overrides.light ?? { min: species.light.min, max: species.light.max },
    lightHysteresis: overrides.lightHysteresis ?? DEFAULT_LIGHT_HYSTERESIS,
    minDays: overrides.minDays ?? DEFAULT_MIN_DAYS,
  };

  const errors = [...checkRange(thresholds.moisture, 'moisture'), ...checkRange(thresholds.light, 'light')];
  const band = thresholds.moisture.max - thresholds.moisture.min;
  if (!(thresholds.moistureHysteresis >= 0 && thresholds.moistureHysteresis * 2 < band)) {
    errors.push('moistureHysteresis ' + thresholds.moistureHysteresis + ' must be from 0 to less than half the moisture range (' + band + ' points)');
  }
  if (!(thresholds.lightHysteresis >= 0 && thresholds.lightHysteresis < 1)) {
    errors.push('lightHysteresis ' + thresholds.lightHysteresis + ' must be a fraction from 0 to less than 1');
  }
  for (const field of ['minDurationMs', 'wetMinDurationMs'] as const) {
    if (!(thresholds[field] >= 0)) errors.push(field + ' ' + thresholds[field] + ' must be 0 or more milliseconds');
  }
  if (!(Number.isInteger(thresholds.minDays) && thresholds.minDays >= 1)) errors.push('minDays ' + thresholds.minDays + ' must be a whole number of days, 1 or more');
  return errors.length > 0 ? { ok: false, errors: errors } : { ok: true, thresholds: thresholds };
}

export function newTracker<S extends string>(initial: S): Tracker<S> {
  return { state: initial, since: null, pending: null, lastAt: null };
}

/**
 * Moves a tracker towards `candidate`. A change is reported only once `confirmed` returns true for the
 * pending state, and any sample that wants another state restarts the wait.
 */
function advance<S extends string>(
  tracker: Tracker<S>,
  candidate: S,
  at: number,
  confirmed: (pending: Pending<S>) => boolean,
): StepResult<S> {
  if (candidate === tracker.state) {
    return { tracker: { ...tracker, pending: null, lastAt: at }, events: [] };
  }

  const pending: Pending<S> =
    tracker.pending !== null && tracker.pending.state === candidate
      ? { state: candidate, since: tracker.pending.since, count: tracker.pending.count + 1 }
      : { state: candidate, since: at, count: 1 };
  if (!confirmed(pending)) {
    return { tracker: { ...tracker, pending: pending, lastAt: at }, events: [] };
  }

  const events: PlantEvent[] = [];
  if (tracker.state !== 'ok') {
    events.push({ kind: 'clear', state: tracker.state as PlantEvent['state'], at: at, since: pending.since });
  }
  if (candidate !== 'ok') {
    events.push({ kind: 'start', state: candidate as PlantEvent['state'], at: at, since: pending.since });
  }
  const since = candidate === 'ok' ? null : pending.since;
  return { tracker: { state: candidate, since: since, pending: null, lastAt: at }, events: events };
}

/**
 * Picks the state one moisture value points to from the current state: an episode starts beyond a bound and
 * clears h points back inside it. A dry or wet episode always clears through ok first, so a
 * watering that saturates dry soil clears too_dry without waiting for too_wet's longer duration.
 */
export function moistureCandidate(state: MoistureState, percent: number, t: PlantThresholds): MoistureState {
  const { min, max } = t.moisture;
  const h = t.moistureHysteresis;
  if (state === 'too_dry') return percent >= min + h ? 'ok' : 'too_dry';
  if (state === 'too_wet') return percent <= max - h ? 'ok' : 'too_wet';
  if (percent < min) return 'too_dry';
  if (percent > max) return 'too_wet';
  return 'ok';
}

/**
 * Feeds one moisture reading. A null value (no reading, or a sensor fault the caller found)
 * neither confirms nor cancels a pending change. A sample not newer than the last is ignored.
 */
export function stepMoisture(
  tracker: MoistureTracker,
  sample: { at: number; moisture: number | null },
  thresholds: PlantThresholds,
): StepResult<MoistureState> {
  if (tracker.lastAt !== null && sample.at <= tracker.lastAt) return { tracker: tracker, events: [] };
  if (sample.moisture === null) return { tracker: tracker, events: [] };

  const candidate = moistureCandidate(tracker.state, sample.moisture, thresholds);
  const held = (pending: Pending<MoistureState>): boolean => {
    const needMs = pending.state === 'too_wet' ? thresholds.wetMinDurationMs : thresholds.minDurationMs;
    if (needMs === 0) return true;
    return pending.count >= 2 && sample.at - pending.since >= needMs;
  };
  return advance(tracker, candidate, sample.at, held);
}

/** Runs a recorded sequence through a tracker and collects the events. */
export function runMoisture(
  samples: { at: number; moisture: number | null }[],
  thresholds: PlantThresholds,
  start: MoistureTracker = newTracker<MoistureState>('ok'),
): StepResult<MoistureState> {
  let tracker = start;
  const events: PlantEvent[] = [];
  for (const sample of samples) {
    const step = stepMoisture(tracker, sample, thresholds);
    tracker = step.tracker;
    events.push(...step.events);
  }
  return { tracker: tracker, events: events };
}

// --- light, judged per day

export const NOMINAL_DAY_HOURS = 12;
/** Maximum gap between two light readings that is still integrated. Longer gaps count as missing. */
export const DEFAULT_LIGHT_MAX_GAP_MS = 2 * 3600 * 1000;
/** Hours a day's readings must cover before the day is judged. */
export const DEFAULT_MIN_COVERED_HOURS = 12;

export interface DayLight {
  /** Integral of lux over the covered parts of the day, lux-hours. */
  luxHours: number;
  coveredHours: number;
  /** luxHours / 12 h, or null when the readings cover too little of the day to judge it. */
  dayMeanLux: number | null;
}

/**
 * Summarises one day's light readings (the caller picks the day in the pot's time zone). Lux is
 * integrated with the trapezoid rule between readings at most `maxGapMs` apart.
 */
export function summarizeDayLight(
  samples: { at: number; lux: number | null }[],
  maxGapMs: number = DEFAULT_LIGHT_MAX_GAP_MS,
  minCoveredHours: number = DEFAULT_MIN_COVERED_HOURS,
): DayLight {
  const points = samples.filter((s): s is { at: number; lux: number } => s.lux !== null && Number.isFinite(s.lux));
  points.sort((a, b) => a.at - b.at);

  let luxHours = 0;
  let coveredMs = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const gapMs = b.at - a.at;
    if (gapMs <= 0 || gapMs > maxGapMs) continue;
    luxHours += ((a.lux + b.lux) / 2) * (gapMs / 3600000);
    coveredMs += gapMs;
  }
  const coveredHours = coveredMs / 3600000;
  const dayMeanLux = coveredHours >= minCoveredHours ? luxHours / NOMINAL_DAY_HOURS : null;
  return { luxHours: luxHours, coveredHours: coveredHours, dayMeanLux: dayMeanLux };
}

export function lightCandidate(state: LightState, dayMeanLux: number, t: PlantThresholds): LightState {
  const { min, max } = t.light;
  const h = t.lightHysteresis;
  if (state === 'too_dark' && dayMeanLux < min * (1 + h)) return dayMeanLux > max ? 'too_bright' : 'too_dark';
  if (state === 'too_bright' && dayMeanLux > max * (1 - h)) return dayMeanLux < min ? 'too_dark' : 'too_bright';
  if (dayMeanLux < min) return 'too_dark';
  if (dayMeanLux > max) return 'too_bright';
  return 'ok';
}

/**
 * Feeds one day's summary; `at` is the end of that day, Unix ms. A day that could not be judged
 * (dayMeanLux null) leaves the tracker as it was, so it does not break a run of days.
 */
export function stepLight(
  tracker: LightTracker,
  day: { at: number; dayMeanLux: number | null },
  thresholds: PlantThresholds,
): StepResult<LightState> {
  if (tracker.lastAt !== null && day.at <= tracker.lastAt) return { tracker: tracker, events: [] };
  if (day.dayMeanLux === null) return { tracker: tracker, events: [] };

  const candidate = lightCandidate(tracker.state, day.dayMeanLux, thresholds);
  return advance(tracker, candidate, day.at, (pending) => pending.count >= thresholds.minDays);
}
