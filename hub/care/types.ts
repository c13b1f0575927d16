// Shapes shared by the plant-care files of the hub: per-pot settings, the engine's saved state,
// alerts and their deliveries. Everything here is plain JSON, saved in data/care.json.
import type { LightTracker, MoistureTracker, ThresholdOverrides } from '../../domain/plant-state.js';
import type { Species } from '../../domain/species.js';

export type Channel = 'email' | 'webhook' | 'ntfy';
export const CHANNELS: readonly Channel[] = ['email', 'webhook', 'ntfy'];

/** Local times `HH:MM` in the hub's time zone; an end before the start spans midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

export interface CalibrationRecord {
  dry: number;
  wet: number;
  /** 1 for the pot's first calibration, then one more for each new one. */
  version: number;
  /** When it was saved, Unix ms. */
  at: number;
}

/** Full-scale raw counts of the pot's ADCs, for the sensor-fault rules. */
export interface SensorLimits {
  moistureAdcMax: number;
  lightAdcMax: number;
}

export interface PotCare {
  /** Name chosen by the user; untrusted text, always shown as text. */
  name: string | null;
  speciesId: string | null;
  thresholds: ThresholdOverrides;
  channels: Channel[];
  quietHours: QuietHours | null;
  sensor: SensorLimits;
  /** Every calibration saved, oldest first; the last one is in force. */
  calibrations: CalibrationRecord[];
  /** Interval of the last config the hub published, seconds. */
  intervalS: number | null;
  /** File name of the current photo under data/photos/<id>/, or null. */
  photo: string | null;
}

export type AlertKind = 'too_dry' | 'too_wet' | 'too_dark' | 'too_bright' | 'sensor_fault' | 'pot_silent' | 'battery_low' | 'no_rise';

export interface ActiveAlert {
  /** `kind`, or `sensor_fault:<sensor>`, unique per pot. */
  key: string;
  kind: AlertKind;
  potId: string;
  /** When the condition was first seen, Unix ms. */
  since: number;
  /** When the alert was raised (the condition confirmed), Unix ms. */
  at: number;
  /** English detail for logs and developers, such as the fault's description. */
  detail: string;
}

export interface AlertRecord extends ActiveAlert {
  /** When the alert cleared, Unix ms, or null while it is active. */
  clearedAt: number | null;
}

export type DeliveryPhase = 'raised' | 'cleared';

export interface Delivery {
  id: string;
  channel: Channel;
  phase: DeliveryPhase;
  alert: AlertRecord;
  /** Pot name at the time of the alert, for the message. */
  potName: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  /** Earliest time of the next attempt, Unix ms: after quiet hours or a retry delay. */
  nextAt: number;
  lastError: string | null;
  sentAt: number | null;
}

export interface BatteryTracker {
  low: boolean;
  /** Consecutive readings that point the other way. */
  count: number;
}

export interface EngineState {
  moisture: MoistureTracker;
  light: LightTracker;
  /** Local day (`YYYY-MM-DD`) of the light samples being gathered. */
  day: string | null;
  battery: BatteryTracker;
  /** Measurement time of the last watering found, Unix ms. */
  lastWateringAt: number | null;
  /** Last reading taken into account, Unix ms (measurement time). */
  lastAt: number | null;
  alerts: Record<string, ActiveAlert>;
}

export interface CareFile {
  version: 1;
  /** Species added or overridden by the user; merged over the shipped base. */
  species: Species[];
  pots: Record<string, PotCare>;
  engine: Record<string, EngineState>;
  /** Recent alerts, newest last, for the dashboard list. */
  recent: AlertRecord[];
  /** Deliveries not yet sent, and the recent ones that were sent or failed. */
  outbox: Delivery[];
}
