import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SensorFault } from '../../domain/reading.js';
import { effectiveAdcMax, faultOptionsFor, findSensorFault, findSensorFaults, type FaultOptions } from '../../domain/sensor-faults.js';
import { loadTrace, type TracePoint } from './plantwatch-trace.js';

const MINUTE = 60_000;
const T0 = Date.parse('2025-06-01T08:00:00Z');

interface Row {
  at: number;
  moisture_raw: number | null;
  light_raw: number | null;
  light: number | null;
  faults?: SensorFault[];
}

/** Builds one reading every 10 minutes; `moisture(i)` gives the raw moisture of reading i. */
function readings(count: number, moisture: (i: number) => number | null, light: (i: number) => number | null = (i) => 800 + (i % 7) * 13): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const lightRaw = light(i);
    rows.push({ at: T0 + i * 10 * MINUTE, moisture_raw: moisture(i), light_raw: lightRaw, light: lightRaw === null ? null : lightRaw / 4 });
  }
  return rows;
}

/** Returns the raw value of a healthy probe drying slowly: +1 count an hour with a little noise. */
function drying(i: number): number {
  return 2400 + Math.floor(i / 6) + ((i * 7) % 5) - 2;
}

const kinds = suite('sensor fault kinds');

kinds('healthy drying trace raises none', () => {
  assert.equal(findSensorFaults(readings(200, drying)), []);
});

kinds('null raws are a missing pin', () => {
  const rows = readings(20, (i) => (i >= 16 ? null : drying(i)));
  const fault = findSensorFault(rows, 'moisture');
  assert.is(fault?.kind, 'missing');
  assert.is(fault?.since, rows[16]!.at);
  assert.match(fault?.detail ?? '', /no moisture value in the last 4 readings/);
});

kinds('two null raws are not yet missing', () => {
  const rows = readings(20, (i) => (i >= 18 ? null : drying(i)));
  assert.is(findSensorFault(rows, 'moisture'), null);
});

kinds('device nan fault is a missing pin', () => {
  const rows = readings(10, drying);
  for (const row of rows.slice(-3)) {
    row.light_raw = null;
    row.faults = ['light_nan'];
  }
  const fault = findSensorFault(rows, 'light');
  assert.is(fault?.kind, 'missing');
  assert.is(findSensorFault(rows, 'moisture'), null);
});

kinds('raw above full scale is out of range', () => {
  const rows = readings(10, (i) => (i === 9 ? 5000 : drying(i)));
  const fault = findSensorFault(rows, 'moisture');
  assert.is(fault?.kind, 'out_of_range');
  assert.match(fault?.detail ?? '', /raw 5000 \(ADC range 0 to 4095\)/);
});

kinds('lux beyond the sensor is out of range', () => {
  const rows = readings(10, drying);
  rows[9]!.light = 250000;
  const fault = findSensorFault(rows, 'light');
  assert.is(fault?.kind, 'out_of_range');
  assert.match(fault?.detail ?? '', /250000 lux/);
});

kinds('full scale for three readings is a rail', () => {
  const rows = readings(12, (i) => (i >= 9 ? 4095 : drying(i)));
  const fault = findSensorFault(rows, 'moisture');
  assert.is(fault?.kind, 'rail');
  assert.is(fault?.since, rows[9]!.at);
});

kinds('zero moisture raw is a rail', () => {
  const rows = readings(12, (i) => (i >= 8 ? 0 : drying(i)));
  assert.is(findSensorFault(rows, 'moisture')?.kind, 'rail');
});

kinds('device rail fault with null raw is a rail', () => {
  const rows = readings(12, drying);
  for (const row of rows.slice(-3)) {
    row.moisture_raw = null;
    row.faults = ['moisture_rail'];
  }
  const fault = findSensorFault(rows, 'moisture');
  assert.is(fault?.kind, 'rail');
  assert.match(fault?.detail ?? '', /reported by the device/);
});

kinds('dark light sensor is no rail', () => {
  const rows = readings(100, drying, () => 0);
  assert.is(findSensorFault(rows, 'light'), null);
});

kinds('one level for six hours is stuck', () => {
  const rows = readings(80, (i) => (i >= 40 ? 2417 : drying(i)));
  const fault = findSensorFault(rows, 'moisture');
  assert.is(fault?.kind, 'stuck');
  assert.is(fault?.since, rows[40]!.at);
  assert.match(fault?.detail ?? '', /stayed at 2417 for 6.5 h over 40 readings/);
});

kinds('one level for five hours is not stuck', () => {
  const rows = readings(80, (i) => (i >= 50 ? 2417 : drying(i)));
  assert.is(findSensorFault(rows, 'moisture'), null);
});

