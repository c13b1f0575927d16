// Shapes of the hub's REST and Server-Sent Events payloads, as docs/architecture.md defines them.
import type { StoredReading } from '../../domain/reading.js';

export type { StoredReading };

export type PotStatus = 'online' | 'offline' | 'unknown';

export interface Pot {
  id: string;
  mac: string;
  name: string | null;
  /** Unix milliseconds UTC, or null for a pot known only from its retained status. */
  firstSeen: number | null;
  lastSeen: number | null;
  /** Seconds between readings, from the pot's config. */
  intervalS: number;
  status: PotStatus;
  announced: 'online' | 'offline' | null;
  latest: StoredReading | null;
}

export interface ReadingsResponse {
  potId: string;
  from: number;
  to: number;
  readings: StoredReading[];
}

export interface ReadingEvent {
  potId: string;
  reading: StoredReading;
}

export interface PotEvent {
  pot: Pot;
}
