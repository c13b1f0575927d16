// Sensor sources for virtual pots: a synthetic plant, or the rows of a replayed trace.
import type { Channel } from '../core/hardware.js';
import type { Calibration } from '../../domain/calibration.js';
import type { TraceRow } from './trace.js';

export interface SensorSource {
  /** One ADC read of a channel at virtual time `atMs`, or NaN when the sensor gives nothing. */
  read(channel: Channel, atMs: number): number;
  adcMax(channel: Channel): number;
  /** True when a count of 0 means a wiring fault rather than a reading. */
  lowRailIsFault(channel: Channel): boolean;
  luxFromRaw: ((raw: number) => number) | null;
  /** Tells the source the pump switched at virtual time `atMs`, so the soil can get wetter. */
  pump?(on: boolean, atMs: number): void;
}

/** BH1750 in its default mode: lux = count / 1.2, so the count is round(lux × 1.2). */
export function bh1750Count(lux: number): number {
  return Math.min(65535, Math.round(lux * 1.2));
}

export function bh1750Lux(count: number): number {
  return Math.round((count / 1.2) * 10) / 10;
}

/** Calibration of the synthetic pot's probe: a capacitive probe on the ESP32's 12-bit ADC. */
export const SYNTHETIC_CALIBRATION: Calibration = { dry: 3200, wet: 1400 };

const DAY_MS = 24 * 3600 * 1000;

/** A small deterministic random generator (linear congruential), so each pot id replays alike. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Daylight in lux at a local hour: zero at night, a sine arch from 07:00 to 20:00. */
function daylightLux(atMs: number, cloudiness: number): number {
  const date = new Date(atMs);
  const hour = date.getHours() + date.getMinutes() / 60;
  if (hour < 7 || hour > 20) return 0;
  return 1500 * Math.pow(Math.sin((Math.PI * (hour - 7)) / 13), 1.5) * (1 - cloudiness);
}

/**
 * Creates a synthetic indoor plant: soil that dries slowly (about 15 % of the calibrated range a day),
 * watering when it falls below a threshold that varies per watering, window light by day, and
 * noise on every read. The seed (from the pot id) makes each pot different but repeatable.
 */
export function createSyntheticSource(seed: number, startMs: number): SensorSource {
  const random = randomFrom(seed);
  const cal = SYNTHETIC_CALIBRATION;
  let wetness = 0.5 + random() * 0.5; // 1 = just watered, 0 = dry
  let threshold = 0.2 + random() * 0.15;
  let lastMs = startMs;
  let cloudDay = -1;
  let cloudiness = 0;

  function advance(atMs: number): void {
    const elapsedDays = Math.max(0, atMs - lastMs) / DAY_MS;
    lastMs = Math.max(lastMs, atMs);
    wetness -= 0.15 * elapsedDays;
    if (wetness < threshold) {
      wetness = 0.9 + random() * 0.1;
      threshold = 0.2 + random() * 0.15;
    }
  }

  return {
    read(channel, atMs) {
      advance(atMs);
      const noise = (random() - 0.5) * 24;
      if (channel === 'moisture') return Math.round(cal.dry - wetness * (cal.dry - cal.wet) + noise);
      const day = Math.floor(atMs / DAY_MS);
      if (day !== cloudDay) {
        cloudDay = day;
        cloudiness = random() * 0.7;
      }
      const lux = daylightLux(atMs, cloudiness);
      return lux === 0 ? 0 : bh1750Count(Math.max(0, lux + noise));
    },
    adcMax: (channel) => (channel === 'moisture' ? 4095 : 65535),
    lowRailIsFault: (channel) => channel === 'moisture',
    luxFromRaw: bh1750Lux,
  };
}

export interface ReplaySource extends SensorSource {
  /** Sets the row the next reads return. */
  show(row: TraceRow): void;
}

/**
 * Reads of a replayed trace: every read returns the current row's values, NaN for an empty cell.
 * Counts are 16-bit (ADS1115 and BH1750 in the shipped trace), so adcMax is 65535 on both channels.
 */
export function createReplaySource(hasLux: boolean): ReplaySource {
  let current: TraceRow | null = null;
  return {
    show(row) {
      current = row;
    },
    read(channel) {
      if (current === null) return NaN;
      const value = channel === 'moisture' ? current.moistureRaw : current.lightRaw;
      return value === null ? NaN : value;
    },
    adcMax: () => 65535,
    lowRailIsFault: (channel) => channel === 'moisture',
    luxFromRaw: hasLux ? bh1750Lux : null,
  };
}
