// Loads the recorded PlantWatch trace (one indoor pot, 2025-09-15 → 2025-09-28, one row a minute,
// logging 06:00–21:59 only) for the plant-care tests: every row of the recording, in POCO's trace
// format (test/data/plantwatch-pi5-full.csv, made by scripts/trace/derive-plantwatch.ts --full).
// POCO_PLANTWATCH_DIR instead points at a folder of PlantWatch's own Lux-Moisture CSV files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePlantwatchCsv } from '../../scripts/trace/plantwatch.js';

export const TRACE_FILE = fileURLToPath(new URL('../data/plantwatch-pi5-full.csv', import.meta.url));

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

/** Reads the trace, sorted by time; throws when a line fails to parse. */
export function loadTrace(): TracePoint[] {
  const folder = process.env['POCO_PLANTWATCH_DIR'];
  return (folder === undefined ? loadShippedRows() : loadPlantwatchFolder(folder)).sort((a, b) => a.at - b.at);
}

function loadShippedRows(): TracePoint[] {
  const lines = readFileSync(TRACE_FILE, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  if (lines[0] !== 'time,moisture_raw,light_raw,light') throw new Error(`${TRACE_FILE}: unexpected header ${JSON.stringify(lines[0])}`);
  return lines.slice(1).map((line, index) => {
    const [time, raw, , lux] = line.split(',');
    const point = { at: Date.parse(time + ':00Z'), raw: Number(raw), lux: Number(lux) };
    if (!Number.isFinite(point.at) || !Number.isFinite(point.raw) || !Number.isFinite(point.lux)) throw new Error(`${TRACE_FILE}: line ${index + 2} failed to parse: ${line}`);
    return point;
  });
}

function loadPlantwatchFolder(folder: string): TracePoint[] {
  const points: TracePoint[] = [];
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.csv'))) {
    const parsed = parsePlantwatchCsv(readFileSync(join(folder, name), 'utf8'), name);
    if (parsed.problems.length > 0) throw new Error('trace lines failed to parse: ' + parsed.problems.join('; '));
    for (const row of parsed.rows) points.push({ at: Date.parse(row.time + ':00Z'), raw: row.moistureRaw, lux: row.lux });
  }
  return points;
}

/**
 * Calibration estimate for this probe: 9 100 is the wettest raw value, just after a watering,
 * and 21 550 is the probe in air, so 0 % is drier than any real soil. An estimate, not a
 * calibration taken in the pot.
 */
export const TRACE_CALIBRATION = { dry: 21550, wet: 9100 };
