import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoredReading } from '../../domain/reading.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, ROLLUP_FIELDS, buildRollups, type RollupSet } from '../../domain/rollup.js';
import { bucketCount, planSeries, seriesFromReadings, seriesFromRollups, type ChartSeries } from '../../domain/chart-series.js';

const FIVE_MINUTES = 5 * MINUTE_MS;

/** Builds one reading per `stepMs` over [from, to), with values that vary so min, mean and max differ. */
function readingsEvery(from: number, to: number, stepMs: number): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let at = from, i = 0; at < to; at += stepMs, i++) {
    const raw = 1500 + ((i * 37) % 1800);
    readings.push({
      at, rx: at, clock: 'device', seq: i, fw: 'test',
      moisture_raw: raw, light_raw: (i * 11) % 4096,
      moisture: Math.round(((3300 - raw) / 1800) * 1000) / 10, light: ((i * 13) % 5000) / 10,
    });
  }
  return readings;
}

function assertIncreasing(t: number[], label: string): void {
  for (let i = 1; i < t.length; i++) assert.ok(t[i]! > t[i - 1]!, label + ': t[' + i + '] = ' + t[i] + ' after ' + t[i - 1]);
}

function assertMinMeanMax(series: ChartSeries): void {
  for (const field of ROLLUP_FIELDS) {
    const { min, mean, max } = series[field];
    for (let i = 0; i < series.t.length; i++) {
      if (series.n[i] === 0) continue;
      assert.ok(min[i]! <= mean[i]!, field + ' min <= mean at ' + series.t[i]);
      assert.ok(mean[i]! <= max[i]!, field + ' mean <= max at ' + series.t[i]);
    }
  }
}

/** Formats `t` as wall-clock time in Paris, to show that local hours repeat where UTC times do not. */
function parisClock(t: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
}

const MARCH_28 = Date.UTC(2026, 2, 28);

// ---

const plan = suite('series plan');

plan('24 hours at one a minute is raw', () => {
  assert.equal(planSeries({ from: MARCH_28, to: MARCH_28 + DAY_MS, intervalMs: MINUTE_MS }), { source: 'raw' });
});

plan('24 hours at 10 s uses 5m', () => {
  assert.equal(planSeries({ from: MARCH_28, to: MARCH_28 + DAY_MS, intervalMs: 10_000 }), { source: '5m', stepMs: FIVE_MINUTES });
});

plan('7 days merges 5m into 10m', () => {
  assert.equal(planSeries({ from: MARCH_28, to: MARCH_28 + 7 * DAY_MS, intervalMs: MINUTE_MS }), { source: '5m', stepMs: 10 * MINUTE_MS });
});

plan('90 days merges 1h into 2h', () => {
  const from = MARCH_28 - 90 * DAY_MS;
  assert.equal(planSeries({ from, to: MARCH_28, intervalMs: MINUTE_MS }), { source: '1h', stepMs: 2 * HOUR_MS });
  assert.is(bucketCount(from, MARCH_28, 2 * HOUR_MS), 1080);
});

plan('20 years merges days', () => {
  const from = MARCH_28 - 20 * 365 * DAY_MS;
  const result = planSeries({ from, to: MARCH_28, intervalMs: MINUTE_MS });
  assert.equal(result, { source: '1d', stepMs: 4 * DAY_MS });
  assert.ok(bucketCount(from, MARCH_28, 4 * DAY_MS) <= 2000);
});

plan('counts partly covered buckets', () => {
  assert.is(bucketCount(MARCH_28 + 1, MARCH_28 + HOUR_MS + 1, HOUR_MS), 2);
  assert.is(bucketCount(MARCH_28, MARCH_28 + HOUR_MS, HOUR_MS), 1);
});

plan('rejects invalid options', () => {
  assert.throws(() => planSeries({ from: 10, to: 10, intervalMs: 1 }), /invalid chart range from 10 to 10/);
  assert.throws(() => planSeries({ from: NaN, to: 10, intervalMs: 1 }), /invalid chart range/);
  assert.throws(() => planSeries({ from: 0, to: 10, intervalMs: 0 }), /invalid reading interval 0 ms/);
  assert.throws(() => planSeries({ from: 0, to: 10, intervalMs: 1, maxPoints: 2.5 }), /invalid maximum of 2.5 chart points/);
});

plan.run();

// ---

const raw = suite('series from readings');

