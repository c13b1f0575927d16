// The settings a pot needs before it can reach the hub: Wi-Fi, broker, pins and first
// calibration. `npm run device:config` writes them into Espruino Storage as JSON, and the
// firmware reads them at boot. Pure and in the Espruino subset: both sides use this file.
import { MAX_INTERVAL_S, MIN_INTERVAL_S } from '../../domain/pot-config.js';
import { DEFAULT_PREFIX } from '../../domain/topics.js';
import { splitBrokerUrl } from '../mqtt/client.js';

/** Storage file name (Espruino allows up to 28 characters). */
export const DEVICE_SETTINGS_FILE = 'poco.json';

/** ADC1 pins: ADC2 cannot be read on the ESP32 while Wi-Fi is on. */
export const ADC_PINS = ['D32', 'D33', 'D34', 'D35', 'D36', 'D37', 'D38', 'D39'];

export interface DeviceSettings {
  v: number;
  wifi: { ssid: string; password: string };
  /** `prefix` is the topic prefix, the hub's POCO_MQTT_PREFIX; absent means DEFAULT_PREFIX. */
  mqtt: { url: string; username?: string; password?: string; prefix?: string };
  /** Seconds between readings until the hub's config sets it. */
  interval_s: number;
  calibration: { dry: number; wet: number } | null;
  pins: { moisture: string; light: string; sensorPower: string };
  /** True on battery: the pot deep-sleeps between readings instead of staying connected. */
  battery: boolean;
  /** NTP server host name; absent means DEFAULT_NTP_SERVER. */
  ntp?: string;
  /** The pump's switch (MOSFET or relay module) and its hard limits; absent when no pump is fitted. */
  pump?: PumpWiring;
}

export interface PumpWiring {
  /** GPIO that drives the MOSFET gate or the relay input. */
  pin: string;
  /** True when the module switches on at a low level, as many relay boards do. */
  activeLow: boolean;
  /** Hard maximum of one run, seconds; the hub can lower it, never raise it. */
  maxRunS: number;
  /** Seconds from the end of one run to the start of the next. */
  minIntervalS: number;
  /** Measured flow, mL/s; 0 when not measured. */
  flowMlPerS: number;
}

/** Maximum pump run a pot accepts, seconds, as in the hub's config field pump.max_run_s. */
export const MAX_PUMP_RUN_S = 600;

export const DEFAULT_NTP_SERVER = 'pool.ntp.org';

export interface DeviceSettingsResult {
  ok: boolean;
  settings?: DeviceSettings;
  error?: string;
}

// Espruino 2v29's RegExp has no `?`, `{n}` or quantified groups: the checks below loop instead.
const NAME_LEVEL = /^[A-Za-z0-9_-]+$/;
const HOST_NAME = /^[A-Za-z0-9.-]+$/;

/** Checks the hub's rule for POCO_MQTT_PREFIX: levels of letters, digits, '-' and '_', no wildcards. */
function isPrefix(text: string): boolean {
  const levels = text.split('/');
  for (let i = 0; i < levels.length; i++) if (!NAME_LEVEL.test(levels[i] as string)) return false;
  return true;
}

/** Checks a GPIO name: D and one or two digits. */
function isGpioName(text: string): boolean {
  if (text.length < 2 || text.length > 3 || text.charAt(0) !== 'D') return false;
  for (let i = 1; i < text.length; i++) if ('0123456789'.indexOf(text.charAt(i)) < 0) return false;
  return true;
}

/** Returns the topic prefix of the settings, or DEFAULT_PREFIX. */
export function settingsPrefix(settings: DeviceSettings): string {
  return settings.mqtt.prefix !== undefined ? settings.mqtt.prefix : DEFAULT_PREFIX;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function checkPins(pins: any): string | null {
  if (typeof pins !== 'object' || pins === null) return 'field "pins" must be an object {moisture, light, sensorPower}';
  const names = ['moisture', 'light'];
  for (const name of names) {
    if (ADC_PINS.indexOf(pins[name]) < 0) {
      return 'field "pins.' + name + '" is ' + JSON.stringify(pins[name]) + ': use an ADC1 pin, D32 to D39, because ADC2 does not work with Wi-Fi';
    }
  }
  if (pins.moisture === pins.light) return 'fields "pins.moisture" and "pins.light" are both ' + pins.moisture + ': wire each sensor to its own pin';
  if (!isGpioName(String(pins.sensorPower))) return 'field "pins.sensorPower" is ' + JSON.stringify(pins.sensorPower) + ': use a GPIO name such as D25';
  return null;
}

function checkCalibrationField(cal: any): string | null {
  if (cal === null) return null;
  if (typeof cal !== 'object' || typeof cal.dry !== 'number' || typeof cal.wet !== 'number' || !isFinite(cal.dry) || !isFinite(cal.wet)) {
    return 'field "calibration" must be {dry, wet} with two numbers, or null';
  }
  if (cal.dry === cal.wet) return 'calibration dry and wet are both ' + cal.dry + ': take the wet point again in saturated soil';
  return null;
}

function isNumberIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && isFinite(value) && value >= min && value <= max;
}

