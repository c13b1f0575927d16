// One reading with its sequence number and clock check, shared by the mains pot (pot.ts) and
// the battery cycle (cycle.ts). Espruino-compatible syntax.
import type { Calibration } from '../../domain/calibration.js';
import type { Reading } from '../../domain/reading.js';
import { saneTimestamp } from './clock.js';
import type { Hardware } from './hardware.js';
import { measure } from './measure.js';
import { MAX_SEQ, storeState, type PotState } from './settings.js';

const UNTRUSTED_LOG_EVERY = 60;

/**
 * Measures, advances `state.seq` (and `state.last_ts` when the clock is sane) and stores the
 * state at once, so a reboot never reuses a seq. `pump` is true when the pot can run its pump; the
 * hub offers remote watering only to pots that send true.
 */
export function nextReading(hw: Hardware, state: PotState, fw: string, calibration: Calibration | null, samples: number, intervalS: number, pump: boolean): Reading {
  const ts = saneTimestamp(hw.now(), state.last_ts);
  // Logged for one reading in UNTRUSTED_LOG_EVERY: a pot without NTP would log every reading.
  if (ts === null && state.seq % UNTRUSTED_LOG_EVERY === 0) {
    hw.log('clock not trusted (' + Math.floor(hw.now() / 1000) + ' s, last sane ' + state.last_ts + ' s): reading ' + state.seq + ' goes without ts, like the readings after it until the clock is set (logged every ' + UNTRUSTED_LOG_EVERY + ' readings)');
  }
  const reading = measure(hw, state.seq, fw, calibration, samples, ts);
  // The hub judges a sleeping pot by this interval, so it is sent from the first reading on.
  reading.interval_s = Math.round(intervalS);
  reading.pump = pump;
  state.seq = state.seq >= MAX_SEQ ? 0 : state.seq + 1;
  if (ts !== null) state.last_ts = ts;
  storeState(hw, state);
  return reading;
}
