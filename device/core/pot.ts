// The mains-powered pot over the Hardware interface: readings on a timer, the offline buffer in
// flash, the MQTT session with its last will, and the retained config from the hub. A battery
// pot runs cycle.ts instead.
// Espruino-compatible syntax: callbacks only, no spread, destructuring, `?.` or `??`, and every
// function defined before the code that calls it.
import type { Calibration } from '../../domain/calibration.js';
import { parsePotConfig, DEFAULT_INTERVAL_S, type PotConfig } from '../../domain/pot-config.js';
import type { PotId } from '../../domain/pot-id.js';
import { potIdOrThrow } from './mac.js';
import type { Reading } from '../../domain/reading.js';
import { DEFAULT_PREFIX, topicFor } from '../../domain/topics.js';
import type { Hardware, MqttConnection } from './hardware.js';
import { DEFAULT_BUFFER_MAX, loadBuffer, type BufferedReading } from './buffer.js';
import { nextReading } from './next-reading.js';
import { DEFAULT_SAMPLES } from './sampling.js';
import { loadConfig, loadState, storeConfig } from './settings.js';
import { createCommandRunner, type CommandEvent } from './commands.js';
import { pumpLimits, type PumpOptions } from './pump-settings.js';
import { publishClaim } from './claim.js';
import type { Sha256 } from '../../domain/pot-claim.js';

export interface PotOptions {
  /** Broker URL, `mqtt://host:port`. */
  brokerUrl: string;
  username?: string;
  password?: string;
  prefix: string;
  fw: string;
  /** Seconds between readings until a config from the hub sets it. */
  intervalS: number;
  /** Calibration until a config from the hub sets it; null when the pot is not calibrated. */
  calibration: Calibration | null;
  /** ADC reads averaged per channel and reading. */
  samples: number;
  /** Readings kept in flash while the broker is unreachable; the oldest is dropped first. */
  bufferMax: number;
  keepaliveS: number;
  /** True when readings are taken only by readNow(), as a trace replay does. */
  manual: boolean;
  /** The pump as wired, or null when the pot has none (water commands are then refused). */
  pump: PumpOptions | null;
  /** SHA-256 for the claim verifier (published once per start), or null to publish none. */
  claimSha256: Sha256 | null;
  /** Called on lifecycle events, for progress output and tests. */
  onEvent?: (event: PotEvent) => void;
}

export type PotEvent =
  | { type: 'connected' }
  | { type: 'disconnected'; reason: string }
  | { type: 'published'; reading: Reading }
  | { type: 'dropped'; reading: Reading }
  | { type: 'config'; config: PotConfig }
  | CommandEvent;

export interface PotStats {
  taken: number;
  published: number;
  dropped: number;
  /** Readings waiting in the buffer, the one being published included. */
  pending: number;
  connected: boolean;
}

export interface Pot {
  id: PotId;
  /** Takes a reading now; it is published at once or buffered while disconnected. */
  readNow(): void;
  stats(): PotStats;
  /** Settings in force: interval and calibration. */
  settings(): PotConfig;
  /**
   * Keeps unpublished readings in flash, publishes `offline` (retained), disconnects cleanly so
   * no will is sent, and stops timers.
   */
  stop(done: () => void): void;
}

const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60000;
const STOP_TIMEOUT_MS = 3000;

export const DEFAULT_POT_OPTIONS: PotOptions = {
  brokerUrl: 'mqtt://127.0.0.1:1883',
  prefix: DEFAULT_PREFIX,
  fw: 'poco-0.1.0',
  intervalS: DEFAULT_INTERVAL_S,
  calibration: null,
  samples: DEFAULT_SAMPLES,
  bufferMax: DEFAULT_BUFFER_MAX,
  keepaliveS: 60,
  manual: false,
  pump: null,
  claimSha256: null,
};

/** Returns `given` completed with DEFAULT_POT_OPTIONS for every field it leaves undefined. */
export function potOptions(given: Partial<PotOptions>): PotOptions {
  const result: any = {};
  const defaults: any = DEFAULT_POT_OPTIONS;
  const source: any = given;
  for (const key in defaults) result[key] = source[key] === undefined ? defaults[key] : source[key];
  for (const key in source) if (result[key] === undefined) result[key] = source[key];
  return result as PotOptions;
}