function checkPump(pump: any, pins: any): string | null {
  if (typeof pump !== 'object' || pump === null) return 'field "pump" must be an object {pin, activeLow, maxRunS, minIntervalS, flowMlPerS}';
  if (!isGpioName(String(pump.pin))) return 'field "pump.pin" is ' + JSON.stringify(pump.pin) + ': use a GPIO name such as D26';
  if (pump.pin === pins.moisture || pump.pin === pins.light || pump.pin === pins.sensorPower) {
    return 'field "pump.pin" is ' + pump.pin + ', already used by a sensor: wire the pump switch to its own pin';
  }
  if (typeof pump.activeLow !== 'boolean') return 'field "pump.activeLow" must be true or false';
  if (!isNumberIn(pump.maxRunS, 1, MAX_PUMP_RUN_S)) return 'field "pump.maxRunS" is ' + JSON.stringify(pump.maxRunS) + ': use seconds from 1 to ' + MAX_PUMP_RUN_S;
  if (!isNumberIn(pump.minIntervalS, 0, MAX_INTERVAL_S)) return 'field "pump.minIntervalS" is ' + JSON.stringify(pump.minIntervalS) + ': use seconds from 0 to ' + MAX_INTERVAL_S;
  if (!isNumberIn(pump.flowMlPerS, 0, 500) || (pump.flowMlPerS > 0 && pump.flowMlPerS < 0.05)) {
    return 'field "pump.flowMlPerS" is ' + JSON.stringify(pump.flowMlPerS) + ': use mL/s from 0.05 to 500, or 0 when not measured';
  }
  return null;
}

/** Checks a parsed settings object and returns the first problem in words, or null. */
export function checkDeviceSettings(value: any): string | null {
  if (typeof value !== 'object' || value === null) return 'settings must be a JSON object';
  if (value.v !== 1) return 'field "v" must be 1, got ' + JSON.stringify(value.v);
  if (typeof value.wifi !== 'object' || value.wifi === null || !isText(value.wifi.ssid)) return 'field "wifi.ssid" is missing: give the network name';
  if (typeof value.wifi.password !== 'string') return 'field "wifi.password" must be a string (empty for an open network)';
  if (typeof value.mqtt !== 'object' || value.mqtt === null || splitBrokerUrl(String(value.mqtt.url)) === null) {
    return 'field "mqtt.url" is ' + JSON.stringify(value.mqtt ? value.mqtt.url : undefined) + ': write it as mqtt://host:port';
  }
  const prefix = value.mqtt.prefix;
  if (prefix !== undefined && !isPrefix(String(prefix))) {
    return 'field "mqtt.prefix" is ' + JSON.stringify(prefix) + ': use letters, digits, "-", "_" and "/" between levels, such as ' + DEFAULT_PREFIX;
  }
  const interval = value.interval_s;
  if (typeof interval !== 'number' || !isFinite(interval) || interval < MIN_INTERVAL_S || interval > MAX_INTERVAL_S) {
    return 'field "interval_s" is ' + JSON.stringify(interval) + ': use seconds from ' + MIN_INTERVAL_S + ' to ' + MAX_INTERVAL_S;
  }
  const calProblem = checkCalibrationField(value.calibration);
  if (calProblem !== null) return calProblem;
  const pinProblem = checkPins(value.pins);
  if (pinProblem !== null) return pinProblem;
  if (typeof value.battery !== 'boolean') return 'field "battery" must be true or false';
  if (value.ntp !== undefined && (String(value.ntp).length > 63 || !HOST_NAME.test(String(value.ntp)))) {
    return 'field "ntp" is ' + JSON.stringify(value.ntp) + ': give a host name such as ' + DEFAULT_NTP_SERVER + ' (63 characters at most)';
  }
  if (value.pump !== undefined) return checkPump(value.pump, value.pins);
  return null;
}

export function parseDeviceSettings(text: string | null): DeviceSettingsResult {
  if (text === null) return { ok: false, error: 'no settings in Storage file ' + DEVICE_SETTINGS_FILE + ': run npm run device:config first' };
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: 'Storage file ' + DEVICE_SETTINGS_FILE + ' is not JSON: run npm run device:config again' };
  }
  const problem = checkDeviceSettings(value);
  if (problem !== null) return { ok: false, error: problem };
  return { ok: true, settings: value as DeviceSettings };
}
