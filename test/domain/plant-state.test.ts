import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import data from '../../domain/data/species.json' with { type: 'json' };
import { findSpecies, parseSpeciesFile, type Species } from '../../domain/species.js';
import { moisturePercent } from '../../domain/calibration.js';
import {
  thresholdsFor,
  runMoisture,
  stepMoisture,
  newTracker,
  summarizeDayLight,
  stepLight,
  type PlantThresholds,
  type MoistureState,
  type LightState,
  type PlantEvent,
} from '../../domain/plant-state.js';
import { loadTrace, wallTime, TRACE_CALIBRATION, type TracePoint } from './plantwatch-trace.js';

const MINUTE = 60_000;
const T0 = Date.parse('2025-06-01T08:00:00Z');

function species(id: string): Species {
  const parsed = parseSpeciesFile(data);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const found = findSpecies(parsed.species, id);
  if (found === null) throw new Error('species "' + id + '" is missing from the base');
  return found;
}

function thresholds(overrides: Partial<PlantThresholds> = {}): PlantThresholds {
  const result = thresholdsFor(species('pothos'), overrides);
  if (!result.ok) throw new Error(result.errors.join('; '));
  return result.thresholds;
}

/** Builds one reading a minute from T0 with the given moisture values. */
function minutes(values: (number | null)[]): { at: number; moisture: number | null }[] {
  return values.map((moisture, i) => ({ at: T0 + i * MINUTE, moisture: moisture }));
}

function repeat(value: number, count: number): number[] {
  return new Array<number>(count).fill(value);
}

function describe(events: PlantEvent[]): string[] {
  return events.map((event) => event.kind + ' ' + event.state);
}

const setup = suite('thresholds from species');

setup('takes ranges from the species', () => {
  const t = thresholds();
  assert.equal(t.moisture, { min: 25, max: 65 });
  assert.equal(t.light, { min: 250, max: 8000 });
  assert.is(t.moistureHysteresis, 5);
  assert.is(t.minDurationMs, 30 * MINUTE);
});

setup('applies user overrides', () => {
  const t = thresholds({ moisture: { min: 40, max: 80 }, minDurationMs: 10 * MINUTE });
  assert.equal(t.moisture, { min: 40, max: 80 });
  assert.is(t.minDurationMs, 10 * MINUTE);
  assert.equal(t.light, { min: 250, max: 8000 });
});

setup('rejects inverted range and wide hysteresis', () => {
  const inverted = thresholdsFor(species('pothos'), { moisture: { min: 60, max: 20 } });
  assert.not.ok(inverted.ok);
  if (!inverted.ok) assert.match(inverted.errors.join('\n'), /moisture min \(60\) must be below max \(20\)/);

  const wide = thresholdsFor(species('pothos'), { moistureHysteresis: 25 });
  assert.not.ok(wide.ok);
  if (!wide.ok) assert.match(wide.errors.join('\n'), /moistureHysteresis 25 must be from 0 to less than half/);
});

setup.run();

// ---

const moisture = suite('moisture episodes');

moisture('short dip below min starts nothing', () => {
  const run = runMoisture(minutes([...repeat(40, 10), ...repeat(20, 25), ...repeat(40, 10)]), thresholds());
  assert.equal(run.events, []);
  assert.is(run.tracker.state, 'ok');
});

moisture('starts once after the minimum duration', () => {
  const run = runMoisture(minutes([...repeat(40, 5), ...repeat(20, 60)]), thresholds());
  assert.equal(describe(run.events), ['start too_dry']);
  assert.is(run.events[0]?.since, T0 + 5 * MINUTE);
  assert.is(run.events[0]?.at, T0 + 35 * MINUTE);
  assert.is(run.tracker.since, T0 + 5 * MINUTE);
});

moisture('boundary noise inside hysteresis does not clear', () => {
  const noisy: number[] = [];
  for (let i = 0; i < 200; i++) noisy.push(i % 2 === 0 ? 24.5 : 28.5);
  const run = runMoisture(minutes([...repeat(20, 40), ...noisy]), thresholds());
  assert.equal(describe(run.events), ['start too_dry']);
  assert.is(run.tracker.state, 'too_dry');
});

moisture('clears once above min plus hysteresis', () => {
  const run = runMoisture(minutes([...repeat(20, 40), ...repeat(29, 60), ...repeat(31, 40)]), thresholds());
  assert.equal(describe(run.events), ['start too_dry', 'clear too_dry']);
  assert.is(run.events[1]?.since, T0 + 100 * MINUTE);
  assert.is(run.events[1]?.at, T0 + 130 * MINUTE);
});

moisture('watering overshoot is not too wet', () => {
  const run = runMoisture(minutes([...repeat(20, 40), ...repeat(95, 300)]), thresholds());
  assert.equal(describe(run.events), ['start too_dry', 'clear too_dry']);
  assert.is(run.tracker.state, 'ok');
});

moisture('soil wet for a day starts too wet', () => {
  const samples = [];
  for (let hour = 0; hour <= 30; hour++) samples.push({ at: T0 + hour * 60 * MINUTE, moisture: 90 });
  const run = runMoisture(samples, thresholds());
  assert.equal(describe(run.events), ['start too_wet']);
  assert.is(run.events[0]?.at, T0 + 24 * 60 * MINUTE);
});

moisture('null readings neither confirm nor cancel', () => {
  const run = runMoisture(minutes([...repeat(20, 10), ...new Array<null>(30).fill(null), 20]), thresholds());
  assert.equal(describe(run.events), ['start too_dry']);
  assert.is(run.events[0]?.since, T0);
});

