// A soil that a pump waters, for virtual pots with a pump and the watering tests: the moisture
// falls at a steady rate and rises while the pump runs, unless the tank is empty. Counts follow
// a calibration, so the hub's percent matches the model's.
import type { Calibration } from '../../domain/calibration.js';
import type { SensorSource } from './sensors.js';
import { SYNTHETIC_CALIBRATION } from './sensors.js';

export interface PumpedSoilOptions {
  /** Moisture percent at `startMs`. */
  startPercent: number;
  startMs: number;
  /** Percentage points lost per hour of virtual time. */
  dryPerHour: number;
  /** Percentage points gained per second of pump run. */
  risePerPumpS: number;
  calibration?: Calibration;
}

export interface PumpedSoil extends SensorSource {
  /** Moisture percent at virtual time `atMs`. */
  percentAt(atMs: number): number;
  /** With an empty tank the pump runs but the soil gets no water. */
  setTankEmpty(empty: boolean): void;
  /** Pump runs seen so far, with their length in virtual seconds. */
  runs: Array<{ startMs: number; seconds: number }>;
}

export function createPumpedSoil(options: PumpedSoilOptions): PumpedSoil {
  const cal = options.calibration ?? SYNTHETIC_CALIBRATION;
  let percent = options.startPercent;
  let lastMs = options.startMs;
  let pumpSince: number | null = null;
  let tankEmpty = false;
  const runs: Array<{ startMs: number; seconds: number }> = [];

  function advance(atMs: number): void {
    if (atMs <= lastMs) return;
    percent = Math.max(0, percent - (options.dryPerHour * (atMs - lastMs)) / 3600_000);
    lastMs = atMs;
  }

  return {
    runs,
    percentAt(atMs) {
      advance(atMs);
      return percent;
    },
    setTankEmpty(empty) {
      tankEmpty = empty;
    },
    read(channel, atMs) {
      advance(atMs);
      if (channel === 'light') return 300;
      return Math.round(cal.dry - (percent / 100) * (cal.dry - cal.wet));
    },
    adcMax: (channel) => (channel === 'moisture' ? 4095 : 65535),
    lowRailIsFault: (channel) => channel === 'moisture',
    luxFromRaw: null,
    pump(on, atMs) {
      advance(atMs);
      if (on) {
        pumpSince = atMs;
        return;
      }
      if (pumpSince === null) return;
      const seconds = (atMs - pumpSince) / 1000;
      runs.push({ startMs: pumpSince, seconds });
      pumpSince = null;
      if (!tankEmpty) percent = Math.min(100, percent + seconds * options.risePerPumpS);
    },
  };
}
