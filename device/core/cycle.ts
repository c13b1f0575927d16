// The battery pot's wake cycle. It connects with a persistent session, takes one reading,
// publishes the flash buffer then the new reading and waits briefly for the retained config.
// Then it disconnects cleanly, so the broker keeps the retained `online` and fires no will, and
// deep-sleeps for the interval. The hub judges a sleeping pot by its last reading.
// Commands queued at the broker while the pot slept arrive right after it connects: the cycle
// stays awake for commandWaitMs after CONNACK, and longer while the pump runs, so it can run
// them and send their acknowledgements before it sleeps.
// Espruino-compatible syntax: callbacks only, every function defined before its callers.
import { parsePotConfig, type PotConfig } from '../../domain/pot-config.js';
import { topicFor } from '../../domain/topics.js';
import { potIdOrThrow } from './mac.js';
import { loadBuffer, type BufferedReading, type OfflineBuffer } from './buffer.js';
import type { Hardware, MqttConnection } from './hardware.js';
import { createCommandRunner, SETTLE_MS, type CommandEvent, type CommandRunner } from './commands.js';
import { nextReading } from './next-reading.js';
import { pumpLimits } from './pump-settings.js';
import { publishClaim } from './claim.js';
import type { PotOptions } from './pot.js';
import { loadConfig, loadState, rememberAwakeTime, storeConfig, storeState, type PotState } from './settings.js';

/** Bounds of each step, in the hardware's milliseconds. */
export interface CycleTimings {
  /** From the start of the cycle to CONNACK; past it the reading is buffered and the pot sleeps. */
  connectMs: number;
  /** From CONNACK to the last PUBACK; what is not acknowledged by then stays in the buffer. */
  publishMs: number;
  /** Wait after the last PUBACK for the retained config, when it has not arrived yet. */
  configWaitMs: number;
  /** Wait for the socket to close after DISCONNECT, so the packet leaves before the radio stops. */
  disconnectMs: number;
  /** Time awake after CONNACK for commands the broker queued while the pot slept. */
  commandWaitMs: number;
}

// NOTE: a pot with no retained config waits configWaitMs every cycle. That costs 0.5 s awake
// per cycle until the hub retains a config for it.
export const DEFAULT_CYCLE_TIMINGS: CycleTimings = { connectMs: 15000, publishMs: 10000, configWaitMs: 500, disconnectMs: 2000, commandWaitMs: 1500 };

/** Awake times outside 0..this are an NTP step during the cycle, not a measurement. */
const MAX_CREDIBLE_AWAKE_MS = 10 * 60 * 1000;

export type CycleEvent =
  | { type: 'connected' }
  | { type: 'published'; seq: number }
  | { type: 'config'; config: PotConfig }
  | CommandEvent
  | { type: 'sleeping'; sleepMs: number; leftMs: number; awakeMs: number | null; pending: number };

interface Cycle {
  id: string;
  hw: Hardware;
  options: PotOptions;
  timings: CycleTimings;
  state: PotState;
  settings: PotConfig;
  buffer: OfflineBuffer;
  conn: MqttConnection | null;
  topics: { telemetry: string; status: string; config: string; cmd: string };
  commands: CommandRunner | null;
  /** True once the config arrived or its wait ran out. */
  configDone: boolean;
  /** True once commandWaitMs passed after CONNACK. */
  windowOver: boolean;
  windowTimer: number;
  wokeAtMs: number;
  onEvent: (event: CycleEvent) => void;
  timer: number;
  readingTaken: boolean;
  configSeen: boolean;
  finishing: boolean;
  closed: boolean;
  afterClose: (() => void) | null;
}

