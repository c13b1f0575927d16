// Automatic watering rules, run by the hub for each pot: water when the moisture stays below a
// threshold for a while, and on schedules (days of the week and times), within daily limits
// and outside quiet hours. A watering after which the moisture does not rise disables the rule
// and raises an alert, because the tank is probably empty or the pump broken. Pure: the caller
// passes readings, `now` and the pot's local clock, stores the state, and sends the commands.
import { MAX_WATER_DURATION_S } from './command.js';

export interface QuietHours {
  /** Local `HH:MM`, included. */
  start: string;
  /** Local `HH:MM`, excluded; earlier than start when the hours span midnight. */
  end: string;
}

export interface WateringSchedule {
  /** Local days of the week, 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Local `HH:MM`. */
  time: string;
  durationS: number;
}

export interface WateringRule {
  enabled: boolean;
  /** Moisture percent below which the pot counts as dry, or null for schedules only. */
  thresholdPercent: number | null;
  /** How long the moisture must stay below the threshold before a watering, ms. */
  dryForMs: number;
  /** Pump run of a watering started by the threshold, seconds. */
  durationS: number;
  /** Maximum waterings per local day, threshold and schedules together. */
  maxPerDay: number;
  /** Maximum pump seconds per local day. */
  maxSecondsPerDay: number;
  quietHours: QuietHours | null;
  schedules: WateringSchedule[];
  /** A reading older than this does not start a watering, ms, so a silent pot is not watered blind. */
  maxReadingAgeMs: number;
  /** Time after a watering within which the moisture must rise, ms. */
  riseWindowMs: number;
  /** Rise in percentage points that shows the water arrived. */
  minRisePercent: number;
}

export const DEFAULT_WATERING_RULE: WateringRule = {
  enabled: true,
  thresholdPercent: 30,
  dryForMs: 30 * 60_000,
  durationS: 10,
  maxPerDay: 2,
  maxSecondsPerDay: 40,
  quietHours: { start: '22:00', end: '07:00' },
  schedules: [],
  maxReadingAgeMs: 2 * 3600_000,
  riseWindowMs: 30 * 60_000,
  minRisePercent: 3,
};

/** A schedule slot still fires this many minutes after its time, for hubs that tick slowly. */
export const SCHEDULE_GRACE_MIN = 60;

export interface LocalTime {
  /** Local calendar day, `YYYY-MM-DD`. */
  day: string;
  /** Minutes since local midnight. */
  minutes: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** Converts an instant (Unix ms) to the pot's local day and time. */
export type LocalClock = (at: number) => LocalTime;

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Minutes since midnight of `HH:MM`, or null when the text is not a 24-hour time. */
export function clockMinutes(text: string): number | null {
  const match = HH_MM.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Builds a LocalClock for an IANA time zone such as Europe/Paris. */
export function zonedClock(timeZone: string): LocalClock {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23',
  });
  return (at) => {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(at)) parts[part.type] = part.value;
    return {
      day: `${parts['year']}-${parts['month']}-${parts['day']}`,
      minutes: Number(parts['hour']) * 60 + Number(parts['minute']),
      weekday: WEEKDAYS.indexOf(parts['weekday'] ?? ''),
    };
  };
}

/** Tests whether local `minutes` fall in the quiet hours: start included, end excluded, across midnight when end < start. */
export function inQuietHours(quiet: QuietHours | null, minutes: number): boolean {
  if (quiet === null) return false;
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  if (start === null || end === null || start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

function checkDuration(name: string, value: number, problems: string[]): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_WATER_DURATION_S) {
    problems.push(`${name} must be whole seconds from 1 to ${MAX_WATER_DURATION_S}, got ${JSON.stringify(value)}`);
  }
}

function checkSchedule(schedule: WateringSchedule, index: number, problems: string[]): void {
  const name = `schedules[${index}]`;
  const days = schedule.days;
  if (!Array.isArray(days) || days.length === 0 || days.some((day) => !Number.isInteger(day) || day < 0 || day > 6) || new Set(days).size !== days.length) {
    problems.push(`${name}.days must list distinct days from 0 (Sunday) to 6 (Saturday), got ${JSON.stringify(days)}`);
  }
  if (clockMinutes(schedule.time) === null) problems.push(`${name}.time must be a 24-hour HH:MM time, got ${JSON.stringify(schedule.time)}`);
  checkDuration(`${name}.durationS`, schedule.durationS, problems);
}

