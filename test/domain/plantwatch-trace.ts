// Loads the recorded PlantWatch trace (one indoor pot, 2025-09-15 → 2025-09-28, one row a minute,
// logging 06:00–21:59 only) for the plant-care tests. The CSV parsing is scripts/trace/plantwatch.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlantwatchCsv } from '../../scripts/trace/plantwatch.js';

// The recording lives in the `shared/` folder beside the repository, as laid out for the team and CI.
export const TRACE_DIR = process.env.POCO_PLANTWATCH_DIR
  ?? fileURLToPath(new URL('../../../shared/data/plantwatch-pi5/Lux-Moisture', import.meta.url));

export interface TracePoint {
  /** Local wall time read as if it were UTC, Unix ms: the files carry no time zone. */
  at: number;
  raw: number;
  lux: number;
}

/** Wall time `2025-09-15 17:27` as Unix ms, in the same UTC reading as TracePoint.at. */
export function wallTime(date: string, time: string): number {
  return Date.parse(date + 'T' + time + ':00Z');
}

/** Reads every Lux-Moisture file, sorted by time; throws when a line fails to parse. */
export function loadTrace(): TracePoint[] {
  const points: TracePoint[] = [];
  for (const name of readdirSync(TRACE_DIR).filter((file) => file.endsWith('.csv'))) {
    const parsed = parsePlantwatchCsv(readFileSync(join(TRACE_DIR, name), 'utf8'), name);
    if (parsed.problems.length > 0) throw new Error('trace lines failed to parse: ' + parsed.problems.join('; '));
    for (const row of parsed.rows) points.push({ at: Date.parse(row.time + ':00Z'), raw: row.moistureRaw, lux: row.lux });
  }
  return points.sort((a, b) => a.at - b.at);
}

/**
 * Calibration estimate for this probe: 9 100 is the wettest raw value, just after a watering,
 * and 21 550 is the probe in air, so 0 % is drier than any real soil. An estimate, not a
 * calibration taken in the pot.
 */
export const TRACE_CALIBRATION = { dry: 21550, wet: 9100 };