/** Deep-sleeps for `ms`, at most one hardware call's worth, and stores what is still owed. */
function sleepChained(cycle: Cycle, ms: number, awakeMs: number | null): void {
  const first = Math.min(ms, cycle.hw.maxDeepSleepMs());
  cycle.state.sleep_left_ms = ms - first;
  storeState(cycle.hw, cycle.state);
  cycle.onEvent({ type: 'sleeping', sleepMs: first, leftMs: cycle.state.sleep_left_ms, awakeMs: awakeMs, pending: cycle.buffer.entries.length });
  cycle.hw.log('deep sleep for ' + Math.round(first / 1000) + ' s' + (cycle.state.sleep_left_ms > 0 ? ', then ' + Math.round(cycle.state.sleep_left_ms / 1000) + ' s more' : ''));
  cycle.hw.deepSleep(first);
}

function sleepNow(cycle: Cycle): void {
  cycle.hw.clearTimeout(cycle.timer);
  const awake = Math.round(cycle.hw.millis() - cycle.wokeAtMs);
  let measured: number | null = null;
  if (awake >= 0 && awake <= MAX_CREDIBLE_AWAKE_MS) {
    measured = awake;
    rememberAwakeTime(cycle.state, awake);
    cycle.hw.log('awake ' + awake + ' ms this cycle; last ' + cycle.state.awake_ms.length + ': ' + cycle.state.awake_ms.join(', ') + ' ms');
  } else {
    cycle.hw.log('awake time ' + awake + ' ms not credible (clock stepped while awake): not stored');
  }
  sleepChained(cycle, cycle.settings.interval_s * 1000, measured);
}

/** Sleeps once every reading is acknowledged, the config handled, the command window over and the pump idle. */
function settle(cycle: Cycle): void {
  if (cycle.finishing || !cycle.readingTaken || cycle.buffer.entries.length > 0) return;
  if (!cycle.configDone || !cycle.windowOver) return;
  if (cycle.commands !== null && cycle.commands.busy()) return;
  finish(cycle, '');
}

function takeReading(cycle: Cycle): void {
  if (cycle.readingTaken) return;
  cycle.readingTaken = true;
  const hasPump = pumpLimits(cycle.options.pump, cycle.settings).maxRunS > 0;
  const reading = nextReading(cycle.hw, cycle.state, cycle.options.fw, cycle.settings.calibration, cycle.options.samples, cycle.settings.interval_s, hasPump);
  cycle.buffer.push(reading, false);
}

/** Keeps what was not acknowledged in flash, disconnects cleanly, then sleeps. */
function finish(cycle: Cycle, why: string): void {
  if (cycle.finishing) return;
  cycle.finishing = true;
  cycle.hw.clearTimeout(cycle.timer);
  cycle.hw.clearTimeout(cycle.windowTimer);
  // The pump never runs into deep sleep; a run cut here is acknowledged at the next wake-up.
  if (cycle.commands !== null) {
    cycle.commands.halt();
    cycle.commands.setConnection(null);
  }
  takeReading(cycle);
  cycle.buffer.save();
  if (why !== '') cycle.hw.log(why);
  if (cycle.conn === null || cycle.closed) {
    if (cycle.conn !== null) cycle.conn.end();
    sleepNow(cycle);
    return;
  }
  cycle.afterClose = function () { sleepNow(cycle); };
  cycle.timer = cycle.hw.setTimeout(function () {
    cycle.hw.log('socket still open ' + cycle.timings.disconnectMs + ' ms after DISCONNECT: sleeping anyway');
    cycle.afterClose = null;
    sleepNow(cycle);
  }, cycle.timings.disconnectMs);
  cycle.conn.end();
}

function waitForConfig(cycle: Cycle): void {
  if (cycle.configSeen) {
    cycle.configDone = true;
    settle(cycle);
    return;
  }
  cycle.hw.clearTimeout(cycle.timer);
  cycle.timer = cycle.hw.setTimeout(function () {
    cycle.configDone = true;
    settle(cycle);
    armBound(cycle, 0);
  }, cycle.timings.configWaitMs);
}

