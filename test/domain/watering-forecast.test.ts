import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { moisturePercent } from '../../domain/calibration.js';
import type { RawPoint } from '../../domain/watering-detect.js';
import { forecastWatering, forecastDays } from '../../domain/watering-forecast.js';
import { loadTrace, wallTime, TRACE_CALIBRATION, type TracePoint } from './plantwatch-trace.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2025-06-01T08:00:00Z');
const ESP32_CALIBRATION = { dry: 3300, wet: 1400 };
/** Minimum moisture of the pothos in the species base, percent. */
const MIN_PERCENT = 25;

let trace: TracePoint[] = [];
let history: RawPoint[] = [];
let crossedAt = 0;

const recorded = suite('forecast on the recorded trace');

recorded.before(() => {
  trace = loadTrace();
  history = trace.map((p) => ({ at: p.at, raw: p.raw }));
  const crossed = trace.find((p) => p.at > wallTime('2025-09-17', '00:00') && (moisturePercent(p.raw, TRACE_CALIBRATION).percent ?? 100) < MIN_PERCENT);
  if (crossed === undefined) throw new Error('the trace never reaches ' + MIN_PERCENT + ' %');
  crossedAt = crossed.at;
});

recorded('trace crosses the minimum on 24 September', () => {
  assert.ok(crossedAt > wallTime('2025-09-24', '06:00'), new Date(crossedAt).toISOString());
  assert.ok(crossedAt < wallTime('2025-09-24', '12:00'), new Date(crossedAt).toISOString());
});

recorded('too short right after watering', () => {
  const result = forecastWatering(history, TRACE_CALIBRATION, MIN_PERCENT, wallTime('2025-09-16', '12:00'));
  assert.not.ok(result.ok);
  if (!result.ok) assert.is(result.reason, 'too_short');

  const second = forecastWatering(history, TRACE_CALIBRATION, MIN_PERCENT, wallTime('2025-09-28', '21:59'));
  assert.not.ok(second.ok);
  if (!second.ok) assert.is(second.reason, 'too_short');
});

recorded('drying rate is about 500 counts a day', () => {
  const result = forecastWatering(history, TRACE_CALIBRATION, MIN_PERCENT, wallTime('2025-09-21', '12:00'));
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.ok(result.forecast.rawPerDay > 400, String(result.forecast.rawPerDay));
  assert.ok(result.forecast.rawPerDay < 800, String(result.forecast.rawPerDay));
  assert.ok(result.forecast.percentPerDay > 0);
});

recorded('forecasts land within two days', () => {
  for (const day of ['2025-09-18', '2025-09-19', '2025-09-20', '2025-09-21', '2025-09-22', '2025-09-23']) {
    const now = wallTime(day, '12:00');
    const result = forecastWatering(history, TRACE_CALIBRATION, MIN_PERCENT, now);
    assert.ok(result.ok, day);
    if (!result.ok) continue;
    const errorDays = Math.abs(result.forecast.at - crossedAt) / DAY;
    assert.ok(errorDays < 2.1, day + ': off by ' + errorDays.toFixed(2) + ' days');
    assert.ok(result.forecast.earliest <= result.forecast.at, day);
    assert.ok(result.forecast.latest >= result.forecast.at, day);
  }
});

recorded('forecast one day ahead brackets the crossing', () => {
  const now = wallTime('2025-09-23', '12:00');
  const result = forecastWatering(history, TRACE_CALIBRATION, MIN_PERCENT, now);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.ok(result.forecast.earliest <= crossedAt, new Date(result.forecast.earliest).toISOString());
  assert.ok(result.forecast.latest >= crossedAt, new Date(result.forecast.latest).toISOString());
  assert.equal(forecastDays(result.forecast, now), { days: 0.5, earliest: 0.5, latest: 1 });
});

recorded('ignores readings after now', () => {
  const now = wallTime('2025-09-21', '12:00');
  const past = history.filter((p) => p.at <= now);
  assert.equal(forecastWatering(history, TRACE_CALIBRATION, MIN_PERCENT, now), forecastWatering(past, TRACE_CALIBRATION, MIN_PERCENT, now));
});

recorded.run();

// ---

/** Builds hourly readings over `days` days following `raw(hours)`. */
function hourly(days: number, raw: (hours: number) => number): RawPoint[] {
  const points: RawPoint[] = [];
  for (let h = 0; h <= days * 24; h++) points.push({ at: T0 + h * HOUR, raw: raw(h) });
  return points;
}

const synthetic = suite('forecast edge cases');

synthetic('steady drying crosses on time', () => {
  // 1 900-count span; 95 counts a day is 5 % a day, from 50 % it takes 5 days to reach 25 %.
  const points = hourly(3, (h) => 2350 - 95 * 3 + (95 * h) / 24);
  const now = T0 + 3 * DAY;
  const result = forecastWatering(points, ESP32_CALIBRATION, MIN_PERCENT, now);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.ok(Math.abs(result.forecast.percentNow - 50) < 0.5, String(result.forecast.percentNow));
  assert.ok(Math.abs(result.forecast.at - (now + 5 * DAY)) < HOUR, new Date(result.forecast.at).toISOString());
});

synthetic('inverted probe forecasts the same', () => {
  const normal = hourly(3, (h) => 2000 + (95 * h) / 24);
  const inverted = normal.map((p) => ({ at: p.at, raw: 5000 - (p.raw as number) }));
  const now = T0 + 3 * DAY;
  const a = forecastWatering(normal, ESP32_CALIBRATION, MIN_PERCENT, now);
  const b = forecastWatering(inverted, { dry: 5000 - 3300, wet: 5000 - 1400 }, MIN_PERCENT, now);
  assert.ok(a.ok, 'normal probe');
  assert.ok(b.ok, 'inverted probe');
  if (a.ok && b.ok) {
    assert.ok(Math.abs(a.forecast.at - b.forecast.at) < 60_000);
    assert.ok(Math.abs(a.forecast.rawPerDay + b.forecast.rawPerDay) < 1e-6);
  }
});

synthetic('flat moisture gives no forecast', () => {
  const result = forecastWatering(hourly(3, (h) => 2000 + (h % 3)), ESP32_CALIBRATION, MIN_PERCENT, T0 + 3 * DAY);
  assert.not.ok(result.ok);
  if (!result.ok) assert.is(result.reason, 'too_flat');
});

synthetic('dry soil is already due', () => {
  const result = forecastWatering(hourly(3, (h) => 3000 + h), ESP32_CALIBRATION, MIN_PERCENT, T0 + 3 * DAY);
  assert.not.ok(result.ok);
  if (!result.ok) assert.is(result.reason, 'already_dry');
});

synthetic('no calibration gives no forecast', () => {
  const result = forecastWatering(hourly(3, (h) => 2000 + h), null, MIN_PERCENT, T0 + 3 * DAY);
  assert.not.ok(result.ok);
  if (!result.ok) assert.is(result.reason, 'no_calibration');
});

synthetic.run();