raw('24 hours gives raw points', () => {
  const readings = readingsEvery(MARCH_28, MARCH_28 + DAY_MS, MINUTE_MS);
  const series = seriesFromReadings(readings, { from: MARCH_28, to: MARCH_28 + DAY_MS, intervalMs: MINUTE_MS });
  assert.is(series.kind, 'raw');
  assert.is(series.t.length, 1440);
  assert.equal(series.moisture.min, series.moisture.max);
  assert.equal(series.moisture.mean, readings.map((r) => r.moisture));
  assertIncreasing(series.t, 'raw');
});

raw('missing hours become one null', () => {
  const readings = readingsEvery(MARCH_28, MARCH_28 + DAY_MS, MINUTE_MS).filter((r) => r.at < MARCH_28 + 10 * HOUR_MS || r.at >= MARCH_28 + 12 * HOUR_MS);
  const series = seriesFromReadings(readings, { from: MARCH_28, to: MARCH_28 + DAY_MS, intervalMs: MINUTE_MS });
  assert.is(series.t.length, readings.length + 1);
  const gap = series.n.indexOf(0);
  // The marker sits one interval after the last reading before the gap, 09:59 UTC.
  assert.is(series.t[gap], MARCH_28 + 10 * HOUR_MS);
  for (const field of ROLLUP_FIELDS) {
    assert.is(series[field].mean[gap], null, field);
    assert.is(series[field].min[gap], null, field);
    assert.is(series[field].max[gap], null, field);
  }
  assert.is(series.n.lastIndexOf(0), gap, 'only one gap marker');
  assert.not.ok(series.moisture.mean.includes(0), 'no zero stands in for a gap');
  assertIncreasing(series.t, 'gap');
});

raw('a short delay is no gap', () => {
  const readings = readingsEvery(MARCH_28, MARCH_28 + HOUR_MS, MINUTE_MS).filter((_, i) => i !== 10 && i !== 11);
  const series = seriesFromReadings(readings, { from: MARCH_28, to: MARCH_28 + HOUR_MS, intervalMs: MINUTE_MS });
  assert.not.ok(series.n.includes(0));
});

raw('null fields stay null', () => {
  const readings = readingsEvery(MARCH_28, MARCH_28 + 3 * MINUTE_MS, MINUTE_MS);
  readings[1] = { ...readings[1]!, moisture_raw: null, moisture: null, partial: true };
  const series = seriesFromReadings(readings, { from: MARCH_28, to: MARCH_28 + HOUR_MS, intervalMs: MINUTE_MS });
  assert.is(series.t.length, 3);
  assert.is(series.moisture.mean[1], null);
  assert.is(series.moisture_raw.min[1], null);
  assert.is(series.light_raw.mean[1], readings[1]!.light_raw);
});

raw('sorts, filters and merges equal times', () => {
  const readings = readingsEvery(MARCH_28 - MINUTE_MS, MARCH_28 + 4 * MINUTE_MS, MINUTE_MS).reverse();
  readings.push({ ...readings[2]!, seq: 99, moisture: 10 });
  const series = seriesFromReadings(readings, { from: MARCH_28, to: MARCH_28 + 3 * MINUTE_MS, intervalMs: MINUTE_MS });
  assert.equal(series.t, [MARCH_28, MARCH_28 + MINUTE_MS, MARCH_28 + 2 * MINUTE_MS]);
  const merged = series.t.indexOf(readings[2]!.at);
  assert.is(series.n[merged], 2);
  assert.is(series.moisture.min[merged], 10);
  assert.is(series.moisture.max[merged], readings[2]!.moisture);
});

raw('too many readings become buckets', () => {
  const readings = readingsEvery(MARCH_28, MARCH_28 + DAY_MS, 10_000);
  const series = seriesFromReadings(readings, { from: MARCH_28, to: MARCH_28 + DAY_MS, intervalMs: MINUTE_MS });
  assert.is(series.kind, 'buckets');
  assert.is(series.stepMs, FIVE_MINUTES);
  assert.is(series.t.length, 288);
  assert.ok(series.n.every((n) => n === 30));
  assertMinMeanMax(series);
});

raw.run();

// ---

const rollups = suite('series from rollups');
const NINETY_DAYS_FROM = MARCH_28 - 90 * DAY_MS;
let ninetyDays: StoredReading[] = [];
let ninetyDaysRollups: RollupSet;

rollups.before(() => {
  ninetyDays = readingsEvery(NINETY_DAYS_FROM, MARCH_28, MINUTE_MS);
  ninetyDaysRollups = buildRollups(ninetyDays);
});