function describeSettings(id: PotId, seq: number, settings: PotConfig): string {
  const cal = settings.calibration;
  return 'pot ' + id + ': interval ' + settings.interval_s + ' s, calibration ' +
    (cal === null ? 'none' : 'dry=' + cal.dry + ' wet=' + cal.wet) + ', next seq ' + seq;
}

/** Starts a pot: loads its stored state, logs its settings and connects to the broker. */
export function startPot(hw: Hardware, options: PotOptions): Pot {
  const id = potIdOrThrow(hw.mac());
  const telemetryTopic = topicFor(options.prefix, id, 'telemetry');
  const statusTopic = topicFor(options.prefix, id, 'status');
  const configTopic = topicFor(options.prefix, id, 'config');
  const commandTopic = topicFor(options.prefix, id, 'cmd');

  const stored = loadConfig(hw);
  let settings: PotConfig = stored !== null ? stored : { v: 1, interval_s: options.intervalS, calibration: options.calibration };
  const state = loadState(hw);
  const buffer = loadBuffer(hw, options.bufferMax);
  const counts = { taken: 0, published: 0, dropped: 0 };
  let conn: MqttConnection | null = null;
  let connected = false;
  let generation = 0;
  let inFlight = false;
  let stopped = false;
  let backoffMs = FIRST_BACKOFF_MS;
  let readTimer: number | null = null;
  let retryTimer: number | null = null;
  let claimSent = false;

  function emit(event: PotEvent): void {
    if (options.onEvent) options.onEvent(event);
  }

  const commands = createCommandRunner(hw, {
    ackTopic: topicFor(options.prefix, id, 'cmd/ack'),
    limits: function () { return pumpLimits(options.pump, settings); },
    calibration: function () { return settings.calibration; },
    samples: options.samples,
    sampleNow: function () { readNow(); },
    onIdle: function () {},
    onEvent: emit,
  });

  function acknowledged(entry: BufferedReading): void {
    if (buffer.entries[0] === entry) buffer.shift();
    buffer.save(); // writes only when flash held this reading
    counts.published++;
    if (options.onEvent) emit({ type: 'published', reading: JSON.parse(entry.text) as Reading });
  }

  // Publishes the oldest buffered reading, then the next once the broker acknowledged it, so
  // readings arrive in the order they were taken.
  function flush(): void {
    if (!connected || inFlight || buffer.entries.length === 0 || conn === null) return;
    const entry = buffer.entries[0] as BufferedReading;
    const mine = generation;
    inFlight = true;
    conn.publish(telemetryTopic, entry.text, 1, false, function (error) {
      if (mine !== generation) return; // an acknowledgement from a connection already closed
      inFlight = false;
      if (error !== null) {
        hw.log('publishing reading ' + entry.seq + ' failed: ' + error + '; retrying in 1 s');
        retryTimer = hw.setTimeout(function () { retryTimer = null; flush(); }, 1000);
        return;
      }
      acknowledged(entry);
      flush();
    });
  }

  function enqueue(reading: Reading): void {
    const dropped = buffer.push(reading, inFlight);
    if (dropped !== null) {
      counts.dropped++;
      if (options.onEvent) emit({ type: 'dropped', reading: JSON.parse(dropped.text) as Reading });
    }
    // Connected, the broker acknowledges within milliseconds: flash is written only while it is unreachable.
    if (!connected) buffer.save();
    flush();
  }

  function readNow(): void {
    if (stopped) return;
    const hasPump = pumpLimits(options.pump, settings).maxRunS > 0;
    const reading = nextReading(hw, state, options.fw, settings.calibration, options.samples, settings.interval_s, hasPump);
    counts.taken++;
    enqueue(reading);
  }

  function scheduleReading(): void {
    if (readTimer !== null) hw.clearTimeout(readTimer);
    readTimer = null;
    if (stopped || options.manual) return;
    readTimer = hw.setTimeout(function () {
      readTimer = null;
      readNow();
      scheduleReading();
    }, settings.interval_s * 1000);
  }

  function applyConfig(text: string): void {
    if (text === '') return; // the hub cleared the retained config: keep the current settings
    const result = parsePotConfig(text);
    if (!result.ok || !result.config) {
      hw.log('config rejected: ' + result.error);
      return;
    }
    const intervalChanged = result.config.interval_s !== settings.interval_s;
    settings = result.config;
    storeConfig(hw, settings);
    hw.log('config applied: ' + describeSettings(id, state.seq, settings));
    if (intervalChanged) scheduleReading();
    emit({ type: 'config', config: settings });
  }

  function onConnect(mine: number): void {
    if (mine !== generation || conn === null) return;
    connected = true;
    backoffMs = FIRST_BACKOFF_MS;
    hw.log('connected to ' + options.brokerUrl + ' as poco-' + id);
    conn.subscribe(configTopic, 1);
    conn.subscribe(commandTopic, 1);
    commands.setConnection(conn);
    conn.publish(statusTopic, 'online', 1, true, function (error) {
      if (error !== null) hw.log('publishing status online failed: ' + error);
    });
    if (!claimSent && options.claimSha256 !== null) {
      claimSent = true;
      publishClaim(hw, conn, id, options.prefix, options.claimSha256, function (sent) { if (!sent) claimSent = false; });
    }
    emit({ type: 'connected' });
    flush();
  }

  function connect(): void {
    generation++;
    const mine = generation;
    conn = hw.mqttConnect({
      url: options.brokerUrl,
      clientId: 'poco-' + id,
      username: options.username,
      password: options.password,
      keepaliveS: options.keepaliveS,
      clean: false,
      will: { topic: statusTopic, payload: 'offline', qos: 1, retain: true },
    }, {
      onConnect: function () { onConnect(mine); },
      onClose: function (reason) { onClose(mine, reason); },
      onMessage: function (topic, payload) {
        if (topic === configTopic) applyConfig(payload);
        else if (topic === commandTopic) commands.receive(payload);
      },
    });
  }

  function onClose(mine: number, reason: string): void {
    if (mine !== generation) return;
    const wasConnected = connected;
    const closing = conn;
    connected = false;
    inFlight = false; // the reading in flight stays at the head and is sent again
    conn = null;
    commands.setConnection(null);
    generation++; // ignores the failed acknowledgements that end() reports
    // The core reconnects itself: stop the client's own reconnection, or two sessions would
    // share one client id and the broker would keep closing one of them.
    if (closing !== null) closing.end();
    if (stopped) return;
    buffer.save();
    if (wasConnected) emit({ type: 'disconnected', reason: reason });
    hw.log('broker connection closed (' + reason + '): reconnecting in ' + backoffMs / 1000 + ' s');
    retryTimer = hw.setTimeout(function () { retryTimer = null; connect(); }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  }

  function stop(done: () => void): void {
    if (stopped) { done(); return; }
    stopped = true;
    commands.halt();
    commands.setConnection(null);
    if (readTimer !== null) hw.clearTimeout(readTimer);
    if (retryTimer !== null) hw.clearTimeout(retryTimer);
    buffer.save();
    const last = conn;
    const wasConnected = connected;
    generation++;
    connected = false;
    conn = null;
    if (last === null) { done(); return; }
    if (!wasConnected) { last.end(); done(); return; }
    let finished = false;
    function finish(): void {
      if (finished) return;
      finished = true;
      last!.end();
      done();
    }
    const timer = hw.setTimeout(finish, STOP_TIMEOUT_MS);
    last.publish(statusTopic, 'offline', 1, true, function () { hw.clearTimeout(timer); finish(); });
  }

  hw.log('starting ' + describeSettings(id, state.seq, settings) + (stored === null ? ' (no stored config)' : ' (stored config)'));
  connect();
  if (!options.manual) {
    readNow();
    scheduleReading();
  }

  return {
    id: id,
    readNow: readNow,
    stats: function () {
      return { taken: counts.taken, published: counts.published, dropped: counts.dropped, pending: buffer.entries.length, connected: connected };
    },
    settings: function () { return settings; },
    stop: stop,
  };
}
