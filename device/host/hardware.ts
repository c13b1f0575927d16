// Hardware on Node for virtual pots and tests: sensors from a SensorSource, storage in a folder,
// MQTT through mqtt.js and a clock that can run faster than real time.
import type { Hardware } from '../core/hardware.js';
import { createSpeedClock, type SpeedClock } from './clock.js';
import { connectMqtt, type HostMqttConnection } from './mqtt.js';
import type { SensorSource } from './sensors.js';
import { createFolderStorage } from './storage.js';

export interface HostHardwareOptions {
  mac: string;
  /** Folder for the pot's stored files (seq, config). */
  dataDir: string;
  /** Virtual milliseconds per real millisecond: 1 is real time, 600 is ten hours a minute. */
  speed: number;
  /**
   * Whether now() returns the virtual clock as a set wall clock. When false, now() counts from
   * 1970 at boot, like an ESP32 without NTP, so readings carry no `ts`. Defaults to speed === 1.
   */
  clockSet?: boolean;
  /**
   * True to make now() the real time while timers run at `speed`: a pot whose NTP clock is set in
   * a fast run, so its pump guard judges the hub's command expiry and readings carry a real `ts`.
   */
  realWallClock?: boolean;
  /** When set, now() returns what it returns: a backfill dates each replayed row this way. */
  wallClock?: () => number;
  /** Virtual time at start, Unix milliseconds; defaults to the real time. */
  startMs?: number;
  source: SensorSource;
  log: (message: string) => void;
  /** Clock to share across boots, so virtual time runs on through deep sleep; a new one when absent. */
  clock?: SpeedClock;
  /** True when this boot follows a deep sleep. */
  wokeFromDeepSleep?: boolean;
  /** Maximum deep sleep per call, in virtual ms; defaults to the ESP32's limit under Espruino. */
  maxDeepSleepMs?: number;
  /** Called at each pump switch, with the virtual time; the pump state is also kept on the hardware. */
  onPump?: (on: boolean, atMs: number) => void;
  /** Called by deepSleep(): the host tears this boot down and boots again after `ms`. */
  onDeepSleep?: (ms: number) => void;
}

/** ESP32.deepSleep takes a signed 32-bit count of microseconds: about 35.8 minutes. */
export const ESP32_MAX_DEEP_SLEEP_MS = 2147483;

export interface HostHardware extends Hardware {
  clock: SpeedClock;
  /** True while the pump output is on. */
  pumpOn(): boolean;
  /** Destroys the current MQTT socket without DISCONNECT; returns false when there is none. */
  dropConnection(): boolean;
  /** Cancels the pot's timers; call after the pot stopped. */
  release(): void;
}

export function createHostHardware(options: HostHardwareOptions): HostHardware {
  const startMs = options.startMs ?? Date.now();
  const clock = options.clock ?? createSpeedClock(options.speed, startMs);
  const bootReal = performance.now();
  const clockSet = options.clockSet ?? options.speed === 1;
  const storage = createFolderStorage(options.dataDir);
  const source = options.source;
  let connection: HostMqttConnection | null = null;
  let pump = false;

  const hw: HostHardware = {
    clock,
    readRaw: (channel) => source.read(channel, clock.now()),
    adcMax: (channel) => source.adcMax(channel),
    lowRailIsFault: (channel) => source.lowRailIsFault(channel),
    mac: () => options.mac,
    now: () => {
      if (options.wallClock !== undefined) return options.wallClock();
      if (options.realWallClock === true) return Date.now();
      return clockSet ? clock.now() : clock.now() - startMs;
    },
    rssi: () => null,
    batteryMv: () => null,
    storageRead: (name) => storage.read(name),
    storageWrite: (name, text) => storage.write(name, text),
    setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimeout: (id) => clock.clearTimeout(id),
    mqttConnect(connectOptions, handlers) {
      connection = connectMqtt(connectOptions, handlers, options.log);
      return connection;
    },
    log: options.log,
    // Real time, not virtual: the awake time measures the host's own work.
    millis: () => performance.now() - bootReal,
    wokeFromDeepSleep: () => options.wokeFromDeepSleep ?? false,
    maxDeepSleepMs: () => options.maxDeepSleepMs ?? ESP32_MAX_DEEP_SLEEP_MS,
    setPump(on) {
      if (on === pump) return;
      pump = on;
      source.pump?.(on, clock.now());
      options.onPump?.(on, clock.now());
    },
    pumpOn: () => pump,
    deepSleep(ms) {
      if (!options.onDeepSleep) throw new Error('deep sleep is not available: start the pot with onDeepSleep (device/host/battery.ts)');
      options.onDeepSleep(ms);
    },
    dropConnection() {
      if (connection === null) return false;
      connection.destroy();
      return true;
    },
    release: () => clock.clearAll(),
  };
  if (source.luxFromRaw !== null) hw.luxFromRaw = source.luxFromRaw;
  return hw;
}
