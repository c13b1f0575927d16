// What the dashboard shows about a pot's care: settings, species, state, faults, alerts, health,
// last watering and the forecast of the next one.
import { findSpecies, type Species } from '../../domain/species.js';
import { faultOptionsFor, findSensorFaults } from '../../domain/sensor-faults.js';
import { forecastDays, forecastWatering, type ForecastResult } from '../../domain/watering-forecast.js';
import type { Pot } from '../store/registry.js';
import type { Store } from '../store/store.js';
import type { CareStore } from '../store/care-store.js';
import type { CareEngine } from './engine.js';
import type { ActiveAlert, PotCare } from './types.js';

/** History read for the forecast: the fit uses at most 3 days after the last watering. */
const FORECAST_HISTORY_MS = 4 * 24 * 3600 * 1000;

export interface CareSummary {
  potId: string;
  care: PotCare;
  species: Species | null;
  thresholds: ReturnType<CareEngine['thresholds']>;
  /** `unjudged`: no species, or a moisture fault pauses the judgment. */
  moistureState: string;
  lightState: string;
  faults: ReturnType<typeof findSensorFaults>;
  alerts: ActiveAlert[];
  health: { status: Pot['status'] | 'unknown'; battery_mv: number | null; rssi: number | null; fw: string | null; lastSeen: number | null };
  lastWateringAt: number | null;
}

export interface ForecastView {
  /** Measurement time the forecast is made at: the pot's newest reading. */
  at: number;
  result: ForecastResult;
  days: { days: number; earliest: number; latest: number } | null;
}

export function careSummary(potId: string, deps: { store: Store; care: CareStore; engine: CareEngine; species: Species[] }, now: number): CareSummary {
  const care = deps.care.potCare(potId);
  const state = deps.engine.state(potId);
  const thresholds = deps.engine.thresholds(potId);
  const window = deps.engine.window(potId);
  const faults = findSensorFaults(window, faultOptionsFor(window, care.sensor));
  const pot = deps.store.pot(potId, now);
  const latest = pot?.latest ?? null;
  const moistureFault = faults.some((f) => f.sensor === 'moisture');
  return {
    potId,
    care,
    species: care.speciesId === null ? null : findSpecies(deps.species, care.speciesId),
    thresholds,
    moistureState: thresholds === null || moistureFault ? 'unjudged' : state.moisture.state,
    lightState: thresholds === null || faults.some((f) => f.sensor === 'light') ? 'unjudged' : state.light.state,
    faults,
    alerts: Object.values(state.alerts),
    health: {
      status: pot?.status ?? 'unknown',
      battery_mv: latest?.battery_mv ?? null,
      rssi: latest?.rssi ?? null,
      fw: latest?.fw ?? null,
      lastSeen: pot?.lastSeen ?? null,
    },
    lastWateringAt: state.lastWateringAt,
  };
}

/** Forecasts the next watering at the pot's newest reading, from its stored history. */
export async function careForecast(potId: string, deps: { store: Store; engine: CareEngine }, now: number): Promise<ForecastView | null> {
  const latest = deps.store.pot(potId, now)?.latest;
  const thresholds = deps.engine.thresholds(potId);
  if (!latest || thresholds === null) return null;

  const at = latest.at;
  const readings = await deps.store.readings(potId, at - FORECAST_HISTORY_MS, at + 1);
  const history = readings.map((r) => ({ at: r.at, raw: r.moisture_raw }));
  const result = forecastWatering(history, deps.engine.calibration(potId), thresholds.moisture.min, at);
  return { at, result, days: result.ok ? forecastDays(result.forecast, at) : null };
}
