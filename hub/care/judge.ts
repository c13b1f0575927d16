// One reading's effect on a pot's care state: sensor faults, moisture and light episodes, battery
// and waterings, turned into alerts and timeline events. Called by hub/care/engine.ts in time order.
import { moisturePercent, type Calibration } from '../../domain/calibration.js';
import {
  newTracker, stepLight, stepMoisture, summarizeDayLight,
  type LightState, type MoistureState, type PlantEvent, type PlantThresholds,
} from '../../domain/plant-state.js';
import type { StoredReading } from '../../domain/reading.js';
import { faultOptionsFor, findSensorFaults, type SensorFaultReport } from '../../domain/sensor-faults.js';
import { detectWaterings } from '../../domain/watering-detect.js';
import type { Timelines } from '../store/care-timeline.js';
import type { AlertBook } from './alerts.js';
import { localTime } from './clock.js';
import type { EngineState, PotCare } from './types.js';

/** Readings in a row that must agree before the battery alert is raised or cleared. */
export const BATTERY_READINGS = 3;
/** Millivolts above the low mark the battery must reach before its alert clears. */
export const BATTERY_HYSTERESIS_MV = 100;
/** Readings a watering needs before it in the window, ms: the probe-excursion span of watering-detect. */
export const WATERING_CONTEXT_MS = 2 * 3600 * 1000;

export interface JudgeContext {
  potId: string;
  care: PotCare;
  calibration: Calibration | null;
  /** Null while the pot has no species: plant states are then not judged. */
  thresholds: PlantThresholds | null;
  timeZone: string;
  batteryLowMv: number;
  alerts: AlertBook;
  timelines: Timelines;
}

export function newEngineState(): EngineState {
  return {
    moisture: newTracker<MoistureState>('ok'),
    light: newTracker<LightState>('ok'),
    day: null,
    battery: { low: false, count: 0 },
    lastWateringAt: null,
    lastAt: null,
    alerts: {},
  };
}

/** Fills in `moisture` from the pot's calibration when the firmware sent only the raw value. */
export function deriveMoisture(reading: StoredReading, calibration: Calibration | null): StoredReading {
  if (typeof reading.moisture === 'number' || calibration === null) return reading;
  const result = moisturePercent(reading.moisture_raw, calibration);
  if (result.percent === null) return reading;
  const derived: StoredReading = { ...reading, moisture: result.percent };
  if (result.clamped) derived.moisture_clamped = true;
  else delete derived.moisture_clamped;
  return derived;
}

function applyPlantEvents(state: EngineState, events: PlantEvent[], context: JudgeContext): void {
  for (const event of events) {
    if (event.kind === 'start') {
      context.alerts.raise(state, context.potId, { kind: event.state, since: event.since, at: event.at, detail: `${event.state} since ${new Date(event.since).toISOString()}` });
    } else {
      context.alerts.clear(state, context.potId, event.state, event.at);
    }
  }
}

function syncFaults(state: EngineState, faults: SensorFaultReport[], at: number, context: JudgeContext): void {
  for (const sensor of ['moisture', 'light'] as const) {
    const key = 'sensor_fault:' + sensor;
    const fault = faults.find((f) => f.sensor === sensor);
    if (fault) context.alerts.raise(state, context.potId, { kind: 'sensor_fault', key, since: fault.since, at, detail: `${fault.kind}: ${fault.detail}` });
    else context.alerts.clear(state, context.potId, key, at);
  }
}

function judgeBattery(state: EngineState, reading: StoredReading, context: JudgeContext): void {
  const mv = reading.battery_mv;
  if (typeof mv !== 'number') return;
  const pointsLow = state.battery.low ? mv < context.batteryLowMv + BATTERY_HYSTERESIS_MV : mv < context.batteryLowMv;
  if (pointsLow === state.battery.low) {
    state.battery.count = 0;
    return;
  }
  state.battery.count++;
  if (state.battery.count < BATTERY_READINGS) return;

  state.battery = { low: pointsLow, count: 0 };
  if (pointsLow) context.alerts.raise(state, context.potId, { kind: 'battery_low', since: reading.at, at: reading.at, detail: `battery at ${mv} mV, below ${context.batteryLowMv} mV` });
  else context.alerts.clear(state, context.potId, 'battery_low', reading.at);
}

