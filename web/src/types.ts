// Shapes of the hub's REST and Server-Sent Events payloads, as docs/architecture.md defines them.
import type { StoredReading } from '../../domain/reading.js';

export type { StoredReading };

export type PotStatus = 'online' | 'offline' | 'unknown';

export interface Pot {
  id: string;
  mac: string;
  name: string | null;
  /** Unix milliseconds UTC. */
  firstSeen: number;
  lastSeen: number;
  /** Seconds between readings, as the hub estimates them from the pot's recent readings. */
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
