// The pot's own safety rules for the pump, whatever the hub requests: a hard maximum per run set on
// the device, one run per command id (ids remembered in flash), a minimum interval between runs,
// expired commands acknowledged as expired and not run, and the pump off at boot. Pure and Espruino-compatible:
// the firmware keeps the state in flash and drives the pin.
//
// Order the device follows for each command, so that a restart never runs one id twice:
//   1. decideCommand(state, settings, command, now)
//   2. store guardStateText(decision.state) in flash
//   3. action 'pump': switch the pump on for decision.runS, then off, then finishRun and store
//      again; 'execute': carry out sample_now or reboot, then acknowledge done; 'reply': publish
//      decision.ack as it is.
// At boot, before anything else, set the pin to pumpPinLevel(false, activeLow) and call bootGuard.
import { buildAck, type AckReason, type Command, type CommandAck, type CommandParseResult, MIN_COMMAND_TIME_S } from './command.js';

/** Ids kept in flash; a redelivery older than this many commands would run again. */
export const MAX_REMEMBERED_IDS = 24;

export interface PumpSettings {
  /** Hard maximum of one run, seconds; wins over any larger request. 0 means no pump is fitted. */
  maxRunS: number;
  /** Minimum seconds from the end of one run to the start of the next. */
  minIntervalS: number;
  /** Pump flow in mL/s, to turn `volume_ml` into seconds; 0 when not measured. */
  flowMlPerS: number;
}

export const DEFAULT_PUMP_SETTINGS: PumpSettings = { maxRunS: 30, minIntervalS: 600, flowMlPerS: 0 };

/** A pump run, stored before the pump starts so a restart in the middle is noticed. */
export interface PumpRun {
  id: string;
  /** Unix seconds when the pump was switched on. */
  startS: number;
  runS: number;
  moistureBefore: number | null;
}

export interface GuardState {
  /** Ids of the commands already acknowledged, oldest first, at most MAX_REMEMBERED_IDS. */
  ids: string[];
  /** Unix seconds when the last run ended, 0 when the pump never ran. */
  lastRunEndS: number;
  running: PumpRun | null;
}

export type GuardAction = 'pump' | 'execute' | 'reply';

export interface GuardDecision {
  /** The state to store in flash before acting. */
  state: GuardState;
  action: GuardAction;
  /** Seconds to run the pump when the action is 'pump', else 0. */
  runS: number;
  /** True when the device maximum cut the requested run. */
  limited: boolean;
  /** The acknowledgement to publish now when the action is 'reply', else null. */
  ack: CommandAck | null;
}

export function emptyGuardState(): GuardState {
  return { ids: [], lastRunEndS: 0, running: null };
}

/** Returns the pin level that switches the pump on or off; relay boards are often active low. */
export function pumpPinLevel(on: boolean, activeLow: boolean): boolean {
  return activeLow ? !on : on;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && isFinite(value) && value >= 0;
}

function parseRun(value: any): PumpRun | null {
  if (typeof value !== 'object' || value === null) return null;
  if (typeof value.id !== 'string' || !isTime(value.startS) || !isTime(value.runS)) return null;
  const before = typeof value.moistureBefore === 'number' ? value.moistureBefore : null;
  return { id: value.id, startS: value.startS, runS: value.runS, moistureBefore: before };
}

/**
 * Reads the state stored in flash. A missing or unreadable file gives an empty state and an
 * error to log: ids are then forgotten, so a redelivered command could run once more.
 */
export function parseGuardState(text: string | null): { state: GuardState; error: string | null } {
  if (text === null) return { state: emptyGuardState(), error: null };
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { state: emptyGuardState(), error: 'stored pump state is not JSON, starting with no remembered commands' };
  }
  if (typeof value !== 'object' || value === null || !Array.isArray(value.ids) || !isTime(value.lastRunEndS)) {
    return { state: emptyGuardState(), error: 'stored pump state lacks "ids" or "lastRunEndS", starting with no remembered commands' };
  }
  const ids: string[] = [];
  for (let i = 0; i < value.ids.length; i++) {
    if (typeof value.ids[i] === 'string') ids.push(value.ids[i]);
  }
  const running = value.running === null || value.running === undefined ? null : parseRun(value.running);
  return { state: { ids: ids.slice(-MAX_REMEMBERED_IDS), lastRunEndS: value.lastRunEndS, running: running }, error: null };
}

export function guardStateText(state: GuardState): string {
  return JSON.stringify(state);
}

function remember(state: GuardState, id: string): GuardState {
  const ids = state.ids.concat([id]);
  return { ids: ids.slice(-MAX_REMEMBERED_IDS), lastRunEndS: state.lastRunEndS, running: state.running };
}

function reply(state: GuardState, ack: CommandAck): GuardDecision {
  return { state: state, action: 'reply', runS: 0, limited: false, ack: ack };
}

/** A reason to refuse a command: its code and the details in words. */
interface Refusal {
  reason: AckReason;
  error: string;
}