moisture('ignores a reading older than the last', () => {
  let tracker = newTracker<MoistureState>('ok');
  tracker = stepMoisture(tracker, { at: T0 + 10 * MINUTE, moisture: 40 }, thresholds()).tracker;
  const late = stepMoisture(tracker, { at: T0, moisture: 5 }, thresholds());
  assert.is(late.tracker, tracker);
  assert.equal(late.events, []);
});

moisture.run();

// ---

let trace: TracePoint[] = [];

const recorded = suite('moisture on the recorded trace');

recorded.before(() => {
  trace = loadTrace();
});

recorded('one dry episode, cleared by watering', () => {
  const samples = trace.map((p) => ({ at: p.at, moisture: moisturePercent(p.raw, TRACE_CALIBRATION).percent }));
  const run = runMoisture(samples, thresholds());

  assert.equal(describe(run.events), ['start too_dry', 'clear too_dry']);
  const start = run.events[0]!;
  const clear = run.events[1]!;
  assert.ok(start.at > wallTime('2025-09-24', '06:00'), new Date(start.at).toISOString());
  assert.ok(start.at < wallTime('2025-09-24', '22:00'), new Date(start.at).toISOString());
  assert.is(clear.since, wallTime('2025-09-28', '15:44'));
  assert.is(clear.at, wallTime('2025-09-28', '16:14'));
});

recorded('probe out of soil for 18 minutes starts nothing', () => {
  const firstHour = trace.filter((p) => p.at < wallTime('2025-09-15', '18:00'));
  const samples = firstHour.map((p) => ({ at: p.at, moisture: moisturePercent(p.raw, TRACE_CALIBRATION).percent }));
  assert.ok(samples.some((s) => s.moisture !== null && s.moisture < 1), 'the trace has the probe in air');
  assert.equal(runMoisture(samples, thresholds()).events, []);
});

recorded.run();

// ---

function runDays(days: { at: number; dayMeanLux: number | null }[], t: PlantThresholds): PlantEvent[] {
  let tracker = newTracker<LightState>('ok');
  const events: PlantEvent[] = [];
  for (const day of days) {
    const step = stepLight(tracker, day, t);
    tracker = step.tracker;
    events.push(...step.events);
  }
  return events;
}

const light = suite('light per day');

light('one dark day starts nothing', () => {
  const t = thresholds();
  const day = 24 * 60 * MINUTE;
  const events = runDays([{ at: T0, dayMeanLux: 100 }, { at: T0 + day, dayMeanLux: 400 }, { at: T0 + 2 * day, dayMeanLux: 100 }], t);
  assert.equal(events, []);
});

light('two dark days start too dark', () => {
  const day = 24 * 60 * MINUTE;
  const events = runDays([{ at: T0, dayMeanLux: 100 }, { at: T0 + day, dayMeanLux: 120 }], thresholds());
  assert.equal(describe(events), ['start too_dark']);
  assert.is(events[0]?.since, T0);
});

light('clears only with margin above min', () => {
  const day = 24 * 60 * MINUTE;
  const lux = [100, 100, 260, 260, 270, 300, 300];
  const events = runDays(lux.map((value, i) => ({ at: T0 + i * day, dayMeanLux: value })), thresholds());
  assert.equal(describe(events), ['start too_dark', 'clear too_dark']);
  assert.is(events[1]?.at, T0 + 6 * day);
});

light('unjudged day keeps the run', () => {
  const day = 24 * 60 * MINUTE;
  const events = runDays([{ at: T0, dayMeanLux: 100 }, { at: T0 + day, dayMeanLux: null }, { at: T0 + 2 * day, dayMeanLux: 90 }], thresholds());
  assert.equal(describe(events), ['start too_dark']);
});

light('day summary integrates lux hours', () => {
  const samples = [];
  for (let i = 0; i <= 12 * 60; i += 10) samples.push({ at: T0 + i * MINUTE, lux: 600 });
  const summary = summarizeDayLight(samples);
  assert.ok(Math.abs(summary.luxHours - 7200) < 1e-6, String(summary.luxHours));
  assert.ok(Math.abs(summary.coveredHours - 12) < 1e-9);
  assert.is(summary.dayMeanLux, 600);
});

light('short coverage is not judged', () => {
  const samples = [{ at: T0, lux: 500 }, { at: T0 + 60 * MINUTE, lux: 500 }, { at: T0 + 10 * 60 * MINUTE, lux: 500 }];
  const summary = summarizeDayLight(samples);
  assert.is(summary.coveredHours, 1);
  assert.is(summary.dayMeanLux, null);
});

light('recorded trace has one dark spell', () => {
  const byDay = new Map<string, { at: number; lux: number }[]>();
  for (const p of loadTrace()) {
    const key = new Date(p.at).toISOString().slice(0, 10);
    const list = byDay.get(key) ?? [];
    list.push({ at: p.at, lux: p.lux });
    byDay.set(key, list);
  }
  const days = [...byDay.entries()].map(([key, samples]) => ({
    at: wallTime(key, '23:59'),
    dayMeanLux: summarizeDayLight(samples).dayMeanLux,
  }));
  assert.is(days[0]?.dayMeanLux, null, 'the first day starts at 17:07 and is too short to judge');

  const events = runDays(days, thresholds());
  assert.equal(describe(events), ['start too_dark', 'clear too_dark']);
  assert.is(events[0]?.since, wallTime('2025-09-22', '23:59'));
  assert.is(events[1]?.at, wallTime('2025-09-25', '23:59'));
});

light.run();
