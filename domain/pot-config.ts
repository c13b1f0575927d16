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
  return { ok: true, config: { v: 1, interval_s: interval, calibration: calibration } };
}
