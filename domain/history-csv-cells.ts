// Cell parsing for history CSV imports. Ranges, lengths and fault names come from the reading
// schema, so imported values pass the same checks as values a pot sends.
import { checkCalibration } from './calibration.js';
import { unguardFormula } from './csv.js';
import type { ClockSource } from './reading.js';
import schema from './schemas/reading.schema.json' with { type: 'json' };

export type HistoryCsvErrorCode =
  | 'syntax' | 'empty' | 'unknown_column' | 'duplicate_column' | 'missing_column' | 'cell_count'
  | 'missing_value' | 'invalid_number' | 'out_of_range' | 'invalid_time' | 'invalid_value'
  | 'invalid_calibration' | 'no_measurement';

export interface HistoryCsvError {
  /** Line in the file, from 1. */
  line: number;
  /** Cell position, from 1, or 0 when the problem concerns the whole row or header. */
  column: number;
  /** Column name, or '' when the problem concerns no single column. */
  name: string;
  /** Stable code, for translated messages. */
  code: HistoryCsvErrorCode;
  /** English description naming the value and the fix, for logs and developers. */
  message: string;
}

/** Values of one row after parsing, null where a cell was empty. */
export interface CellValues {
  at: number;
  rx: number | null;
  clock: ClockSource;
  seq: number;
  moisture_raw: number | null;
  light_raw: number | null;
  moisture: number | null;
  moisture_clamped: boolean;
  light: number | null;
  rssi: number | null;
  battery_mv: number | null;
  fw: string;
  dry: number | null;
  wet: number | null;
  ts: number | null;
  faults: string[];
}

export type Cells = ReadonlyMap<string, { text: string; column: number }>;

interface NumberRule {
  minimum: number;
  maximum: number;
  integer: boolean;
}

function ruleOf(property: { type: string | string[]; minimum: number; maximum: number }): NumberRule {
  const types = Array.isArray(property.type) ? property.type : [property.type];
  return { minimum: property.minimum, maximum: property.maximum, integer: types.includes('integer') };
}

const RULES: Record<string, NumberRule> = {
  seq: ruleOf(schema.properties.seq),
  moisture_raw: ruleOf(schema.properties.moisture_raw),
  light_raw: ruleOf(schema.properties.light_raw),
  moisture: ruleOf(schema.properties.moisture),
  light: ruleOf(schema.properties.light),
  rssi: ruleOf(schema.properties.rssi),
  battery_mv: ruleOf(schema.properties.battery_mv),
  ts: ruleOf(schema.properties.ts),
  // Calibration points are raw soil-probe counts.
  dry: ruleOf(schema.properties.moisture_raw),
  wet: ruleOf(schema.properties.moisture_raw),
};

const FAULTS: readonly string[] = schema.properties.faults.items.enum;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const DECIMAL_COMMA = /^[-+]?\d*,\d+$/;
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

/** Parses `2026-03-29T01:00:00.000Z` (milliseconds optional) into Unix milliseconds, or null when invalid. */
export function parseIsoUtc(text: string): number | null {
  const match = ISO_UTC.exec(text);
  if (!match) return null;

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millisecond = Number((match[7] ?? '').padEnd(3, '0'));
  const time = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Date.UTC rolls 2026-02-30 over into March, so an impossible date no longer matches its text.
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hour) return null;
  if (check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second) return null;
  return time;
}

/** Parser of one row's cells that records every problem instead of stopping at the first. */
class RowParser {
  readonly errors: HistoryCsvError[] = [];

  constructor(readonly cells: Cells, readonly line: number) {}

  fail(name: string, code: HistoryCsvErrorCode, message: string): void {
    this.errors.push({ line: this.line, column: this.cells.get(name)?.column ?? 0, name, code, message });
  }

  /** Returns the trimmed cell, or null when it is empty or its column is absent. */
  text(name: string, required: boolean): string | null {
    const text = (this.cells.get(name)?.text ?? '').trim();
    if (text !== '') return text;
    if (required) this.fail(name, 'missing_value', 'missing value in column "' + name + '": every row needs one');
    return null;
  }

  number(name: string, required = false): number | null {
    const text = this.text(name, required);
    if (text === null) return null;

    const rule = RULES[name]!;
    if (!NUMBER.test(text)) {
      const hint = DECIMAL_COMMA.test(text) ? 'use a dot, not a comma, as decimal separator' : 'write a number, or leave the cell empty for no value';
      this.fail(name, 'invalid_number', 'invalid number ' + JSON.stringify(text) + ' in column "' + name + '": ' + hint);
      return null;
    }
    const value = Number(text);
    if (rule.integer && !Number.isInteger(value)) {
      this.fail(name, 'invalid_number', 'value ' + text + ' in column "' + name + '" must be a whole number');
      return null;
    }
    if (!(value >= rule.minimum && value <= rule.maximum)) {
      this.fail(name, 'out_of_range', 'value ' + text + ' in column "' + name + '" is out of range: expected ' + rule.minimum + ' to ' + rule.maximum);
      return null;
    }
    return value;
  }

