// Settings the hub sends to a pot, retained, on <prefix>/<id>/config. Espruino-compatible syntax:
// the firmware parses them with this file.
import { checkCalibration, type Calibration } from './calibration.js';

export const MIN_INTERVAL_S = 10;
export const MAX_INTERVAL_S = 24 * 3600;
export const DEFAULT_INTERVAL_S = 60;

export interface PotConfig {
  v: number;
  /** Seconds between readings. */
  interval_s: number;
  /** Dry and wet points for moisture percent, or null when the pot is not calibrated. */
  calibration: Calibration | null;
  /**
   * Pump limits from the hub, optional. They can only lower the pot's own: the pot keeps the
   * smaller maximum run and the larger minimum interval (device/core/pump-settings.ts).
   */
  pump?: PumpConfig;
}

export interface PumpConfig {
  /** Maximum run, seconds, 1 … 600. */
  max_run_s?: number;
  /** Minimum seconds between runs, 0 … 86 400. */
  min_interval_s?: number;
  /** Pump flow, mL/s, 0.05 … 500, to turn a volume into seconds. */
  flow_ml_s?: number;
}

function checkRange(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && isFinite(value) && value >= min && value <= max;
}

/** Reads the optional `pump` field; returns a problem in words or the limits. */
function parsePumpConfig(value: any): { pump?: PumpConfig; error?: string } {
  if (typeof value !== 'object' || value === null) return { error: 'config field "pump" must be an object {max_run_s, min_interval_s, flow_ml_s}' };
  const pump: PumpConfig = {};
  if (value.max_run_s !== undefined) {
    if (!checkRange(value.max_run_s, 1, 600)) return { error: 'config field "pump.max_run_s" must be seconds from 1 to 600, got ' + JSON.stringify(value.max_run_s) };
    pump.max_run_s = value.max_run_s;
  }
  if (value.min_interval_s !== undefined) {
    if (!checkRange(value.min_interval_s, 0, MAX_INTERVAL_S)) return { error: 'config field "pump.min_interval_s" must be seconds from 0 to ' + MAX_INTERVAL_S + ', got ' + JSON.stringify(value.min_interval_s) };
    pump.min_interval_s = value.min_interval_s;
  }
  if (value.flow_ml_s !== undefined) {
    if (!checkRange(value.flow_ml_s, 0.05, 500)) return { error: 'config field "pump.flow_ml_s" must be mL/s from 0.05 to 500, got ' + JSON.stringify(value.flow_ml_s) };
    pump.flow_ml_s = value.flow_ml_s;
  }
  return { pump: pump };
}

export interface ConfigResult {
  ok: boolean;
  config?: PotConfig;
  error?: string;
}

/** Validates a config message; unknown fields are ignored so newer hubs can add settings. */
export function parsePotConfig(text: string): ConfigResult {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: 'config is not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'config must be a JSON object' };
  if (value.v !== 1) return { ok: false, error: 'config field "v" must be 1, got ' + JSON.stringify(value.v) };

  const interval = value.interval_s;
  if (typeof interval !== 'number' || !isFinite(interval) || interval < MIN_INTERVAL_S || interval > MAX_INTERVAL_S) {
    return {
      ok: false,
      error: 'config field "interval_s" must be a number of seconds from ' + MIN_INTERVAL_S + ' to ' + MAX_INTERVAL_S + ', got ' + JSON.stringify(interval),
    };
  }

  let calibration: Calibration | null = null;
  if (value.calibration !== null && value.calibration !== undefined) {
    const cal = value.calibration;
    if (typeof cal !== 'object') return { ok: false, error: 'config field "calibration" must be an object {dry, wet} or null' };
    const problem = checkCalibration(cal);
    if (problem !== null) return { ok: false, error: 'config field "calibration": ' + problem };
    calibration = { dry: cal.dry, wet: cal.wet };
  }
  const config: PotConfig = { v: 1, interval_s: interval, calibration: calibration };
  if (value.pump !== undefined && value.pump !== null) {
    const pump = parsePumpConfig(value.pump);
    if (pump.error !== undefined) return { ok: false, error: pump.error };
    config.pump = pump.pump;
  }
  return { ok: true, config: config };
}