rollups('90 days fit in 2000 points', () => {
  const options = { from: NINETY_DAYS_FROM, to: MARCH_28, intervalMs: MINUTE_MS };
  const plan = planSeries(options);
  assert.is(plan.source, '1h');
  const series = seriesFromRollups(ninetyDaysRollups['1h'], '1h', options);
  assert.ok(series.t.length <= 2000, series.t.length + ' points');
  assert.is(series.t.length, 1080);
  assert.ok(series.n.every((n) => n === 120));
  assertMinMeanMax(series);
  assertIncreasing(series.t, '90 days');
});

rollups('match buckets built from raw', () => {
  const options = { from: NINETY_DAYS_FROM, to: MARCH_28, intervalMs: 1000 };
  const fromRollups = seriesFromRollups(ninetyDaysRollups['1h'], '1h', options);
  const fromReadings = seriesFromReadings(ninetyDays, options);
  assert.equal(fromRollups.t, fromReadings.t);
  assert.equal(fromRollups.moisture_raw, fromReadings.moisture_raw);
  assert.equal(fromRollups.light.min, fromReadings.light.min);
});

rollups('a missing day becomes a null', () => {
  const missing = buildRollups(ninetyDays.filter((r) => r.at < MARCH_28 - 30 * DAY_MS || r.at >= MARCH_28 - 29 * DAY_MS));
  const series = seriesFromRollups(missing['1h'], '1h', { from: NINETY_DAYS_FROM, to: MARCH_28, intervalMs: MINUTE_MS });
  assert.equal(series.t.filter((_, i) => series.n[i] === 0), [MARCH_28 - 30 * DAY_MS]);
});

rollups('sleeping pot leaves no gaps', () => {
  const halfHourly = buildRollups(readingsEvery(MARCH_28, MARCH_28 + 5 * DAY_MS, 30 * MINUTE_MS));
  const series = seriesFromRollups(halfHourly['5m'], '5m', { from: MARCH_28, to: MARCH_28 + 5 * DAY_MS, intervalMs: 30 * MINUTE_MS });
  assert.is(series.t.length, 240);
  assert.not.ok(series.n.includes(0));
});

rollups('coarser stored resolution is accepted', () => {
  const series = seriesFromRollups(ninetyDaysRollups['1d'], '1d', { from: NINETY_DAYS_FROM, to: MARCH_28, intervalMs: MINUTE_MS });
  assert.is(series.stepMs, DAY_MS);
  assert.is(series.t.length, 90);
});

rollups.run();

// ---

const dst = suite('series across daylight saving');

dst('288 5m buckets on spring day', () => {
  const day = Date.UTC(2026, 2, 29);
  const set = buildRollups(readingsEvery(day, day + DAY_MS, MINUTE_MS));
  const series = seriesFromRollups(set['5m'], '5m', { from: day, to: day + DAY_MS, intervalMs: 10_000 });
  assert.is(series.t.length, 288);
  for (let i = 1; i < series.t.length; i++) assert.is(series.t[i]! - series.t[i - 1]!, FIVE_MINUTES);
  // Paris skips 02:00 to 03:00 local time that night, at 01:00 UTC.
  assert.is(parisClock(Date.UTC(2026, 2, 29, 0, 55)), '01:55');
  assert.is(parisClock(Date.UTC(2026, 2, 29, 1, 0)), '03:00');
});

dst('288 5m buckets on autumn day', () => {
  const day = Date.UTC(2026, 9, 25);
  const set = buildRollups(readingsEvery(day, day + DAY_MS, MINUTE_MS));
  const series = seriesFromRollups(set['5m'], '5m', { from: day, to: day + DAY_MS, intervalMs: 10_000 });
  assert.is(series.t.length, 288);
  assertIncreasing(series.t, 'autumn');
  // Local hours from 02:00 to 02:55 occur twice in Paris, yet every bucket time is distinct.
  const labels = series.t.map(parisClock);
  assert.is(labels.filter((label) => label === '02:30').length, 2);
  assert.is(new Set(series.t).size, 288);
});

dst('Paris local days have 23 and 25 hours', () => {
  // Local midnight in Paris is 23:00 UTC in winter and 22:00 UTC in summer.
  const spring = { from: Date.UTC(2026, 2, 28, 23), to: Date.UTC(2026, 2, 29, 22) };
  const autumn = { from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 23) };
  for (const [range, buckets] of [[spring, 276], [autumn, 300]] as const) {
    const set = buildRollups(readingsEvery(range.from, range.to, MINUTE_MS));
    const series = seriesFromRollups(set['5m'], '5m', { ...range, intervalMs: 10_000 });
    assert.is(series.t.length, buckets);
    assertIncreasing(series.t, 'local day');
  }
});

dst.run();