/** Lists every problem of a rule at once, in words; an empty list means the rule can run. */
export function checkWateringRule(rule: WateringRule): string[] {
  const problems: string[] = [];
  const threshold = rule.thresholdPercent;
  if (threshold !== null && !(threshold > 0 && threshold < 100)) problems.push(`thresholdPercent must be above 0 and below 100, or null, got ${JSON.stringify(threshold)}`);
  if (!(rule.dryForMs >= 0)) problems.push(`dryForMs must be 0 or more, got ${JSON.stringify(rule.dryForMs)}`);
  checkDuration('durationS', rule.durationS, problems);
  if (!Number.isInteger(rule.maxPerDay) || rule.maxPerDay < 1) problems.push(`maxPerDay must be a whole number of 1 or more, got ${JSON.stringify(rule.maxPerDay)}`);
  if (!(rule.maxSecondsPerDay >= rule.durationS)) problems.push(`maxSecondsPerDay (${rule.maxSecondsPerDay}) must be at least durationS (${rule.durationS})`);
  for (const [field, value] of [['quietHours.start', rule.quietHours?.start], ['quietHours.end', rule.quietHours?.end]] as const) {
    if (rule.quietHours !== null && clockMinutes(value ?? '') === null) problems.push(`${field} must be a 24-hour HH:MM time, got ${JSON.stringify(value)}`);
  }
  rule.schedules.forEach((schedule, index) => checkSchedule(schedule, index, problems));
  if (!(rule.maxReadingAgeMs > 0)) problems.push(`maxReadingAgeMs must be above 0, got ${JSON.stringify(rule.maxReadingAgeMs)}`);
  if (!(rule.riseWindowMs > 0)) problems.push(`riseWindowMs must be above 0, got ${JSON.stringify(rule.riseWindowMs)}`);
  if (!(rule.minRisePercent > 0)) problems.push(`minRisePercent must be above 0, got ${JSON.stringify(rule.minRisePercent)}`);
  return problems;
}

export type Trigger = 'dry' | 'schedule';
export type SkipReason = 'quiet_hours' | 'daily_count' | 'daily_seconds';

/** An action for the caller (send a command, raise an alert) or a skip to record in the care timeline. */
export type RuleEvent =
  | { type: 'water'; at: number; trigger: Trigger; durationS: number; slot?: string }
  | { type: 'skip'; at: number; trigger: Trigger; reason: SkipReason; slot?: string }
  | { type: 'alert'; at: number; kind: 'no_rise'; beforePercent: number; bestPercent: number | null };

/** A watering whose effect on the moisture is still being checked. */
export interface PendingWatering {
  at: number;
  day: string;
  durationS: number;
  /** Moisture when the watering was sent, or null when no fresh reading was known. */
  beforePercent: number | null;
  /** Highest moisture read since, or null before the first reading. */
  bestPercent: number | null;
}

export interface RuleState {
  /** Local day the counters belong to. */
  day: string | null;
  countToday: number;
  secondsToday: number;
  /** Time of the first reading of the current spell below the threshold, or null. */
  drySince: number | null;
  lastMoisture: { at: number; percent: number } | null;
  pending: PendingWatering | null;
  /** Schedule slots of the current day already handled, `YYYY-MM-DD HH:MM`. */
  firedSlots: string[];
  /** Set when the no-rise check stopped the rule; the user clears it after refilling the tank. */
  disabled: { at: number; reason: 'no_rise' } | null;
  /** Last skip reported, so a skip reaches the timeline once per blocked spell and not on every tick. */
  lastSkip: string | null;
}

export function initialRuleState(): RuleState {
  return { day: null, countToday: 0, secondsToday: 0, drySince: null, lastMoisture: null, pending: null, firedSlots: [], disabled: null, lastSkip: null };
}

export interface RuleStep {
  state: RuleState;
  events: RuleEvent[];
}

/** Closes the rise check: passes when the moisture rose enough, disables the rule when the window ended without it. */
function judgeRise(rule: WateringRule, state: RuleState, now: number): RuleStep {
  const pending = state.pending;
  if (pending === null || pending.bestPercent === null) return { state, events: [] };
  if (pending.beforePercent === null) {
    return { state: now >= pending.at + rule.riseWindowMs ? { ...state, pending: null } : state, events: [] };
  }
  if (pending.bestPercent >= pending.beforePercent + rule.minRisePercent) return { state: { ...state, pending: null }, events: [] };
  if (now < pending.at + rule.riseWindowMs) return { state, events: [] };

  const alert: RuleEvent = { type: 'alert', at: now, kind: 'no_rise', beforePercent: pending.beforePercent, bestPercent: pending.bestPercent };
  return { state: { ...state, pending: null, disabled: { at: now, reason: 'no_rise' } }, events: [alert] };
}

/** Feeds one moisture reading (percent from the pot's calibration) to the rule. */
export function observeMoisture(rule: WateringRule, state: RuleState, reading: { at: number; percent: number | null }): RuleStep {
  if (reading.percent === null) return { state, events: [] };
  const percent = reading.percent;
  const below = rule.thresholdPercent !== null && percent < rule.thresholdPercent;
  let next: RuleState = { ...state, lastMoisture: { at: reading.at, percent }, drySince: below ? state.drySince ?? reading.at : null };

  const pending = next.pending;
  if (pending !== null && reading.at > pending.at) {
    next = { ...next, pending: { ...pending, bestPercent: Math.max(pending.bestPercent ?? percent, percent) } };
    return judgeRise(rule, next, reading.at);
  }
  return { state: next, events: [] };
}

