// Soil for virtual pots with a pump (`npm run pot -- --pump`): in synthetic mode the pumped soil
// model, in replay mode a trace's drying with the pump's water added, so a hub rule can keep
// the replayed plant watered.
import { moisturePercent } from '../../domain/calibration.js';
import type { PumpOptions } from '../core/pump-settings.js';
import { createPumpedSoil, type PumpedSoil } from './pumped-source.js';
import { SYNTHETIC_CALIBRATION, bh1750Lux, type ReplaySource } from './sensors.js';
import type { Trace, TraceRow } from './trace.js';

/** Points of moisture one second of pump adds: an 8 s run lifts the soil by 16 points. */
export const RISE_PER_PUMP_S = 2;
/** The replayed soil dries three times as fast as the recorded pot, so the rule has work to do. */
export const DRYING_FACTOR = 3;

/**
 * Returns the pump of a virtual pot. Its minimum interval is 0 in replay mode, because a fast
 * replay lays days of trace into seconds of the pot's real clock. The hub's daily limits still apply.
 */
export function virtualPump(replay: boolean): PumpOptions {
  return { activeLow: false, maxRunS: 30, minIntervalS: replay ? 0 : 60, flowMlPerS: 2 };
}

/** Creates the synthetic soil of a pot with a pump: it starts at 45 % and loses a point an hour. */
export function createSyntheticPumpedSoil(startMs: number): PumpedSoil {
  return createPumpedSoil({ startPercent: 45, startMs, dryPerHour: 1, risePerPumpS: RISE_PER_PUMP_S, calibration: SYNTHETIC_CALIBRATION });
}

export interface PumpedReplaySource extends ReplaySource {
  /** Moisture percent of the model after each shown row, oldest first. */
  levels: number[];
  /** Pump runs seen so far, seconds. */
  runs: number[];
  /**
   * Adds the water of a pump run. At replay speeds the host's timers fire whole real milliseconds
   * late, each many virtual seconds, so the soil takes the run the pot timed, not the virtual time.
   */
  water(seconds: number): void;
}

/**
 * Creates a replay source whose moisture follows the trace's changes times DRYING_FACTOR, plus
 * RISE_PER_PUMP_S for each second the pump ran. Counts use the trace's calibration.
 */
export function createPumpedReplaySource(trace: Trace): PumpedReplaySource {
  const cal = trace.calibration;
  if (cal === null) throw new Error('--pump replays need a trace with a "# calibration dry=… wet=…" line, to turn the soil model into counts');
  let current: TraceRow | null = null;
  let recorded: number | null = null;
  let soil: number | null = null;
  const levels: number[] = [];
  const runs: number[] = [];

  return {
    levels,
    runs,
    show(row) {
      current = row;
      const percent = moisturePercent(row.moistureRaw, cal).percent;
      if (percent === null) return;
      soil = soil === null || recorded === null ? percent : Math.min(100, Math.max(0, soil + (percent - recorded) * DRYING_FACTOR));
      recorded = percent;
      levels.push(soil);
    },
    read(channel) {
      if (current === null) return NaN;
      if (channel === 'light') return current.lightRaw === null ? NaN : current.lightRaw;
      if (soil === null || current.moistureRaw === null) return NaN;
      return Math.round(cal.dry - (soil / 100) * (cal.dry - cal.wet));
    },
    adcMax: () => 65535,
    lowRailIsFault: (channel) => channel === 'moisture',
    luxFromRaw: trace.hasLux ? bh1750Lux : null,
    water(seconds) {
      runs.push(seconds);
      if (soil !== null) soil = Math.min(100, soil + seconds * RISE_PER_PUMP_S);
    },
  };
}
