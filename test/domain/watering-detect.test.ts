import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { detectWaterings, type RawPoint } from '../../domain/watering-detect.js';
import { loadTrace, wallTime, TRACE_CALIBRATION, type TracePoint } from './plantwatch-trace.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2025-06-01T08:00:00Z');
const ESP32_CALIBRATION = { dry: 3300, wet: 1400 };

let trace: TracePoint[] = [];

function rawHistory(points: TracePoint[]): RawPoint[] {
  return points.map((p) => ({ at: p.at, raw: p.raw }));
}

const recorded = suite('waterings on the recorded trace');

recorded.before(() => {
  trace = loadTrace();
});

recorded('finds both waterings with calibration', () => {
  const { waterings } = detectWaterings(rawHistory(trace), TRACE_CALIBRATION);
  assert.is(waterings.length, 2);

  const [first, second] = waterings;
  assert.is(first?.at, wallTime('2025-09-15', '17:27'));
  assert.is(first?.lastDryAt, wallTime('2025-09-15', '17:07'));
  assert.ok(first?.afterProbeOut);
  assert.is(first?.rawBefore, 16447);

  assert.is(second?.at, wallTime('2025-09-28', '15:44'));
  assert.is(second?.lastDryAt, wallTime('2025-09-28', '15:43'));
  assert.not.ok(second?.afterProbeOut);
  assert.ok(Math.abs((second?.rawBefore ?? 0) - 19774) < 20, String(second?.rawBefore));
  assert.ok((second?.rawAfter ?? 0) < 11800, String(second?.rawAfter));
});

recorded('finds both waterings without calibration', () => {
  const { waterings } = detectWaterings(rawHistory(trace), null);
  assert.equal(waterings.map((w) => w.at), [wallTime('2025-09-15', '17:27'), wallTime('2025-09-28', '15:44')]);
  assert.is(waterings[0]?.risePercent, null);
});

recorded('finds both with an inverted probe', () => {
  const inverted = trace.map((p) => ({ at: p.at, raw: 30000 - p.raw }));
  const calibration = { dry: 30000 - TRACE_CALIBRATION.dry, wet: 30000 - TRACE_CALIBRATION.wet };
  const { waterings } = detectWaterings(inverted, calibration);
  assert.equal(waterings.map((w) => w.at), [wallTime('2025-09-15', '17:27'), wallTime('2025-09-28', '15:44')]);
  assert.ok((waterings[1]?.rawAfter ?? 0) > (waterings[1]?.rawBefore ?? 0));
});

recorded('night gaps raise no watering', () => {
  const drying = trace.filter((p) => p.at >= wallTime('2025-09-16', '06:00') && p.at < wallTime('2025-09-28', '15:00'));
  let nightSteps = 0;
  for (let i = 1; i < drying.length; i++) {
    const gap = drying[i]!.at - drying[i - 1]!.at;
    if (gap > 6 * HOUR && Math.abs(drying[i]!.raw - drying[i - 1]!.raw) >= 100) nightSteps++;
  }
  assert.ok(nightSteps >= 10, 'the trace should step at night, got ' + nightSteps);

  const result = detectWaterings(rawHistory(drying), null, { minRawStep: 100 });
  assert.is(result.threshold, 100);
  assert.equal(result.waterings, []);
});

recorded('watering during a night gap is flagged', () => {
  const days = trace.filter((p) => p.at >= wallTime('2025-09-20', '06:00') && p.at < wallTime('2025-09-22', '00:00'));
  const watered = days.map((p) => ({ at: p.at, raw: p.at >= wallTime('2025-09-21', '00:00') ? p.raw - 5000 : p.raw }));
  const { waterings } = detectWaterings(watered, TRACE_CALIBRATION);
  assert.is(waterings.length, 1);
  assert.is(waterings[0]?.at, wallTime('2025-09-21', '06:00'));
  assert.is(waterings[0]?.lastDryAt, wallTime('2025-09-20', '21:59'));
  assert.ok(waterings[0]?.acrossGap);
});

recorded('one-reading dip is no watering', () => {
  const days = trace.filter((p) => p.at >= wallTime('2025-09-20', '06:00') && p.at < wallTime('2025-09-21', '00:00'));
  const glitch = days.map((p, i) => ({ at: p.at, raw: i === 300 ? p.raw - 6000 : p.raw }));
  assert.equal(detectWaterings(glitch, TRACE_CALIBRATION).waterings, []);
});

recorded.run();

// ---

/** Builds one reading a minute from T0 around `level` with ±3 counts of noise. */
function series(levels: number[]): RawPoint[] {
  return levels.map((level, i) => ({ at: T0 + i * MINUTE, raw: level + ((i * 7) % 7) - 3 }));
}

function repeat(value: number, count: number): number[] {
  return new Array<number>(count).fill(value);
}

const synthetic = suite('watering edge cases');

synthetic('probe lifted and put back is no watering', () => {
  const history = series([...repeat(2900, 60), ...repeat(4095, 20), ...repeat(2890, 60)]);
  assert.equal(detectWaterings(history, ESP32_CALIBRATION).waterings, []);
});

synthetic('probe lifted then watered is one watering', () => {
  const history = series([...repeat(2900, 60), ...repeat(4095, 20), ...repeat(1600, 60)]);
  const { waterings } = detectWaterings(history, ESP32_CALIBRATION);
  assert.is(waterings.length, 1);
  assert.ok(waterings[0]?.afterProbeOut);
  assert.ok(Math.abs((waterings[0]?.rise ?? 0) - 1300) < 10, String(waterings[0]?.rise));
});

synthetic('small drop below threshold is ignored', () => {
  const history = series([...repeat(2900, 60), ...repeat(2750, 60)]);
  assert.equal(detectWaterings(history, ESP32_CALIBRATION).waterings, []);
});

synthetic('drop waits for confirming readings', () => {
  const levels = [...repeat(2900, 60), 1600, 1600];
  assert.equal(detectWaterings(series(levels), ESP32_CALIBRATION).waterings, []);
  assert.is(detectWaterings(series([...levels, 1600]), ESP32_CALIBRATION).waterings.length, 1);
});

synthetic('null raws are skipped', () => {
  const history = series([...repeat(2900, 60), ...repeat(1600, 30)]);
  history[61] = { at: history[61]!.at, raw: null };
  const { waterings } = detectWaterings(history, ESP32_CALIBRATION);
  assert.is(waterings.length, 1);
  assert.is(waterings[0]?.at, T0 + 60 * MINUTE);
});

synthetic('empty history finds nothing', () => {
  assert.equal(detectWaterings([], null).waterings, []);
});

synthetic.run();
