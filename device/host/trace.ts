// POCO's trace CSV, the input of a virtual pot's replay (format in docs/virtual-pots.md):
// a header with `time` and `moisture_raw`, optional `light_raw` and `light` (lux), `#` comments,
// one of which may carry a calibration. Parsing is pure; bad rows are reported and skipped.
import { checkCalibration, type Calibration } from '../../domain/calibration.js';
import { bh1750Count } from './sensors.js';

export interface TraceRow {
  /** Line number in the file, from 1. */
  line: number;
  /** Milliseconds: a real instant when the trace has offsets, else the local wall time read as UTC. */
  timeMs: number;
  moistureRaw: number | null;
  lightRaw: number | null;
  /** Lux, or null when the trace has no `light` column or the cell is empty. */
  light: number | null;
}

export interface Trace {
  rows: TraceRow[];
  calibration: Calibration | null;
  /** True when times carry no offset: they are local wall times of the place the trace was logged. */
  localTimes: boolean;
  hasLux: boolean;
  /** One message per skipped row or ignored comment, with its line number. */
  problems: string[];
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const CALIBRATION = /^#\s*calibration\s+dry\s*=\s*(\S+)\s+wet\s*=\s*(\S+)\s*$/i;

/** Parses an ISO 8601 time to milliseconds, with `zoned` telling whether it had Z or an offset. */
export function parseTraceTime(text: string): { ms: number; zoned: boolean } | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(local);
  // Date.UTC rolls 2025-02-30 over to March: reject dates that do not exist.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;

  const zone = m[8];
  if (zone === undefined) return { ms: local, zoned: false };
  if (zone === 'Z') return { ms: local, zoned: true };
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return { ms: local - sign * offsetMin * 60_000, zoned: true };
}

function parseCount(text: string, column: string): number | null | string {
  if (text === '') return null;
  const value = Number(text);
  if (!isFinite(value) || value < 0) return `${column} "${text.slice(0, 20)}" is not a number of 0 or more`;
  return value;
}

interface Header {
  time: number;
  moisture: number;
  lightRaw: number;
  light: number;
  width: number;
}

function parseHeader(line: string, lineNo: number): Header {
  const names = line.split(',').map((name) => name.trim().toLowerCase());
  const header = { time: names.indexOf('time'), moisture: names.indexOf('moisture_raw'), lightRaw: names.indexOf('light_raw'), light: names.indexOf('light'), width: names.length };
  if (header.time < 0 || header.moisture < 0) {
    throw new Error(`invalid trace header on line ${lineNo} ("${line.slice(0, 80)}"): it must name the columns time and moisture_raw`);
  }
  return header;
}

function parseRow(cells: string[], header: Header, lineNo: number): TraceRow | string {
  if (cells.length !== header.width) return `line ${lineNo}: expected ${header.width} cells, got ${cells.length}`;
  const time = parseTraceTime(cells[header.time]!);
  if (time === null) return `line ${lineNo}: time "${cells[header.time]!.slice(0, 40)}" is not ISO 8601 such as 2025-09-15T17:07`;

  const moisture = parseCount(cells[header.moisture]!, 'moisture_raw');
  const lightRaw = header.lightRaw < 0 ? null : parseCount(cells[header.lightRaw]!, 'light_raw');
  const light = header.light < 0 ? null : parseCount(cells[header.light]!, 'light');
  for (const value of [moisture, lightRaw, light]) {
    if (typeof value === 'string') return `line ${lineNo}: ${value}`;
  }
  const lux = light as number | null;
  // A trace with lux only gets BH1750 counts, the sensor the light column is assumed to come from.
  const raw = lightRaw === null && lux !== null ? bh1750Count(lux) : (lightRaw as number | null);
  return { line: lineNo, timeMs: time.ms, moistureRaw: moisture as number | null, lightRaw: raw, light: lux };
}

function readCalibration(line: string, lineNo: number, problems: string[]): Calibration | null {
  const m = CALIBRATION.exec(line.trim());
  if (!m) return null;
  const cal = { dry: Number(m[1]), wet: Number(m[2]) };
  const problem = checkCalibration(cal);
  if (problem === null) return cal;
  problems.push(`line ${lineNo}: calibration ignored: ${problem}`);
  return null;
}

/** Parses a trace; throws only when the header is missing or invalid. */
export function parseTrace(text: string): Trace {
  const lines = text.split(/\r?\n/);
  const trace: Trace = { rows: [], calibration: null, localTimes: true, hasLux: false, problems: [] };
  let header: Header | null = null;
  let zoned: boolean | null = null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const lineNo = i + 1;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const cal = readCalibration(line, lineNo, trace.problems);
      if (cal !== null) trace.calibration = cal;
      continue;
    }
    if (header === null) {
      header = parseHeader(line, lineNo);
      trace.hasLux = header.light >= 0;
      continue;
    }
    const row = parseRow(line.split(',').map((cell) => cell.trim()), header, lineNo);
    if (typeof row === 'string') {
      trace.problems.push(row);
      continue;
    }
    const rowZoned = TIME.exec(line.split(',')[header.time]!.trim())![8] !== undefined;
    if (zoned === null) zoned = rowZoned;
    const previous = trace.rows[trace.rows.length - 1];
    if (rowZoned !== zoned) {
      trace.problems.push(`line ${lineNo}: time ${rowZoned ? 'has' : 'lacks'} an offset unlike the first row: use one form in a trace`);
    } else if (previous && row.timeMs <= previous.timeMs) {
      trace.problems.push(`line ${lineNo}: time is not after the previous row (line ${previous.line}): rows must be in time order`);
    } else {
      trace.rows.push(row);
    }
  }

  if (header === null) throw new Error('invalid trace: no header line; the first line that is not a # comment must name the columns, such as time,moisture_raw,light_raw,light');
  trace.localTimes = zoned !== true;
  return trace;
}

/** Returns the pauses between consecutive rows longer than `minMs`, longest first. */
export function findGaps(rows: TraceRow[], minMs: number): { after: TraceRow; ms: number }[] {
  const gaps: { after: TraceRow; ms: number }[] = [];
  for (let i = 1; i < rows.length; i++) {
    const ms = rows[i]!.timeMs - rows[i - 1]!.timeMs;
    if (ms > minMs) gaps.push({ after: rows[i - 1]!, ms });
  }
  return gaps.sort((a, b) => b.ms - a.ms);
}

/** Formats a trace time for people: `2025-09-15 17:07`, with ` UTC` when the trace had offsets. */
export function formatTraceTime(ms: number, localTimes: boolean): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, 10) + ' ' + iso.slice(11, 16) + (localTimes ? '' : ' UTC');
}
