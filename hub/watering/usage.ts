// Water used by a pot today and over the last 7 local days, from the seconds its pump ran
// (acknowledgements) and its flow (domain/water-usage.ts). Without a flow only seconds are known.
import { dailyWaterUsage, type PumpRunRecord } from '../../domain/water-usage.js';
import type { LocalClock } from '../../domain/watering-rules.js';
import type { PotWatering } from '../store/watering-store.js';

export interface UsageTotal {
  runs: number;
  seconds: number;
  /** Estimated millilitres, or null when the pump flow is not set. */
  ml: number | null;
}

export interface WaterUsage {
  today: UsageTotal;
  week: UsageTotal;
  flowMlPerS: number | null;
  days: Array<{ day: string; runs: number; seconds: number; ml: number | null }>;
}

const DAY_MS = 24 * 3600 * 1000;

export function potUsage(pot: PotWatering, now: number, clock: LocalClock): WaterUsage {
  const runs: PumpRunRecord[] = pot.commands
    .filter((c) => c.ackAt !== null && (c.ranS ?? 0) > 0)
    .map((c) => ({ at: c.ackAt as number, ranS: c.ranS as number }));
  const flow = pot.flowMlPerS;
  // A flow of 1 mL/s gives the seconds; the volume is only shown when the real flow is known.
  const days = dailyWaterUsage(runs, flow ?? 1, clock).map((d) => ({ day: d.day, runs: d.runs, seconds: d.seconds, ml: flow === null ? null : d.ml }));
  const today = clock(now).day;
  const weekDays = new Set<string>();
  for (let i = 0; i < 7; i++) weekDays.add(clock(now - i * DAY_MS).day);
  const sum = (list: typeof days): UsageTotal => ({
    runs: list.reduce((n, d) => n + d.runs, 0),
    seconds: list.reduce((n, d) => n + d.seconds, 0),
    ml: flow === null ? null : list.reduce((n, d) => n + (d.ml ?? 0), 0),
  });
  return { today: sum(days.filter((d) => d.day === today)), week: sum(days.filter((d) => weekDays.has(d.day))), flowMlPerS: flow, days };
}
