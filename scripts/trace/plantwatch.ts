// Reads the CSV logs of PlantWatch (Raspberry Pi 5, BH1750 lux sensor, capacitive probe on an
// ADS1115) and turns them into rows of POCO's trace format. Their quirks: `DATE` as
// `September-15-2025`, `TIME` on a 12-hour clock (`05:07 PM`, `12:30 AM`), no timezone.
import { parseTraceTime } from '../../device/host/trace.js';

export interface PlantwatchRow {
  /** Local wall time as `YYYY-MM-DDTHH:MM`, the form POCO's trace takes without an offset. */
  time: string;
  moistureRaw: number;
  lux: number;
}

export interface PlantwatchFile {
  rows: PlantwatchRow[];
  /** Skipped lines, each with the file name and line number. */
  problems: string[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DATE = /^([A-Za-z]+)-(\d{1,2})-(\d{4})$/;
const TIME = /^(\d{1,2}):(\d{2})\s*([AaPp][Mm])$/;
const HEADER = 'DATE,TIME,LUX,WET_RAW_ADC,WET_VOLTAGE_V';

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Converts `September-15-2025` to `2025-09-15`, or returns null when it is no real date. */
export function parseLongDate(text: string): string | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  const day = Number(m[2]);
  const year = Number(m[3]);
  if (month === 0) return null;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Converts a 12-hour time to 24-hour `HH:MM`: 12:xx AM is 00:xx and 12:xx PM stays 12:xx. */
export function parseClock12(text: string): string | null {
  const m = TIME.exec(text.trim());
  if (!m) return null;
  const hour12 = Number(m[1]);
  const minute = Number(m[2]);
  if (hour12 < 1 || hour12 > 12 || minute > 59) return null;
  const pm = m[3]!.toLowerCase() === 'pm';
  const hour = (hour12 % 12) + (pm ? 12 : 0);
  return `${pad(hour)}:${pad(minute)}`;
}

function parseLine(line: string): PlantwatchRow | string {
  const cells = line.split(',').map((cell) => cell.trim());
  if (cells.length !== 5) return `expected 5 cells, got ${cells.length}`;
  const date = parseLongDate(cells[0]!);
  if (date === null) return `date "${cells[0]!.slice(0, 30)}" is not like September-15-2025`;
  const time = parseClock12(cells[1]!);
  if (time === null) return `time "${cells[1]!.slice(0, 20)}" is not like 05:07 PM`;
  const lux = cells[2] === '' ? NaN : Number(cells[2]);
  const raw = cells[3] === '' ? NaN : Number(cells[3]);
  if (!isFinite(lux) || lux < 0) return `LUX "${cells[2]!.slice(0, 20)}" is not a number of 0 or more`;
  if (!Number.isInteger(raw) || raw < 0 || raw > 65535) return `WET_RAW_ADC "${cells[3]!.slice(0, 20)}" is not a count from 0 to 65535`;
  return { time: `${date}T${time}`, moistureRaw: raw, lux };
}

/** Parses one Lux-Moisture CSV file; `name` only labels the problems. */
export function parsePlantwatchCsv(text: string, name: string): PlantwatchFile {
  const result: PlantwatchFile = { rows: [], problems: [] };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (i === 0 && line.toUpperCase() === HEADER) continue;
    const row = parseLine(line);
    if (typeof row === 'string') result.problems.push(`${name}:${i + 1}: ${row}`);
    else result.rows.push(row);
  }
  return result;
}

/** One row every 2 minutes keeps the shipped trace near 200 KB instead of 450 KB. */
const STEP_MS = 2 * 60_000;
/** A change this large between two source minutes is a watering or the probe leaving the soil. */
const EVENT_COUNTS = 1000;

/** Returns the rows sorted by time, one per minute, and a problem for each duplicate minute. */
export function mergeRows(rows: PlantwatchRow[], problems: string[]): PlantwatchRow[] {
  const sorted = rows.slice().sort((a, b) => a.time.localeCompare(b.time));
  const merged: PlantwatchRow[] = [];
  for (const row of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.time === row.time) problems.push(`duplicate minute ${row.time}: kept the first row`);
    else merged.push(row);
  }
  return merged;
}

/** Keeps a row every STEP_MS, plus every row around a step of EVENT_COUNTS or more. */
export function thinRows(rows: PlantwatchRow[]): PlantwatchRow[] {
  const kept: PlantwatchRow[] = [];
  let lastKeptMs = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const ms = parseTraceTime(row.time)!.ms;
    const previous = rows[i - 1];
    const next = rows[i + 1];
    const event = (previous && Math.abs(row.moistureRaw - previous.moistureRaw) >= EVENT_COUNTS) ||
      (next && Math.abs(next.moistureRaw - row.moistureRaw) >= EVENT_COUNTS);
    if (event || ms - lastKeptMs >= STEP_MS) {
      kept.push(row);
      lastKeptMs = ms;
    }
  }
  return kept;
}
