// The pot's own files in flash, besides poco.json from device:config: the state it updates
// every cycle and the last config the hub sent. docs/device.md lists every Storage file. Espruino-compatible syntax: the firmware uses this file as is.
import { parsePotConfig, type PotConfig } from '../../domain/pot-config.js';
import type { Hardware } from './hardware.js';

/** Storage names, short enough for Espruino Storage (28 characters at most). */
export const STATE_FILE = 'poco.state';
export const CONFIG_FILE = 'poco.config';
export const BUFFER_FILE = 'poco.buf';

/** Largest `seq` the protocol allows; the counter wraps to 0 after it. */
export const MAX_SEQ = 4294967295;
/** Awake times kept for the battery estimate, newest last. */
export const AWAKE_HISTORY = 8;

export interface PotState {
  /** Next reading's sequence number. */
  seq: number;
  /** Latest sane clock time the pot saw, Unix seconds, or 0; a clock reading earlier is not trusted. */
  last_ts: number;
  /** Last measured awake times (wake-up to deep sleep), milliseconds, newest last. */
  awake_ms: number[];
  /** Deep sleep still owed when one ESP32 sleep call cannot cover the interval, milliseconds. */
  sleep_left_ms: number;
}

function isCount(value: unknown, max: number): boolean {
  return typeof value === 'number' && isFinite(value) && value >= 0 && value <= max && Math.floor(value) === value;
}

function freshState(): PotState {
  return { seq: 0, last_ts: 0, awake_ms: [], sleep_left_ms: 0 };
}

/** Reads the stored state; a missing or damaged file gives a fresh state (seq from 0), logged. */
export function loadState(hw: Hardware): PotState {
  const text = hw.storageRead(STATE_FILE);
  if (text === null) return freshState();
  let value: any = null;
  try {
    value = JSON.parse(text);
  } catch (error) {
    value = null;
  }
  if (value === null || typeof value !== 'object' || !isCount(value.seq, MAX_SEQ) || !isCount(value.last_ts, MAX_SEQ) ||
    !isCount(value.sleep_left_ms, MAX_SEQ) || !Array.isArray(value.awake_ms)) {
    hw.log('stored state "' + text.slice(0, 40) + '" is invalid: counting seq again from 0');
    return freshState();
  }
  const awake: number[] = [];
  for (let i = 0; i < value.awake_ms.length; i++) if (isCount(value.awake_ms[i], MAX_SEQ)) awake.push(value.awake_ms[i]);
  return { seq: value.seq, last_ts: value.last_ts, awake_ms: awake, sleep_left_ms: value.sleep_left_ms };
}

export function storeState(hw: Hardware, state: PotState): void {
  hw.storageWrite(STATE_FILE, JSON.stringify(state));
}

/** Adds an awake time to the state, keeping the last AWAKE_HISTORY. */
export function rememberAwakeTime(state: PotState, ms: number): void {
  state.awake_ms.push(ms);
  while (state.awake_ms.length > AWAKE_HISTORY) state.awake_ms.shift();
}

/** Reads the stored config, or null when none was stored or it no longer validates. */
export function loadConfig(hw: Hardware): PotConfig | null {
  const text = hw.storageRead(CONFIG_FILE);
  if (text === null) return null;
  const result = parsePotConfig(text);
  if (!result.ok || !result.config) {
    hw.log('stored config ignored: ' + result.error);
    return null;
  }
  return result.config;
}

/** Writes the config unless flash already contains the same text, to spare the flash. */
export function storeConfig(hw: Hardware, config: PotConfig): void {
  const text = JSON.stringify(config);
  if (hw.storageRead(CONFIG_FILE) !== text) hw.storageWrite(CONFIG_FILE, text);
}