/** Finds the schedule slot due at `local`, `YYYY-MM-DD HH:MM`, with its run; null when none is due. */
function dueSlot(rule: WateringRule, state: RuleState, local: LocalTime): { slot: string; durationS: number } | null {
  for (const schedule of rule.schedules) {
    const start = clockMinutes(schedule.time);
    if (start === null || schedule.days.indexOf(local.weekday) < 0) continue;
    if (local.minutes < start || local.minutes >= start + SCHEDULE_GRACE_MIN) continue;
    const slot = `${local.day} ${schedule.time}`;
    if (state.firedSlots.indexOf(slot) < 0) return { slot, durationS: schedule.durationS };
  }
  return null;
}

function isDryLongEnough(rule: WateringRule, state: RuleState, now: number): boolean {
  const last = state.lastMoisture;
  if (state.drySince === null || last === null) return false;
  return now - state.drySince >= rule.dryForMs && now - last.at <= rule.maxReadingAgeMs;
}

function skipReason(rule: WateringRule, state: RuleState, local: LocalTime, durationS: number): SkipReason | null {
  if (inQuietHours(rule.quietHours, local.minutes)) return 'quiet_hours';
  if (state.countToday >= rule.maxPerDay) return 'daily_count';
  if (state.secondsToday + durationS > rule.maxSecondsPerDay) return 'daily_seconds';
  return null;
}

function startWatering(state: RuleState, now: number, local: LocalTime, trigger: Trigger, durationS: number, slot: string | undefined): RuleStep {
  const last = state.lastMoisture;
  const pending: PendingWatering = { at: now, day: local.day, durationS, beforePercent: last === null ? null : last.percent, bestPercent: null };
  const next: RuleState = { ...state, countToday: state.countToday + 1, secondsToday: state.secondsToday + durationS, drySince: null, pending, lastSkip: null };
  const event: RuleEvent = { type: 'water', at: now, trigger, durationS };
  if (slot !== undefined) event.slot = slot;
  return { state: next, events: [event] };
}

/**
 * Decides at `now` whether to water. Call it on every reading and on a timer. It starts at most
 * one watering per call, and none while the last one's rise is still being checked.
 */
export function decideWatering(rule: WateringRule, state: RuleState, now: number, clock: LocalClock): RuleStep {
  const local = clock(now);
  let current = state.day === local.day ? state : { ...state, day: local.day, countToday: 0, secondsToday: 0, firedSlots: [] };
  const judged = judgeRise(rule, current, now);
  current = judged.state;
  if (!rule.enabled || current.disabled !== null || current.pending !== null) return { state: current, events: judged.events };

  const slot = dueSlot(rule, current, local);
  const trigger: Trigger | null = slot !== null ? 'schedule' : isDryLongEnough(rule, current, now) ? 'dry' : null;
  if (trigger === null) return { state: { ...current, lastSkip: null }, events: judged.events };

  const durationS = slot !== null ? slot.durationS : rule.durationS;
  if (slot !== null) current = { ...current, firedSlots: current.firedSlots.concat([slot.slot]) };
  const reason = skipReason(rule, current, local, durationS);
  if (reason === null) {
    const started = startWatering(current, now, local, trigger, durationS, slot?.slot);
    return { state: started.state, events: judged.events.concat(started.events) };
  }

  const key = `${reason} ${trigger} ${slot !== null ? slot.slot : ''}`;
  if (current.lastSkip === key) return { state: current, events: judged.events };
  const skip: RuleEvent = { type: 'skip', at: now, trigger, reason };
  if (slot !== null) skip.slot = slot.slot;
  return { state: { ...current, lastSkip: key }, events: judged.events.concat([skip]) };
}

/**
 * Records the pot's acknowledgement of a watering the rule started. A watering that did not run
 * (refused, expired, failed with no run) gives back its share of the daily limits and ends the
 * rise check. For a run, `ranS` replaces the planned seconds in the daily total.
 */
export function recordOutcome(state: RuleState, ran: boolean, ranS: number): RuleState {
  const pending = state.pending;
  if (pending === null) return state;
  const sameDay = state.day === pending.day;
  if (!ran || ranS <= 0) {
    if (!sameDay) return { ...state, pending: null };
    return { ...state, pending: null, countToday: Math.max(0, state.countToday - 1), secondsToday: Math.max(0, state.secondsToday - pending.durationS) };
  }
  if (!sameDay) return state;
  return { ...state, secondsToday: Math.max(0, state.secondsToday - pending.durationS + ranS) };
}

/** Clears a no-rise stop once the user has refilled the tank or fixed the pump. */
export function enableRule(state: RuleState): RuleState {
  return { ...state, disabled: null, pending: null, drySince: null };
}
