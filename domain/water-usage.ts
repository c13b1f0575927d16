// Water used per local day, estimated from the seconds the pump ran (from the pots'
// acknowledgements) times the pump's flow. An estimate: a pump's flow changes with the lift
// height, the tubing and the battery voltage, so the user measures it once (fill a measuring jug
// for 10 s) and sets it per pot.
import type { LocalClock } from './watering-rules.js';

/** Range of pump flows accepted, mL/s; a value outside it is taken for a typo. */
export const MIN_PUMP_FLOW_ML_PER_S = 0.05;
export const MAX_PUMP_FLOW_ML_PER_S = 500;

/** One pump run as acknowledged by a pot. */
export interface PumpRunRecord {
  /** Unix ms of the acknowledgement. */
  at: number;
  ranS: number;
}

export interface DailyWaterUsage {
  /** Local calendar day, `YYYY-MM-DD`. */
  day: string;
  runs: number;
  seconds: number;
  /** Estimated volume, millilitres, rounded to 1 mL. */
  ml: number;
}

/** Returns a problem with a pump flow in words, or null when it can be used. */
export function checkPumpFlow(flowMlPerS: number): string | null {
  if (typeof flowMlPerS !== 'number' || !Number.isFinite(flowMlPerS) || flowMlPerS < MIN_PUMP_FLOW_ML_PER_S || flowMlPerS > MAX_PUMP_FLOW_ML_PER_S) {
    return `pump flow must be a number of mL/s from ${MIN_PUMP_FLOW_ML_PER_S} to ${MAX_PUMP_FLOW_ML_PER_S}, got ${JSON.stringify(flowMlPerS)}: time how long the pump takes to fill a measuring jug`;
  }
  return null;
}

/** Estimated volume of one run, millilitres. */
export function waterUsedMl(ranS: number, flowMlPerS: number): number {
  return Math.max(0, ranS) * flowMlPerS;
}

/** Seconds of pump run for a volume, rounded up so the plant gets at least the volume requested. */
export function secondsForVolume(volumeMl: number, flowMlPerS: number): number {
  return Math.ceil(volumeMl / flowMlPerS);
}

/**
 * Sums runs per local day, oldest day first. Days without a run are left out; runs with no
 * time (ranS 0) still count as runs. Throws when the flow is invalid, naming the value.
 */
export function dailyWaterUsage(runs: PumpRunRecord[], flowMlPerS: number, clock: LocalClock): DailyWaterUsage[] {
  const problem = checkPumpFlow(flowMlPerS);
  if (problem !== null) throw new Error(problem);

  const byDay = new Map<string, { runs: number; seconds: number }>();
  for (const run of runs) {
    const day = clock(run.at).day;
    const total = byDay.get(day) ?? { runs: 0, seconds: 0 };
    total.runs += 1;
    total.seconds += Math.max(0, run.ranS);
    byDay.set(day, total);
  }

  return [...byDay.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([day, total]) => ({ day, runs: total.runs, seconds: total.seconds, ml: Math.round(waterUsedMl(total.seconds, flowMlPerS)) }));
}
