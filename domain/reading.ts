// The reading a pot publishes on <prefix>/<id>/telemetry (protocol version 1), and the form
// the hub stores. Espruino-compatible syntax: the firmware builds readings with this file.

export const PROTOCOL_VERSION = 1;

/** Largest telemetry payload accepted, in bytes; larger ones are rejected before parsing. */
export const MAX_PAYLOAD_BYTES = 1024;

export type SensorFault = 'moisture_nan' | 'moisture_rail' | 'light_nan' | 'light_rail';

/** A reading as published by a pot. Field meanings and units are in docs/protocol.md. */
export interface Reading {
  v: number;
  seq: number;
  moisture_raw?: number | null;
  light_raw?: number | null;
  moisture?: number | null;
  moisture_clamped?: boolean;
  light?: number | null;
  ts?: number;
  rssi?: number;
  battery_mv?: number;
  /** Seconds the pot waits between readings, so the hub can tell a sleeping pot from a silent one. */
  interval_s?: number;
  /** True when a pump is wired and set up, false when the pot has none, so the hub offers watering only where it can work. */
  pump?: boolean;
  fw: string;
  faults?: SensorFault[];
}

/** Source of a stored reading's time: the device clock or the hub's. */
export type ClockSource = 'device' | 'hub';

/** A reading as the hub stores and serves it. */
export interface StoredReading {
  /** Measurement time, Unix milliseconds UTC: the device's `ts` when plausible, else `rx`. */
  at: number;
  /** Time the hub received the message, Unix milliseconds UTC. */
  rx: number;
  clock: ClockSource;
  seq: number;
  moisture_raw: number | null;
  light_raw: number | null;
  moisture: number | null;
  moisture_clamped?: boolean;
  light: number | null;
  /** True when a measured field was missing or null. */
  partial?: boolean;
  ts?: number;
  rssi?: number;
  battery_mv?: number;
  interval_s?: number;
  pump?: boolean;
  fw: string;
  faults?: SensorFault[];
}

/** Device times before this (2024-01-01) come from a clock that was never set. */
export const MIN_DEVICE_TS = 1704067200;
/** Maximum lead of a device clock over the hub's, in seconds. */
export const MAX_CLOCK_AHEAD_S = 300;
/** Maximum age of a buffered reading, in seconds (a pot's offline buffer covers less). */
export const MAX_READING_AGE_S = 30 * 24 * 3600;

function presentNumber(x: number | null | undefined): number | null {
  return typeof x === 'number' ? x : null;
}

/** Picks the measurement time: the device clock when it is plausible, otherwise the hub's. */
export function chooseTime(ts: number | undefined, rxMs: number): { at: number; clock: ClockSource } {
  if (typeof ts === 'number') {
    const rxS = rxMs / 1000;
    if (ts >= MIN_DEVICE_TS && ts <= rxS + MAX_CLOCK_AHEAD_S && ts >= rxS - MAX_READING_AGE_S) {
      return { at: Math.round(ts * 1000), clock: 'device' };
    }
  }
  return { at: rxMs, clock: 'hub' };
}

/** Turns a validated reading into the stored form. */
export function toStored(reading: Reading, rxMs: number): StoredReading {
  const time = chooseTime(reading.ts, rxMs);
  const stored: StoredReading = {
    at: time.at,
    rx: rxMs,
    clock: time.clock,
    seq: reading.seq,
    moisture_raw: presentNumber(reading.moisture_raw),
    light_raw: presentNumber(reading.light_raw),
    moisture: presentNumber(reading.moisture),
    light: presentNumber(reading.light),
    fw: reading.fw,
  };
  if (reading.moisture_clamped) stored.moisture_clamped = true;
  if (stored.moisture_raw === null || stored.light_raw === null) stored.partial = true;
  if (typeof reading.ts === 'number') stored.ts = reading.ts;
  if (typeof reading.rssi === 'number') stored.rssi = reading.rssi;
  if (typeof reading.battery_mv === 'number') stored.battery_mv = reading.battery_mv;
  if (typeof reading.interval_s === 'number') stored.interval_s = reading.interval_s;
  if (typeof reading.pump === 'boolean') stored.pump = reading.pump;
  if (reading.faults && reading.faults.length > 0) stored.faults = reading.faults;
  return stored;
}

/**
 * Identity of one measurement, for deduplication. A redelivered message (QoS 1 retry, the
 * pot's offline buffer sent again) repeats these fields exactly; a pot whose counter restarted
 * after its storage was erased produces a different key because its time or values differ.
 */
export function dedupKey(r: { seq: number; ts?: number; moisture_raw: number | null; light_raw: number | null }): string {
  // join() returns one flat string. Built with `+`, a key stays a tree of string pieces in V8, and
  // thousands of keys per pot are kept for deduplication.
  return [r.seq, typeof r.ts === 'number' ? r.ts : '', String(r.moisture_raw), String(r.light_raw)].join('|');
}
