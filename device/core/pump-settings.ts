// The pump limits a pot applies: its own from device:config (or the virtual pot's options),
// lowered by the hub's retained config when it requests less. The hub can never raise the
// pot's hard maximum. Espruino-compatible syntax.
import type { PotConfig } from '../../domain/pot-config.js';
import type { PumpSettings } from '../../domain/pump-guard.js';

/** A pot's own pump, as wired. */
export interface PumpOptions {
  /** True when the relay or MOSFET switches on at a low level. */
  activeLow: boolean;
  /** Hard maximum of one run, seconds; 0 means no pump is fitted. */
  maxRunS: number;
  minIntervalS: number;
  /** mL/s, 0 when not measured. */
  flowMlPerS: number;
}

export const NO_PUMP: PumpOptions = { activeLow: false, maxRunS: 0, minIntervalS: 0, flowMlPerS: 0 };

/** Limits in force for `own` pump under the hub's `config`. */
export function pumpLimits(own: PumpOptions | null, config: PotConfig): PumpSettings {
  const base = own === null ? NO_PUMP : own;
  const asked = config.pump;
  let maxRunS = base.maxRunS;
  let minIntervalS = base.minIntervalS;
  let flow = base.flowMlPerS;
  if (asked !== undefined) {
    if (typeof asked.max_run_s === 'number' && asked.max_run_s < maxRunS) maxRunS = asked.max_run_s;
    if (typeof asked.min_interval_s === 'number' && asked.min_interval_s > minIntervalS) minIntervalS = asked.min_interval_s;
    if (typeof asked.flow_ml_s === 'number') flow = asked.flow_ml_s;
  }
  return { maxRunS: maxRunS, minIntervalS: minIntervalS, flowMlPerS: flow };
}