/** Bounds the time left awake: what is still owed then is given up until the next wake-up. */
function armBound(cycle: Cycle, extraMs: number): void {
  if (cycle.finishing) return;
  cycle.hw.clearTimeout(cycle.timer);
  cycle.timer = cycle.hw.setTimeout(function () {
    finish(cycle, 'still busy ' + (cycle.timings.publishMs + extraMs) + ' ms later: sleeping, what is unsent stays in flash');
  }, cycle.timings.publishMs + extraMs);
}

function onCommandEvent(cycle: Cycle, event: CommandEvent): void {
  cycle.onEvent(event);
  // A run extends the bound by its length and the settling wait.
  if (event.on) armBound(cycle, event.runS * 1000 + SETTLE_MS);
}

/** Publishes the buffer head; the next one goes once the broker acknowledged it, so order holds. */
function publishNext(cycle: Cycle): void {
  if (cycle.finishing || cycle.conn === null) return;
  const entry = cycle.buffer.entries[0];
  if (entry === undefined) {
    waitForConfig(cycle);
    return;
  }
  cycle.conn.publish(cycle.topics.telemetry, entry.text, 1, false, function (error) {
    if (cycle.finishing) return;
    if (error !== null) {
      finish(cycle, 'publishing reading ' + entry.seq + ' failed: ' + error + '; it stays in the buffer');
      return;
    }
    if (cycle.buffer.entries[0] === entry) cycle.buffer.shift();
    cycle.onEvent({ type: 'published', seq: (entry as BufferedReading).seq });
    publishNext(cycle);
  });
}

function onConnect(cycle: Cycle): void {
  if (cycle.finishing || cycle.conn === null) return;
  const conn = cycle.conn;
  cycle.hw.clearTimeout(cycle.timer);
  cycle.hw.log('connected to ' + cycle.options.brokerUrl + ' after ' + Math.round(cycle.hw.millis() - cycle.wokeAtMs) + ' ms awake');
  cycle.onEvent({ type: 'connected' });
  cycle.timer = cycle.hw.setTimeout(function () {
    finish(cycle, 'broker did not acknowledge within ' + cycle.timings.publishMs + ' ms: ' + cycle.buffer.entries.length + ' reading(s) stay in the buffer');
  }, cycle.timings.publishMs);
  conn.subscribe(cycle.topics.config, 1);
  conn.subscribe(cycle.topics.cmd, 1);
  // A pot without a pump waits for no command: queued ones still arrive while it publishes.
  cycle.windowTimer = cycle.hw.setTimeout(function () {
    cycle.windowTimer = -1;
    cycle.windowOver = true;
    settle(cycle);
  }, cycle.options.pump === null ? 0 : cycle.timings.commandWaitMs);
  if (cycle.commands !== null) cycle.commands.setConnection(conn);
  // After a power cut the will set `offline`, so publish `online` again once per wake-up.
  conn.publish(cycle.topics.status, 'online', 1, true, function (error) {
    if (error !== null) cycle.hw.log('publishing status online failed: ' + error);
  });
  // Wake-ups from deep sleep skip it: the hub kept the verifier from the power-on.
  if (cycle.options.claimSha256 !== null && !cycle.hw.wokeFromDeepSleep()) {
    publishClaim(cycle.hw, conn, cycle.id, cycle.options.prefix, cycle.options.claimSha256, function () {});
  }
  takeReading(cycle);
  publishNext(cycle);
}

function applyConfig(cycle: Cycle, text: string): void {
  if (text === '') return; // the hub cleared the retained config: keep the current settings
  const result = parsePotConfig(text);
  if (!result.ok || !result.config) {
    cycle.hw.log('config rejected: ' + result.error);
    return;
  }
  cycle.settings = result.config;
  cycle.configSeen = true;
  storeConfig(cycle.hw, result.config);
  cycle.onEvent({ type: 'config', config: result.config });
  // Every reading acknowledged and only the config awaited: sleep now, unless commands are due.
  if (cycle.readingTaken && cycle.buffer.entries.length === 0) {
    cycle.configDone = true;
    settle(cycle);
  }
}

