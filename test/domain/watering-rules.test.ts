import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseTrace, type Trace } from '../../device/host/trace.js';
import { moisturePercent } from '../../domain/calibration.js';
import {
  checkWateringRule, decideWatering, DEFAULT_WATERING_RULE, enableRule, initialRuleState, observeMoisture, recordOutcome,
  zonedClock, type RuleEvent, type RuleState, type WateringRule,
} from '../../domain/watering-rules.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const UTC = zonedClock('UTC');
/** Monday 2025-06-02, 08:00 UTC. */
const MONDAY_8 = Date.parse('2025-06-02T08:00:00Z');

const RULE: WateringRule = {
  ...DEFAULT_WATERING_RULE,
  thresholdPercent: 30,
  dryForMs: 30 * MINUTE,
  durationS: 10,
  maxPerDay: 2,
  maxSecondsPerDay: 100,
  quietHours: null,
  schedules: [],
};

/** Runs a rule over readings, one tick per reading: observe, then decide, as the hub does. */
class Run {
  state: RuleState = initialRuleState();
  events: RuleEvent[] = [];

  constructor(private readonly rule: WateringRule, private readonly clock = UTC) {}

  tick(at: number, percent: number | null): RuleEvent[] {
    const observed = observeMoisture(this.rule, this.state, { at, percent });
    const decided = decideWatering(this.rule, observed.state, at, this.clock);
    this.state = decided.state;
    const events = observed.events.concat(decided.events);
    this.events.push(...events);
    return events;
  }

  /** Ticks every `stepMs` from `from` (included) to `to` (excluded), with moisture from `percentAt`. */
  span(from: number, to: number, stepMs: number, percentAt: (at: number) => number | null): void {
    for (let at = from; at < to; at += stepMs) this.tick(at, percentAt(at));
  }

  of(type: RuleEvent['type']): RuleEvent[] {
    return this.events.filter((event) => event.type === type);
  }
}

const dry = suite('watering rule on dry soil');

dry('waters after the set dry time', () => {
  const run = new Run(RULE);
  run.span(MONDAY_8, MONDAY_8 + 30 * MINUTE, 5 * MINUTE, () => 25);
  assert.is(run.of('water').length, 0);
  const events = run.tick(MONDAY_8 + 30 * MINUTE, 25);
  assert.equal(events, [{ type: 'water', at: MONDAY_8 + 30 * MINUTE, trigger: 'dry', durationS: 10 }]);
});

dry('a wet reading restarts the dry time', () => {
  const run = new Run(RULE);
  run.span(MONDAY_8, MONDAY_8 + 25 * MINUTE, 5 * MINUTE, () => 25);
  run.tick(MONDAY_8 + 25 * MINUTE, 31);
  run.span(MONDAY_8 + 30 * MINUTE, MONDAY_8 + 60 * MINUTE, 5 * MINUTE, () => 25);
  assert.is(run.of('water').length, 0);
  assert.is(run.tick(MONDAY_8 + 60 * MINUTE, 25)[0]?.type, 'water');
});

dry('stale readings start no watering', () => {
  const run = new Run(RULE);
  run.tick(MONDAY_8, 20);
  run.tick(MONDAY_8 + 10 * MINUTE, 20);
  for (let at = MONDAY_8 + 3 * HOUR; at < MONDAY_8 + 5 * HOUR; at += 10 * MINUTE) run.tick(at, null);
  assert.is(run.of('water').length, 0);
});

dry('stops after the daily count', () => {
  const run = new Run({ ...RULE, maxPerDay: 2 });
  // Each watering raises the moisture by 10 points, which then falls back below the threshold.
  let level = 25;
  for (let at = MONDAY_8; at < MONDAY_8 + 12 * HOUR; at += 5 * MINUTE) {
    const events = run.tick(at, level);
    level = events.some((event) => event.type === 'water') ? 35 : Math.max(20, level - 1);
  }
  assert.is(run.of('water').length, 2);
  assert.is(run.state.countToday, 2);
  assert.equal(run.of('skip').map((event) => event.type === 'skip' && event.reason), ['daily_count']);

  run.span(MONDAY_8 + 16 * HOUR, MONDAY_8 + 17 * HOUR, 5 * MINUTE, () => 20);
  assert.is(run.of('water').length, 3, 'a new local day resets the count');
});