function refuse(state: GuardState, id: string, refusal: Refusal): GuardDecision {
  return reply(remember(state, id), buildAck(id, 'refused', { ran_s: 0, reason: refusal.reason, error: refusal.error }));
}

/** Seconds a water command requests, or a refusal when a volume cannot be converted. */
function requestedSeconds(command: Command, settings: PumpSettings): number | Refusal {
  if (typeof command.duration_s === 'number') return command.duration_s;
  if (!(settings.flowMlPerS > 0)) return { reason: 'no_flow', error: 'volume_ml needs the pump flow, which is not set on this pot: send duration_s or set the flow' };
  return Math.ceil((command.volume_ml as number) / settings.flowMlPerS);
}

/** Decides what to do with a command that failed parseCommand: refuse it when its id is readable. */
export function decideInvalid(state: GuardState, parsed: CommandParseResult): GuardDecision | null {
  if (parsed.id === undefined) return null;
  if (state.ids.indexOf(parsed.id) >= 0) return reply(state, buildAck(parsed.id, 'duplicate', null));
  return refuse(state, parsed.id, { reason: 'invalid_command', error: 'invalid command: ' + (parsed.error || 'unknown problem') });
}

/** Checks whether a water command may run now; returns a refusal or null. */
function waterRefusal(state: GuardState, settings: PumpSettings, nowS: number): Refusal | null {
  if (!(settings.maxRunS > 0)) return { reason: 'no_pump', error: 'no pump is set up on this pot (maximum run 0 s)' };
  if (state.running !== null) return { reason: 'pump_busy', error: 'the pump is already running for command ' + state.running.id };
  const waitS = state.lastRunEndS + settings.minIntervalS - nowS;
  if (waitS > 0) return { reason: 'min_interval', error: 'the pump ran less than ' + settings.minIntervalS + ' s ago: try again in ' + Math.ceil(waitS) + ' s' };
  return null;
}

/** Decides what to do with a valid command at device time `nowS` (Unix seconds). */
export function decideCommand(state: GuardState, settings: PumpSettings, command: Command, nowS: number, moistureBefore: number | null): GuardDecision {
  const id = command.id;
  if (state.ids.indexOf(id) >= 0) return reply(state, buildAck(id, 'duplicate', null));
  if (nowS < MIN_COMMAND_TIME_S) return refuse(state, id, { reason: 'clock_not_set', error: 'the pot clock is not set, so the expiry cannot be checked' });
  if (nowS >= command.expires) {
    const late = 'expired ' + Math.round(nowS - command.expires) + ' s before the pot received it';
    return reply(remember(state, id), buildAck(id, 'expired', { ran_s: 0, reason: 'arrived_expired', error: late }));
  }
  if (command.kind !== 'water') return { state: remember(state, id), action: 'execute', runS: 0, limited: false, ack: null };

  const refusal = waterRefusal(state, settings, nowS);
  if (refusal !== null) return refuse(state, id, refusal);
  const requested = requestedSeconds(command, settings);
  if (typeof requested !== 'number') return refuse(state, id, requested);

  const runS = Math.min(requested, settings.maxRunS);
  const next = remember(state, id);
  next.running = { id: id, startS: nowS, runS: runS, moistureBefore: moistureBefore };
  return { state: next, action: 'pump', runS: runS, limited: runS < requested, ack: null };
}

/** Records the end of the current run and builds its acknowledgement. */
export function finishRun(state: GuardState, nowS: number, moistureAfter: number | null): { state: GuardState; ack: CommandAck | null } {
  const run = state.running;
  if (run === null) return { state: state, ack: null };
  const ranS = Math.max(0, Math.min(run.runS, nowS - run.startS));
  const next: GuardState = { ids: state.ids, lastRunEndS: nowS, running: null };
  const ack = buildAck(run.id, 'done', { ran_s: ranS, moisture_before: run.moistureBefore, moisture_after: moistureAfter });
  return { state: next, ack: ack };
}

/**
 * Clears a run that a restart cut short and builds its 'failed' acknowledgement. The run counts
 * as complete for the minimum interval, because the pump may have run until the restart.
 */
export function bootGuard(state: GuardState, nowS: number): { state: GuardState; ack: CommandAck | null } {
  const run = state.running;
  if (run === null) return { state: state, ack: null };
  // The pump stopped at the restart at the latest, so this is an upper bound of the real run.
  const ranS = nowS >= run.startS ? Math.min(run.runS, nowS - run.startS) : run.runS;
  const next: GuardState = { ids: state.ids, lastRunEndS: Math.max(state.lastRunEndS, run.startS + run.runS), running: null };
  const error = 'the pot restarted during the run, so the pump ran at most ' + ranS + ' s and was switched off at boot';
  return { state: next, ack: buildAck(run.id, 'failed', { ran_s: ranS, moisture_before: run.moistureBefore, reason: 'restarted', error: error }) };
}