function connect(cycle: Cycle, id: string): void {
  cycle.timer = cycle.hw.setTimeout(function () {
    finish(cycle, 'broker ' + cycle.options.brokerUrl + ' not reached within ' + cycle.timings.connectMs + ' ms: reading kept in the buffer');
  }, cycle.timings.connectMs);
  cycle.conn = cycle.hw.mqttConnect({
    url: cycle.options.brokerUrl,
    clientId: 'poco-' + id,
    username: cycle.options.username,
    password: cycle.options.password,
    keepaliveS: cycle.options.keepaliveS,
    clean: false,
    will: { topic: cycle.topics.status, payload: 'offline', qos: 1, retain: true },
  }, {
    onConnect: function () { onConnect(cycle); },
    onClose: function (reason) {
      cycle.closed = true;
      if (cycle.afterClose !== null) {
        const next = cycle.afterClose;
        cycle.afterClose = null;
        cycle.hw.clearTimeout(cycle.timer);
        next();
        return;
      }
      finish(cycle, 'broker connection closed (' + reason + '): sleeping, unsent readings stay in the buffer');
    },
    onMessage: function (topic, payload) {
      if (topic === cycle.topics.config) applyConfig(cycle, payload);
      else if (topic === cycle.topics.cmd && cycle.commands !== null && !cycle.finishing) cycle.commands.receive(payload);
    },
  });
}

/**
 * Runs one wake cycle and ends in hw.deepSleep(). `wokeAtMs` is hw.millis() at wake-up, so the
 * awake time includes what ran before the cycle (joining Wi-Fi on the ESP32).
 */
export function runCycle(hw: Hardware, options: PotOptions, timings: CycleTimings, wokeAtMs: number, onEvent?: (event: CycleEvent) => void): void {
  const id = potIdOrThrow(hw.mac());
  const state = loadState(hw);
  const stored = loadConfig(hw);
  const cycle: Cycle = {
    id: id,
    hw: hw,
    options: options,
    timings: timings,
    state: state,
    settings: stored !== null ? stored : { v: 1, interval_s: options.intervalS, calibration: options.calibration },
    buffer: loadBuffer(hw, options.bufferMax),
    conn: null,
    topics: {
      telemetry: topicFor(options.prefix, id, 'telemetry'), status: topicFor(options.prefix, id, 'status'),
      config: topicFor(options.prefix, id, 'config'), cmd: topicFor(options.prefix, id, 'cmd'),
    },
    commands: null,
    configDone: false,
    windowOver: false,
    windowTimer: -1,
    wokeAtMs: wokeAtMs,
    onEvent: onEvent ? onEvent : function () {},
    timer: -1,
    readingTaken: false,
    configSeen: false,
    finishing: false,
    closed: false,
    afterClose: null,
  };

  // One ESP32 sleep call covers about 35 minutes, so a longer interval wakes in between only to sleep again.
  if (hw.wokeFromDeepSleep() && state.sleep_left_ms > 0) {
    if (typeof hw.setPump === 'function') hw.setPump(false);
    sleepChained(cycle, state.sleep_left_ms, null);
    return;
  }
  cycle.commands = createCommandRunner(hw, {
    ackTopic: topicFor(options.prefix, id, 'cmd/ack'),
    limits: function () { return pumpLimits(options.pump, cycle.settings); },
    calibration: function () { return cycle.settings.calibration; },
    samples: options.samples,
    // The cycle's own reading is sent anyway; a second one would only cost battery.
    sampleNow: function () {},
    onIdle: function () { settle(cycle); },
    onEvent: function (event) { onCommandEvent(cycle, event); },
  });
  hw.log('pot ' + id + ' awake: next seq ' + state.seq + ', interval ' + cycle.settings.interval_s + ' s, ' + cycle.buffer.entries.length + ' buffered');
  connect(cycle, id);
}
