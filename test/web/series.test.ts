// Pot page chart columns from stored readings: window, gaps, units, duplicates and missing values.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoredReading } from '../../domain/reading.js';
import { bucketSize, buildColumns, lightMode, mergeReadings, moistureMode } from '../../web/src/series.js';

const T0 = Date.UTC(2026, 0, 15, 8, 0, 0);
const MODES = { moisture: 'percent', light: 'lux' } as const;
const NOW = T0 + 3 * 3600_000;

function stored(at: number, seq: number, fields: Partial<StoredReading> = {}): StoredReading {
  return {
    at, rx: at, clock: 'device', seq,
    moisture_raw: 2000, light_raw: 500, moisture: 40, light: 300, fw: '0.1.0',
    ...fields,
  };
}

// ---

const gaps = suite('chart gaps');

gaps('joins readings one interval apart', () => {
  const columns = buildColumns([stored(T0, 1), stored(T0 + 60_000, 2), stored(T0 + 120_000, 3)], 60, MODES, NOW);
  assert.equal(columns.x, [T0 / 1000, T0 / 1000 + 60, T0 / 1000 + 120]);
  assert.equal(columns.moisture, [40, 40, 40]);
  assert.is(columns.points, 3);
});

gaps('breaks the line after three missed intervals', () => {
  const columns = buildColumns([stored(T0, 1), stored(T0 + 181_000, 2)], 60, MODES, NOW);
  assert.is(columns.x.length, 3);
  assert.is(columns.moisture[1], null);
  assert.is(columns.light[1], null);
  assert.ok(columns.x[1]! > columns.x[0]!, 'gap marker after the first reading');
  assert.ok(columns.x[1]! < columns.x[2]!, 'gap marker before the second reading');
  assert.is(columns.points, 2);
});

gaps('keeps a line across exactly three intervals', () => {
  const columns = buildColumns([stored(T0, 1), stored(T0 + 180_000, 2)], 60, MODES, NOW);
  assert.is(columns.x.length, 2);
});

gaps('scales the gap with the pot interval', () => {
  const sleepy = [stored(T0, 1), stored(T0 + 30 * 60_000, 2), stored(T0 + 2 * 3600_000, 3)];
  const columns = buildColumns(sleepy, 1800, MODES, NOW);
  assert.is(columns.x.length, 3, 'half-hourly pot: 30 min apart is no gap');
  assert.is(buildColumns(sleepy, 1800, MODES, NOW).points, 3);
  assert.is(buildColumns(sleepy, 60, MODES, NOW).x.length, 5);
});

gaps('drops readings older than 24 hours', () => {
  const columns = buildColumns([stored(NOW - 25 * 3600_000, 1), stored(T0, 2)], 60, MODES, NOW);
  assert.equal(columns.x, [T0 / 1000]);
});

gaps('keeps a day of 10-second readings within 2000 points', () => {
  const readings: StoredReading[] = [];
  for (let i = 0; i < 8640; i++) readings.push(stored(NOW - 24 * 3600_000 + i * 10_000, i));
  const columns = buildColumns(readings, 10, MODES, NOW);
  assert.ok(columns.points <= 2000, `${columns.points} points`);
  assert.ok(columns.points > 100, `${columns.points} points`);
  assert.is(columns.moisture.filter((value) => value === null).length, 0, 'no gap in regular readings');
});

gaps('leaves missing values empty, never zero', () => {
  const columns = buildColumns([
    stored(T0, 1, { moisture: null, moisture_raw: null, partial: true, faults: ['moisture_nan'] }),
    stored(T0 + 60_000, 2, { light: null, light_raw: null, partial: true }),
  ], 60, MODES, NOW);
  assert.equal(columns.moisture, [null, 40]);
  assert.equal(columns.light, [300, null]);
});

gaps.run();

// ---

const modes = suite('chart units');

modes('uses percent once any reading is calibrated', () => {
  assert.is(moistureMode([stored(T0, 1, { moisture: null }), stored(T0 + 1, 2)]), 'percent');
  assert.is(moistureMode([stored(T0, 1, { moisture: null })]), 'raw');
});

modes('draws raw counts for an uncalibrated pot', () => {
  const columns = buildColumns([stored(T0, 1, { moisture: null, moisture_raw: 2710 })], 60, { moisture: 'raw', light: 'lux' }, NOW);
  assert.equal(columns.moisture, [2710]);
});

modes('falls back to raw light without lux', () => {
  assert.is(lightMode([stored(T0, 1, { light: null, light_raw: 1630 })]), 'raw');
  assert.is(lightMode([stored(T0, 1)]), 'lux');
  assert.is(lightMode([]), 'lux');
});

modes.run();

// ---

const merge = suite('reading merge');

merge('sorts by measurement time', () => {
  const merged = mergeReadings([stored(T0 + 60_000, 2)], [stored(T0, 1)], 0);
  assert.equal(merged.map((r) => r.seq), [1, 2]);
});

merge('keeps one copy of a reading seen twice', () => {
  const merged = mergeReadings([stored(T0, 1), stored(T0 + 60_000, 2)], [stored(T0 + 60_000, 2)], 0);
  assert.is(merged.length, 2);
});

merge('drops readings older than the window', () => {
  const merged = mergeReadings([stored(T0 - 1, 1), stored(T0, 2)], [], T0);
  assert.equal(merged.map((r) => r.seq), [2]);
});

merge.run();

// ---

const buckets = suite('chart legend bucket size');

buckets('raw readings have no bucket size', () => {
  assert.is(bucketSize({ kind: 'raw', stepMs: 0 }), null);
});

buckets('names the largest whole unit', () => {
  const cases: Array<[number, string, number]> = [
    [24 * 3600_000, 'day', 1],
    [7 * 24 * 3600_000, 'day', 7],
    [3600_000, 'hour', 1],
    [6 * 3600_000, 'hour', 6],
    [5 * 60_000, 'minute', 5],
    [90 * 60_000, 'minute', 90],
  ];
  for (const [stepMs, unit, count] of cases) assert.equal(bucketSize({ kind: 'buckets', stepMs }), { unit, count }, String(stepMs));
});

buckets.run();
