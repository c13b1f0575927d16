// Calls to the hub's plant-care API (docs/plant-care.md), for the care panel and the alert badges.
import { callApi, potPath } from '../api.js';

export interface CareAlert {
  key: string;
  kind: string;
  since: number;
  at: number;
  detail: string;
}

export interface SpeciesEntry {
  id: string;
  name_fr: string;
  name_en: string;
  latin: string;
  moisture: { min: number; max: number };
  light: { min: number; max: number };
  hint_fr: string;
  hint_en: string;
}

export interface CareSummary {
  potId: string;
  care: { name: string | null; photo: string | null; speciesId: string | null; channels: string[]; quietHours: { start: string; end: string } | null; calibrations: Array<{ dry: number; wet: number; version: number; at: number }> };
  species: SpeciesEntry | null;
  thresholds: { moisture: { min: number; max: number }; light: { min: number; max: number } } | null;
  moistureState: string;
  lightState: string;
  faults: Array<{ sensor: string; kind: string; since: number; detail: string }>;
  alerts: CareAlert[];
  health: { status: string; battery_mv: number | null; rssi: number | null; fw: string | null };
  lastWateringAt: number | null;
  forecast?: { at: number; result: { ok: boolean; reason?: string }; days: { days: number; earliest: number; latest: number } | null } | null;
}

export interface TimelineEvent {
  at: number;
  kind: string;
  data: Record<string, unknown>;
}


export const fetchAllCare = (): Promise<{ pots: CareSummary[] }> => callApi('api/care');
export const fetchCare = (id: string): Promise<CareSummary> => callApi(`${potPath(id)}/care`);
export const fetchSpecies = (): Promise<{ species: SpeciesEntry[] }> => callApi('api/species');
export const saveCare = (id: string, body: Record<string, unknown>): Promise<CareSummary> => callApi(potPath(id), 'PUT', body);
export const fetchTimeline = (id: string): Promise<{ events: TimelineEvent[] }> => callApi(`${potPath(id)}/timeline`);
export const addNote = (id: string, text: string): Promise<TimelineEvent> => callApi(`${potPath(id)}/notes`, 'POST', { text });
export const fetchCalibration = (id: string): Promise<{ live: { median: number; readings: number; at: number } | null; adcMax: number }> => callApi(`${potPath(id)}/calibration`);
export const saveCalibration = (id: string, dry: number, wet: number): Promise<{ hints: string[]; published: boolean; calibration: { version: number } }> =>
  callApi(`${potPath(id)}/calibration`, 'POST', { dry, wet });
export const recompute = (id: string): Promise<{ changed: number; readings: number }> => callApi(`${potPath(id)}/recompute`, 'POST', {});