dry('stops after the daily seconds', () => {
  const run = new Run({ ...RULE, maxPerDay: 10, maxSecondsPerDay: 25 });
  let level = 25;
  for (let at = MONDAY_8; at < MONDAY_8 + 12 * HOUR; at += 5 * MINUTE) {
    const events = run.tick(at, level);
    level = events.some((event) => event.type === 'water') ? 35 : Math.max(20, level - 1);
  }
  assert.is(run.of('water').length, 2);
  assert.is(run.state.secondsToday, 20);
  assert.equal(run.of('skip').map((event) => event.type === 'skip' && event.reason), ['daily_seconds']);
});

dry('quiet hours hold the watering', () => {
  const run = new Run({ ...RULE, quietHours: { start: '22:00', end: '07:00' } });
  const evening = Date.parse('2025-06-02T21:45:00Z');
  run.span(evening, evening + 10 * HOUR, 10 * MINUTE, () => 20);
  const waterings = run.of('water');
  assert.is(waterings.length, 1);
  assert.is(waterings[0]?.at, Date.parse('2025-06-03T07:05:00Z'));
  assert.equal(run.of('skip').map((event) => event.type === 'skip' && event.reason), ['quiet_hours']);
});

dry('failed watering gives back its share', () => {
  const run = new Run(RULE);
  run.span(MONDAY_8, MONDAY_8 + 35 * MINUTE, 5 * MINUTE, () => 20);
  assert.is(run.state.countToday, 1);
  run.state = recordOutcome(run.state, false, 0);
  assert.is(run.state.countToday, 0);
  assert.is(run.state.secondsToday, 0);
  assert.is(run.state.pending, null);
  run.state = recordOutcome(run.state, true, 4);
  assert.is(run.state.secondsToday, 0, 'no pending watering to record');
});

dry('local day follows the time zone', () => {
  const paris = zonedClock('Europe/Paris');
  assert.equal(paris(Date.parse('2025-06-02T21:59:00Z')), { day: '2025-06-02', minutes: 23 * 60 + 59, weekday: 1 });
  assert.equal(paris(Date.parse('2025-06-02T22:00:00Z')), { day: '2025-06-03', minutes: 0, weekday: 2 });
  const run = new Run({ ...RULE, maxPerDay: 1, dryForMs: 0 }, paris);
  run.tick(Date.parse('2025-06-02T21:00:00Z'), 20);
  run.tick(Date.parse('2025-06-02T21:40:00Z'), 25);
  run.tick(Date.parse('2025-06-02T21:50:00Z'), 25);
  assert.is(run.of('water').length, 1);
  run.tick(Date.parse('2025-06-02T22:01:00Z'), 25);
  assert.is(run.of('water').length, 2);
});

dry.run();

// ---

const schedules = suite('watering schedules');

schedules('fire once per slot', () => {
  const rule = { ...RULE, thresholdPercent: null, schedules: [{ days: [1, 3], time: '08:00', durationS: 15 }] };
  const run = new Run(rule);
  // Soil that rises after each watering, so the rise check passes.
  let level = 50;
  for (let at = MONDAY_8 - HOUR; at < MONDAY_8 + 3 * 24 * HOUR; at += 5 * MINUTE) {
    const events = run.tick(at, level);
    level = events.some((event) => event.type === 'water') ? level + 10 : Math.max(40, level - 0.1);
  }
  const waterings = run.of('water');
  assert.equal(waterings.map((event) => event.at), [MONDAY_8, MONDAY_8 + 2 * 24 * HOUR]);
  assert.equal(waterings.map((event) => event.type === 'water' && event.slot), ['2025-06-02 08:00', '2025-06-04 08:00']);
  assert.equal(waterings.map((event) => event.type === 'water' && event.durationS), [15, 15]);
});