  time(name: string, required: boolean): number | null {
    const text = this.text(name, required);
    if (text === null) return null;
    const time = parseIsoUtc(text);
    if (time === null) {
      this.fail(name, 'invalid_time', 'invalid time ' + JSON.stringify(text) + ' in column "' + name + '": expected ISO 8601 UTC such as 2026-03-29T01:00:00.000Z');
    }
    return time;
  }

  /** Returns one of `allowed`, after removing an export's formula guard, or null. */
  choice(name: string, allowed: readonly string[], required: boolean): string | null {
    const text = this.text(name, required);
    if (text === null) return null;
    const value = unguardFormula(text);
    if (allowed.includes(value)) return value;
    this.fail(name, 'invalid_value', 'invalid value ' + JSON.stringify(text) + ' in column "' + name + '": expected ' + allowed.join(' or '));
    return null;
  }

  /** Returns the firmware version as written, since spaces may be part of it. */
  firmware(): string | null {
    const raw = this.cells.get('fw')?.text ?? '';
    const fw = unguardFormula(raw);
    const { minLength, maxLength } = schema.properties.fw;
    if (fw.length >= minLength && fw.length <= maxLength) return fw;
    this.fail('fw', fw === '' ? 'missing_value' : 'invalid_value', 'invalid firmware version ' + JSON.stringify(raw) + ' in column "fw": expected ' + minLength + ' to ' + maxLength + ' characters');
    return null;
  }

  faults(): string[] {
    const text = unguardFormula(this.text('faults', false) ?? '');
    const faults = text === '' ? [] : text.split(/\s+/);
    const unknown = faults.filter((fault) => !FAULTS.includes(fault));
    if (unknown.length > 0) {
      this.fail('faults', 'invalid_value', 'unknown fault ' + JSON.stringify(unknown[0]) + ' in column "faults": expected names among ' + FAULTS.join(', ') + ', separated by spaces');
    } else if (new Set(faults).size !== faults.length) {
      this.fail('faults', 'invalid_value', 'fault listed twice in column "faults": list each fault once');
    }
    return faults;
  }
}

function checkRow(parser: RowParser, values: CellValues): void {
  if (values.moisture_raw === null && values.light_raw === null && !parser.errors.some((e) => e.name === 'moisture_raw' || e.name === 'light_raw')) {
    parser.fail('moisture_raw', 'no_measurement', 'row has neither "moisture_raw" nor "light_raw": a reading needs at least one raw value');
  }
  if ((values.dry === null) !== (values.wet === null)) {
    const empty = values.dry === null ? 'dry' : 'wet';
    parser.fail(empty, 'invalid_calibration', 'column "' + empty + '" is empty but the other calibration point is set: fill both "dry" and "wet", or neither');
  } else if (values.dry !== null && values.wet !== null) {
    const problem = checkCalibration({ dry: values.dry, wet: values.wet });
    if (problem !== null) parser.fail('wet', 'invalid_calibration', 'invalid calibration in columns "dry" and "wet": ' + problem);
  }
}

/** Parses and checks every cell of one row, returning the values or all the problems found. */
export function parseCells(cells: Cells, line: number): { ok: true; values: CellValues } | { ok: false; errors: HistoryCsvError[] } {
  const parser = new RowParser(cells, line);
  const values = {
    at: parser.time('at', true),
    rx: parser.time('rx', false),
    clock: parser.choice('clock', ['device', 'hub'], true) as ClockSource | null,
    seq: parser.number('seq', true),
    moisture_raw: parser.number('moisture_raw'),
    light_raw: parser.number('light_raw'),
    moisture: parser.number('moisture'),
    moisture_clamped: parser.choice('moisture_clamped', ['true', 'false'], false) === 'true',
    light: parser.number('light'),
    rssi: parser.number('rssi'),
    battery_mv: parser.number('battery_mv'),
    fw: parser.firmware(),
    dry: parser.number('dry'),
    wet: parser.number('wet'),
    ts: parser.number('ts'),
    faults: parser.faults(),
  };
  checkRow(parser, values as CellValues);

  if (parser.errors.length > 0 || values.at === null || values.clock === null || values.seq === null || values.fw === null) {
    return { ok: false, errors: parser.errors };
  }
  return { ok: true, values: { ...values, at: values.at, clock: values.clock, seq: values.seq, fw: values.fw } };
}