function findWaterings(state: EngineState, window: StoredReading[], windowTrimmed: boolean, context: JudgeContext): void {
  const history = window.map((r) => ({ at: r.at, raw: r.moisture_raw }));
  // A step near the start of a trimmed window lacks the readings before it (the probe may have
  // been out then); a window that starts at the pot's first reading lacks nothing.
  const earliest = windowTrimmed ? (window[0]?.at ?? 0) + WATERING_CONTEXT_MS : -Infinity;
  for (const watering of detectWaterings(history, context.calibration).waterings) {
    if (watering.at < earliest) continue;
    if (state.lastWateringAt !== null && watering.at <= state.lastWateringAt) continue;
    state.lastWateringAt = watering.at;
    const { at, lastDryAt, rawBefore, rawAfter, risePercent, acrossGap, afterProbeOut } = watering;
    void context.timelines.add(context.potId, { at, kind: 'watering', data: { lastDryAt, rawBefore, rawAfter, risePercent, acrossGap, afterProbeOut } }).catch(() => {});
  }
}

/** Measurement time between two runs of the window checks (sensor faults, waterings), ms. */
export const WINDOW_CHECK_MS = 30 * 1000;

/**
 * Results of the window checks kept between readings. Each check looks at the whole window, so a
 * pot that sends more often than every 30 s, or a backlog of readings taken that often, is checked
 * once per WINDOW_CHECK_MS of measurement time. A reading in between reuses the last sensor
 * faults. A watering keeps the time of its step, and only its detection comes up to 30 s later.
 */
export interface WindowChecks {
  /** Measurement time of the last check; null before the first. */
  at: number | null;
  faults: SensorFaultReport[];
}

export function newWindowChecks(): WindowChecks {
  return { at: null, faults: [] };
}

/**
 * Feeds the newest reading, already added to `window` (the pot's recent readings, oldest first;
 * `windowTrimmed` when older readings exist), and `daySamples` (light samples of the current local day). A moisture or light fault pauses
 * that sensor's plant state: the plant is never called thirsty because its probe died.
 */
export function judgeReading(
  state: EngineState,
  reading: StoredReading,
  window: StoredReading[],
  windowTrimmed: boolean,
  daySamples: { at: number; lux: number | null }[],
  checks: WindowChecks,
  context: JudgeContext,
): void {
  const at = reading.at;
  const checksDue = checks.at === null || at - checks.at >= WINDOW_CHECK_MS || at < checks.at;
  if (checksDue) {
    checks.at = at;
    checks.faults = findSensorFaults(window, faultOptionsFor(window, context.care.sensor));
  }
  const faults = checks.faults;
  syncFaults(state, faults, at, context);
  const moistureFault = faults.some((f) => f.sensor === 'moisture');
  const lightFault = faults.some((f) => f.sensor === 'light');

  if (context.thresholds !== null) {
    const percent = moistureFault ? null : deriveMoisture(reading, context.calibration).moisture;
    const step = stepMoisture(state.moisture, { at, moisture: percent }, context.thresholds);
    state.moisture = step.tracker;
    applyPlantEvents(state, step.events, context);
  }

  const { day } = localTime(at, context.timeZone);
  if (state.day !== null && state.day !== day) {
    // The first reading of a new local day closes the previous one, which is then judged.
    if (context.thresholds !== null) {
      const summary = summarizeDayLight(daySamples);
      const step = stepLight(state.light, { at, dayMeanLux: summary.dayMeanLux }, context.thresholds);
      state.light = step.tracker;
      applyPlantEvents(state, step.events, context);
    }
    daySamples.length = 0;
  }
  state.day = day;
  daySamples.push({ at, lux: lightFault ? null : reading.light });

  judgeBattery(state, reading, context);
  context.alerts.clear(state, context.potId, 'pot_silent', at);
  if (!moistureFault && checksDue) findWaterings(state, window, windowTrimmed, context);
  state.lastAt = Math.max(state.lastAt ?? at, at);
}