schedules('late tick still fires the slot', () => {
  const run = new Run({ ...RULE, thresholdPercent: null, schedules: [{ days: [1], time: '08:00', durationS: 15 }] });
  run.tick(MONDAY_8 - 5 * MINUTE, 50);
  run.tick(MONDAY_8 + 50 * MINUTE, 50);
  assert.is(run.of('water').length, 1);
  const missed = new Run({ ...RULE, thresholdPercent: null, schedules: [{ days: [1], time: '08:00', durationS: 15 }] });
  missed.tick(MONDAY_8 + 61 * MINUTE, 50);
  assert.is(missed.of('water').length, 0);
});

schedules('slot in quiet hours is skipped', () => {
  const rule = { ...RULE, thresholdPercent: null, quietHours: { start: '07:00', end: '09:00' }, schedules: [{ days: [1], time: '08:00', durationS: 15 }] };
  const run = new Run(rule);
  run.span(MONDAY_8 - HOUR, MONDAY_8 + 3 * HOUR, 5 * MINUTE, () => 50);
  assert.is(run.of('water').length, 0);
  assert.equal(run.of('skip'), [{ type: 'skip', at: MONDAY_8, trigger: 'schedule', reason: 'quiet_hours', slot: '2025-06-02 08:00' }]);
});

schedules.run();

// ---

const rise = suite('watering rise check');

rise('no rise disables the rule with an alert', () => {
  const run = new Run(RULE);
  run.span(MONDAY_8, MONDAY_8 + 2 * HOUR, 5 * MINUTE, () => 20);
  assert.is(run.of('water').length, 1);
  const alerts = run.of('alert');
  assert.equal(alerts, [{ type: 'alert', at: MONDAY_8 + 60 * MINUTE, kind: 'no_rise', beforePercent: 20, bestPercent: 20 }]);
  assert.equal(run.state.disabled, { at: MONDAY_8 + 60 * MINUTE, reason: 'no_rise' });

  run.span(MONDAY_8 + 2 * HOUR, MONDAY_8 + 6 * HOUR, 5 * MINUTE, () => 20);
  assert.is(run.of('water').length, 1, 'a disabled rule waters no more');

  run.state = enableRule(run.state);
  run.span(MONDAY_8 + 6 * HOUR, MONDAY_8 + 7 * HOUR, 5 * MINUTE, () => 20);
  assert.is(run.of('water').length, 2, 'enabling again restarts the rule');
});

rise('a rise clears the check', () => {
  const run = new Run(RULE);
  run.span(MONDAY_8, MONDAY_8 + 35 * MINUTE, 5 * MINUTE, () => 20);
  assert.ok(run.state.pending);
  run.tick(MONDAY_8 + 40 * MINUTE, 24);
  assert.is(run.state.pending, null);
  assert.is(run.state.disabled, null);
  assert.is(run.of('alert').length, 0);
});

rise('no reading keeps the check open', () => {
  const run = new Run(RULE);
  run.span(MONDAY_8, MONDAY_8 + 35 * MINUTE, 5 * MINUTE, () => 20);
  run.span(MONDAY_8 + 35 * MINUTE, MONDAY_8 + 5 * HOUR, 5 * MINUTE, () => null);
  assert.ok(run.state.pending);
  assert.is(run.state.disabled, null);
  assert.is(run.of('water').length, 1);
});

rise.run();

// ---

const check = suite('watering rule check');

check('default rule is valid', () => {
  assert.equal(checkWateringRule(DEFAULT_WATERING_RULE), []);
});

check('lists every problem at once', () => {
  const problems = checkWateringRule({
    ...RULE,
    thresholdPercent: 120,
    durationS: 0,
    maxPerDay: 0,
    maxSecondsPerDay: -1,
    quietHours: { start: '25:00', end: '7:00' },
    schedules: [{ days: [7, 1], time: 'noon', durationS: 900 }],
  });
  for (const word of ['thresholdPercent', 'durationS', 'maxPerDay', 'maxSecondsPerDay', 'quietHours.start', 'quietHours.end', 'schedules[0].days', 'schedules[0].time', 'schedules[0].durationS']) {
    assert.ok(problems.some((problem) => problem.startsWith(word)), `${word} missing from ${problems.join('; ')}`);
  }
});

check.run();

// ---

