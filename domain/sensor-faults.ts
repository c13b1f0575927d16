// Sensor faults found in a window of recent readings: a pin that returns nothing, a value the
// sensor cannot produce, a value pinned to an ADC rail, or a value stuck at one level. A fault
// means the reading cannot be trusted, so callers pause the plant state of that sensor instead
// of reporting the plant as too dry or too dark. Pure: the caller passes the window.
import type { SensorFault, StoredReading } from './reading.js';

export type Sensor = 'moisture' | 'light';
export type FaultKind = 'missing' | 'out_of_range' | 'rail' | 'stuck';

export interface SensorFaultReport {
  sensor: Sensor;
  kind: FaultKind;
  /** Time of the first reading of the faulty run, Unix ms. */
  since: number;
  /** Description of the faulty values for logs and developers, in English. */
  detail: string;
}

export interface FaultOptions {
  /** Full-scale raw count of the moisture ADC (4095 for the ESP32's 12-bit ADC). */
  moistureAdcMax: number;
  /** Full-scale raw count of the light sensor. */
  lightAdcMax: number;
  /** Highest illuminance the light sensor can report, lux. */
  maxLux: number;
  /** Trailing readings that must all lack a value before the pin counts as silent. */
  missingReadings: number;
  /** Trailing readings that must all sit on a rail before the rail is reported. */
  railReadings: number;
  /** Counts from 0 or full scale that still count as the rail. */
  railMargin: number;
  /** How long the value must stay within `stuckTolerance` before it counts as stuck, ms. */
  stuckMs: number;
  /** Largest spread (max − min) of raw counts that still counts as one level. */
  stuckTolerance: number;
  /** Minimum number of readings in a stuck run, so two readings far apart prove nothing. */
  minStuckReadings: number;
  /** Maximum gap between two readings that still counts towards `stuckMs`, ms. */
  stuckMaxGapMs: number;
}

export const DEFAULT_FAULT_OPTIONS: FaultOptions = {
  moistureAdcMax: 4095,
  lightAdcMax: 4095,
  // NOTE: an estimate above full summer sun (about 100 000 lux); set it to the sensor's own limit.
  maxLux: 150000,
  missingReadings: 3,
  railReadings: 3,
  railMargin: 0,
  stuckMs: 6 * 3600 * 1000,
  stuckTolerance: 0,
  minStuckReadings: 6,
  stuckMaxGapMs: 2 * 3600 * 1000,
};

/** Illuminance under which a reading counts as darkness, lux. The trace's BH1750 reads 1 count there. */
export const DARK_LUX = 1;

interface Sample {
  at: number;
  raw: number | null;
  lux: number | null;
  flag: 'nan' | 'rail' | null;
}

type Window = Pick<StoredReading, 'at' | 'moisture_raw' | 'light_raw' | 'light' | 'faults'>;

function samplesFor(window: Window[], sensor: Sensor): Sample[] {
  const nanFault = (sensor + '_nan') as SensorFault;
  const railFault = (sensor + '_rail') as SensorFault;
  const samples = window.map((reading): Sample => {
    const faults = reading.faults ?? [];
    let flag: Sample['flag'] = null;
    if (faults.indexOf(nanFault) >= 0) flag = 'nan';
    else if (faults.indexOf(railFault) >= 0) flag = 'rail';
    const raw = sensor === 'moisture' ? reading.moisture_raw : reading.light_raw;
    return { at: reading.at, raw: raw, lux: sensor === 'light' ? reading.light : null, flag: flag };
  });
  return samples.sort((a, b) => a.at - b.at);
}

/** Returns the trailing run of samples that all satisfy `test`, oldest first. */
function trailingRun(samples: Sample[], test: (sample: Sample) => boolean): Sample[] {
  let start = samples.length;
  while (start > 0 && test(samples[start - 1]!)) start--;
  return samples.slice(start);
}

/** Reports whether a sample lacks a value. A device-reported rail does not count, although the device nulls its raw value. */
function isMissing(s: Sample): boolean {
  return s.flag === 'nan' || (s.raw === null && s.flag !== 'rail');
}

function findMissing(sensor: Sensor, samples: Sample[], o: FaultOptions): SensorFaultReport | null {
  const run = trailingRun(samples, isMissing);
  if (run.length < o.missingReadings) return null;
  return { sensor: sensor, kind: 'missing', since: run[0]!.at, detail: 'no ' + sensor + ' value in the last ' + run.length + ' readings: check the sensor wiring and pin' };
}

function findOutOfRange(sensor: Sensor, present: Sample[], o: FaultOptions): SensorFaultReport | null {
  const adcMax = sensor === 'moisture' ? o.moistureAdcMax : o.lightAdcMax;
  const impossible = (s: Sample): boolean =>
    s.raw !== null && (s.raw < 0 || s.raw > adcMax || (s.lux !== null && (s.lux < 0 || s.lux > o.maxLux)));
  const run = trailingRun(present, impossible);
  if (run.length === 0) return null;

  const last = run[run.length - 1]!;
  const value = last.lux !== null && (last.lux < 0 || last.lux > o.maxLux) ? last.lux + ' lux (limit ' + o.maxLux + ')' : 'raw ' + last.raw + ' (ADC range 0 to ' + adcMax + ')';
  return { sensor: sensor, kind: 'out_of_range', since: run[0]!.at, detail: sensor + ' value ' + value + ' is outside what the sensor can produce: check the ADC setting or the sensor type' };
}