kinds('stuck tolerance widens one level', () => {
  const rows = readings(80, (i) => (i >= 40 ? 2417 + (i % 2) : drying(i)));
  assert.is(findSensorFault(rows, 'moisture'), null);
  assert.is(findSensorFault(rows, 'moisture', { stuckTolerance: 1 })?.kind, 'stuck');
});

kinds('one level across a night gap is not stuck', () => {
  // A pot that logs from 06:00 to 22:00: three evening readings, 8 hours without any, three at dawn.
  const rows = readings(6, drying, () => 1).map((row, i) => ({ ...row, moisture_raw: 17266 + i, light: 0.8, at: row.at + (i >= 3 ? 8 * 60 * MINUTE : 0) }));
  assert.is(findSensorFault(rows, 'light', { lightAdcMax: 65535 }), null);
  const bright = rows.map((row) => ({ ...row, light_raw: 900, light: 750 }));
  assert.is(findSensorFault(bright, 'light', { lightAdcMax: 65535 }), null);
});

kinds('gaps do not hide a stuck run', () => {
  // One level for 7.2 watched hours, with a 3-hour hole after reading 20 that does not count.
  const rows = readings(45, () => 2417).map((row, i) => ({ ...row, at: row.at + (i >= 20 ? 3 * 60 * MINUTE : 0) }));
  const fault = findSensorFault(rows, 'moisture');
  assert.is(fault?.kind, 'stuck');
  assert.match(fault?.detail ?? '', /for 7.2 h over 45 readings/);
  assert.is(findSensorFault(rows.slice(0, 37), 'moisture'), null, '9.2 h from first to last, 5.8 h watched');
});

kinds('light below 1 lux all night is darkness', () => {
  const rows = readings(60, drying, () => 1).map((row) => ({ ...row, light: 0.8 }));
  assert.is(findSensorFault(rows, 'light', { lightAdcMax: 65535 }), null);
  const lit = rows.map((row) => ({ ...row, light: 12 }));
  assert.is(findSensorFault(lit, 'light', { lightAdcMax: 65535 })?.kind, 'stuck');
});

kinds('empty window raises none', () => {
  assert.equal(findSensorFaults([]), []);
});

kinds.run();

// ---

// The PlantWatch probe is read by an ADS1115 (positive full scale 32 767) and the light by a
// BH1750, whose count is lux × 1.2 on 16 bits.
const TRACE_OPTIONS: Partial<FaultOptions> = { moistureAdcMax: 32767, lightAdcMax: 65535, maxLux: 65535 / 1.2 };

let trace: TracePoint[] = [];

const recorded = suite('faults on the recorded trace');

recorded.before(() => {
  trace = loadTrace();
});

recorded('twelve-hour windows raise none', () => {
  const rows = trace.map((p) => ({ at: p.at, moisture_raw: p.raw, light_raw: Math.round(p.lux * 1.2), light: p.lux }));
  const hour = 60 * MINUTE;
  let windows = 0;
  for (let end = rows[0]!.at + hour; end <= rows[rows.length - 1]!.at; end += hour) {
    const window = rows.filter((row) => row.at > end - 12 * hour && row.at <= end);
    const faults = findSensorFaults(window, TRACE_OPTIONS);
    assert.equal(faults, [], new Date(end).toISOString() + ': ' + JSON.stringify(faults));
    windows++;
  }
  assert.ok(windows > 300, String(windows));
});

// The care engine judges each reading against the 12 hours before it, so the first readings of a
// morning see the evening before across the night gap (a light fault at 06:02 on 22 September).
recorded('a window at every reading raises none', () => {
  const rows = trace.map((p) => ({ at: p.at, moisture_raw: p.raw, light_raw: Math.round(p.lux * 1.2), light: p.lux }));
  let first = 0;
  for (let end = 0; end < rows.length; end++) {
    while (rows[first]!.at <= rows[end]!.at - 12 * 60 * MINUTE) first++;
    const faults = findSensorFaults(rows.slice(first, end + 1), TRACE_OPTIONS);
    assert.equal(faults, [], new Date(rows[end]!.at).toISOString() + ': ' + JSON.stringify(faults));
  }
});

recorded.run();

// ---

const range = suite('ADC range');

range('widens a default 12-bit range once a raw value exceeds it', () => {
  assert.is(effectiveAdcMax(4095, [1200, null, 4095]), 4095);
  assert.is(effectiveAdcMax(4095, [1200, 16447]), 65535);
  assert.is(effectiveAdcMax(32767, [40000]), 32767);
});

range('a 16-bit probe is not out of range under default settings', () => {
  const rows = readings(12, (i) => 16000 + i * 3, (i) => 4800 + i);
  assert.equal(findSensorFaults(rows, faultOptionsFor(rows, { moistureAdcMax: 4095, lightAdcMax: 4095 })), []);
  assert.ok(findSensorFaults(rows, { moistureAdcMax: 4095, lightAdcMax: 4095 }).length > 0);
});

range.run();