/** Points of moisture one second of pump adds in the soil model: 8 s lift the soil by 16 points. */
const RISE_PER_PUMP_S = 2;
/**
 * The model dries the soil three times as fast as the recorded pot (a smaller pot in more
 * light), so the rule waters about daily and the daily limits come into play.
 */
const DRYING_FACTOR = 3;
const TRACE_FILE = 'scripts/traces/plantwatch-pi5.csv';
/** The drying stretch of the trace: after the first watering settled, before the second. */
const DRYING_FROM = Date.parse('2025-09-16T06:00:00Z');
const DRYING_TO = Date.parse('2025-09-28T15:00:00Z');

const replay = suite<{ trace: Trace | null }>('watering rule on the trace', { trace: null });

replay.before((context) => {
  context.trace = parseTrace(readFileSync(TRACE_FILE, 'utf8'));
});

replay('keeps the plant watered within limits', (context) => {
  const trace = context.trace!;
  assert.equal(trace.problems, []);
  const rows = trace.rows.filter((row) => row.timeMs >= DRYING_FROM && row.timeMs < DRYING_TO && row.moistureRaw !== null);
  const rule: WateringRule = {
    ...DEFAULT_WATERING_RULE,
    thresholdPercent: 35, dryForMs: 30 * MINUTE, durationS: 8, maxPerDay: 2, maxSecondsPerDay: 16,
    quietHours: { start: '21:00', end: '07:00' },
  };
  // The trace's times are local wall times, read as UTC, so the UTC clock gives local days.
  const run = new Run(rule, UTC);

  // Soil model: the recorded drying, step by step, plus a rise after each simulated watering.
  let soil: number | null = null;
  let previous: number | null = null;
  let pumpS = 0;
  const levels: { at: number; percent: number }[] = [];
  for (const row of rows) {
    const recorded = moisturePercent(row.moistureRaw, trace.calibration).percent!;
    soil = soil === null ? recorded : Math.min(100, Math.max(0, soil + (recorded - previous!) * DRYING_FACTOR + pumpS * RISE_PER_PUMP_S));
    previous = recorded;
    levels.push({ at: row.timeMs, percent: soil });
    const events = run.tick(row.timeMs, soil);
    pumpS = events.reduce((sum, event) => sum + (event.type === 'water' ? event.durationS : 0), 0);
  }

  const waterings = run.of('water');
  assert.ok(waterings.length >= 8, `only ${waterings.length} waterings`);
  assert.ok(run.of('skip').length >= 1, 'the quiet hours held no watering');
  assert.is(run.of('alert').length, 0);
  assert.is(run.state.disabled, null);

  const perDay = new Map<string, { count: number; seconds: number }>();
  for (const event of waterings) {
    const local = UTC(event.at);
    const when = new Date(event.at).toISOString();
    assert.ok(local.minutes >= 7 * 60, `watered in quiet hours at ${when}`);
    assert.ok(local.minutes < 21 * 60, `watered in quiet hours at ${when}`);
    const day = perDay.get(local.day) ?? { count: 0, seconds: 0 };
    day.count += 1;
    day.seconds += event.type === 'water' ? event.durationS : 0;
    perDay.set(local.day, day);
  }
  assert.is(Math.max(...[...perDay.values()].map((total) => total.count)), rule.maxPerDay);
  for (const [day, total] of perDay) {
    assert.ok(total.count <= rule.maxPerDay, `${day}: ${total.count} waterings`);
    assert.ok(total.seconds <= rule.maxSecondsPerDay, `${day}: ${total.seconds} s`);
  }

  // Once the rule has started, the soil dips below the threshold for the dry time, and overnight
  // when it crossed the threshold during the quiet hours: up to about 7 points with this model.
  const firstAt = waterings[0]!.at;
  const after = levels.filter((level) => level.at >= firstAt);
  const lowest = Math.min(...after.map((level) => level.percent));
  assert.ok(lowest >= rule.thresholdPercent! - 10, `lowest ${lowest}`);
  const belowShare = after.filter((level) => level.percent < rule.thresholdPercent!).length / after.length;
  assert.ok(belowShare < 0.05, `below the threshold ${(belowShare * 100).toFixed(1)} % of the time`);
});

replay.run();