function findRail(sensor: Sensor, present: Sample[], o: FaultOptions): SensorFaultReport | null {
  const adcMax = sensor === 'moisture' ? o.moistureAdcMax : o.lightAdcMax;
  const onRail = (s: Sample): boolean =>
    s.flag === 'rail' || (s.raw !== null && (s.raw <= o.railMargin || s.raw >= adcMax - o.railMargin));
  const run = trailingRun(present, onRail);
  if (run.length < o.railReadings) return null;

  // A dark night reads 0 on a light sensor, so only the top rail is a light fault.
  if (sensor === 'light' && run.every((s) => s.flag !== 'rail' && s.raw !== null && s.raw <= o.railMargin)) return null;
  const last = run[run.length - 1]!;
  const value = last.raw === null ? 'a rail (reported by the device)' : String(last.raw) + ' (ADC rail)';
  return { sensor: sensor, kind: 'rail', since: run[0]!.at, detail: sensor + ' raw value at ' + value + ' for ' + run.length + ' readings: check for a loose or shorted sensor' };
}

function findStuck(sensor: Sensor, samples: Sample[], o: FaultOptions): SensorFaultReport | null {
  const present = samples.filter((s) => s.raw !== null);
  let low = Infinity;
  let high = -Infinity;
  let start = present.length;
  while (start > 0) {
    const raw = present[start - 1]!.raw!;
    if (Math.max(high, raw) - Math.min(low, raw) > o.stuckTolerance) break;
    low = Math.min(low, raw);
    high = Math.max(high, raw);
    start--;
  }
  const run = present.slice(start);
  if (run.length < o.minStuckReadings) return null;

  // Only time watched counts: a pot that logs by day sends the same dim value before and after an
  // 8-hour night gap, and that gap shows nothing about the sensor.
  let spanMs = 0;
  for (let i = 1; i < run.length; i++) {
    const gap = run[i]!.at - run[i - 1]!.at;
    if (gap <= o.stuckMaxGapMs) spanMs += gap;
  }
  if (spanMs < o.stuckMs) return null;
  // A light sensor reads 0 (or its floor, under 1 lux) all night, and in a dark room for days:
  // that is darkness, not a fault.
  if (sensor === 'light' && (high === 0 || run.every((s) => s.lux !== null && s.lux < DARK_LUX))) return null;
  const hours = Math.round(spanMs / 360000) / 10;
  return { sensor: sensor, kind: 'stuck', since: run[0]!.at, detail: sensor + ' raw value stayed at ' + low + (high > low ? '–' + high : '') + ' for ' + hours + ' h over ' + run.length + ' readings: a live sensor always varies a little' };
}

/** Finds the current fault of one sensor in a window of readings, or null when it looks healthy. */
export function findSensorFault(window: Window[], sensor: Sensor, options: Partial<FaultOptions> = {}): SensorFaultReport | null {
  const o: FaultOptions = { ...DEFAULT_FAULT_OPTIONS, ...options };
  const samples = samplesFor(window, sensor);
  if (samples.length === 0) return null;

  const missing = findMissing(sensor, samples, o);
  if (missing !== null) return missing;

  const present = samples.filter((s) => !isMissing(s));
  return findOutOfRange(sensor, present, o) ?? findRail(sensor, present, o) ?? findStuck(sensor, present, o);
}

/** Finds the current faults of both sensors. An empty list means both look healthy. */
export function findSensorFaults(window: Window[], options: Partial<FaultOptions> = {}): SensorFaultReport[] {
  const faults: SensorFaultReport[] = [];
  for (const sensor of ['moisture', 'light'] as const) {
    const fault = findSensorFault(window, sensor, options);
    if (fault !== null) faults.push(fault);
  }
  return faults;
}

/** Full scale of a 16-bit ADC, the widest raw value the protocol allows. */
const WIDE_ADC_MAX = 65535;

/**
 * Returns the ADC full scale to judge a sensor by. The ESP32's own 12-bit ADC never reads above
 * 4 095, so a raw value above a configured 4 095 proves an external, wider converter (such as
 * an ADS1115): the range then widens to 16 bits instead of calling every reading out of range.
 */
export function effectiveAdcMax(configured: number, rawValues: ReadonlyArray<number | null>): number {
  if (configured !== DEFAULT_FAULT_OPTIONS.moistureAdcMax) return configured;
  for (const raw of rawValues) {
    if (raw !== null && raw > configured) return WIDE_ADC_MAX;
  }
  return configured;
}

/** Fault options for a pot's recent readings, with each ADC range widened as above. */
export function faultOptionsFor(
  window: ReadonlyArray<{ moisture_raw: number | null; light_raw: number | null }>,
  sensor: { moistureAdcMax: number; lightAdcMax: number },
): Partial<FaultOptions> {
  return {
    moistureAdcMax: effectiveAdcMax(sensor.moistureAdcMax, window.map((r) => r.moisture_raw)),
    lightAdcMax: effectiveAdcMax(sensor.lightAdcMax, window.map((r) => r.light_raw)),
  };
}
