// Export and import of a pot's history as CSV, one stored reading per row with the calibration in
// force. Column meanings are in docs/history.md. Imported values get the range checks of the
// reading schema, like readings received over MQTT.
import type { Calibration } from './calibration.js';
import { CsvReader, formatCsvLine, guardFormula, type CsvRecord } from './csv.js';
import type { SensorFault, StoredReading } from './reading.js';
import { parseCells, type CellValues, type HistoryCsvError } from './history-csv-cells.js';

export type { HistoryCsvError, HistoryCsvErrorCode } from './history-csv-cells.js';

/** Column order of an export. Imports accept the columns in any order. */
export const HISTORY_CSV_COLUMNS = [
  'at', 'seq', 'moisture_raw', 'light_raw', 'moisture', 'moisture_clamped', 'light',
  'rssi', 'battery_mv', 'fw', 'clock', 'dry', 'wet', 'ts', 'rx', 'faults',
] as const;
export type HistoryCsvColumn = (typeof HISTORY_CSV_COLUMNS)[number];

/** Columns an import may leave out: `rx` then defaults to `at`, and `ts` and `faults` to absent. */
const OPTIONAL_COLUMNS: readonly HistoryCsvColumn[] = ['ts', 'rx', 'faults'];

/** Returns the header line, ending in CRLF. */
export function historyCsvHeader(): string {
  return formatCsvLine(HISTORY_CSV_COLUMNS);
}

function numberCell(value: number | null | undefined): string {
  return typeof value === 'number' ? String(value) : '';
}

/**
 * Formats one reading as a CSV line ending in CRLF. Text cells go through `guardFormula` so a
 * spreadsheet shows them as text. Number cells are written from finite numbers, so they cannot
 * be formulas, and a negative `rssi` stays a number.
 */
export function formatHistoryCsvRow(reading: StoredReading, calibration: Calibration | null): string {
  const cells: Record<HistoryCsvColumn, string> = {
    at: new Date(reading.at).toISOString(),
    seq: String(reading.seq),
    moisture_raw: numberCell(reading.moisture_raw),
    light_raw: numberCell(reading.light_raw),
    moisture: numberCell(reading.moisture),
    moisture_clamped: reading.moisture_clamped ? 'true' : '',
    light: numberCell(reading.light),
    rssi: numberCell(reading.rssi),
    battery_mv: numberCell(reading.battery_mv),
    fw: guardFormula(reading.fw),
    clock: guardFormula(reading.clock),
    dry: numberCell(calibration?.dry),
    wet: numberCell(calibration?.wet),
    ts: numberCell(reading.ts),
    rx: new Date(reading.rx).toISOString(),
    faults: guardFormula((reading.faults ?? []).join(' ')),
  };
  return formatCsvLine(HISTORY_CSV_COLUMNS.map((column) => cells[column]));
}

export interface HistoryCsvRow {
  /** Line of the row in the file, from 1 (the header is line 1). */
  line: number;
  reading: StoredReading;
  calibration: Calibration | null;
}

export type HistoryCsvItem = { ok: true; row: HistoryCsvRow } | { ok: false; errors: HistoryCsvError[] };

/** Builds the stored form, leaving out absent optional fields as `toStored` does. */
function toReading(values: CellValues): StoredReading {
  const reading: StoredReading = {
    at: values.at,
    rx: values.rx ?? values.at,
    clock: values.clock,
    seq: values.seq,
    moisture_raw: values.moisture_raw,
    light_raw: values.light_raw,
    moisture: values.moisture,
    light: values.light,
    fw: values.fw,
  };
  if (values.moisture_clamped) reading.moisture_clamped = true;
  if (reading.moisture_raw === null || reading.light_raw === null) reading.partial = true;
  if (values.ts !== null) reading.ts = values.ts;
  if (values.rssi !== null) reading.rssi = values.rssi;
  if (values.battery_mv !== null) reading.battery_mv = values.battery_mv;
  if (values.faults.length > 0) reading.faults = values.faults as SensorFault[];
  return reading;
}

/** Checks the header and returns the column of each cell position, or the problems found. */
function readHeader(record: CsvRecord): { columns: HistoryCsvColumn[] } | { errors: HistoryCsvError[] } {
  const errors: HistoryCsvError[] = [];
  const columns: HistoryCsvColumn[] = [];
  const known = new Set<string>(HISTORY_CSV_COLUMNS);

  record.cells.forEach((cell, index) => {
    // Spreadsheets often save UTF-8 with a byte order mark before the first cell.
    const name = (index === 0 ? cell.replace(/^\uFEFF/, '') : cell).trim().toLowerCase();
    const error = (code: HistoryCsvError['code'], message: string) => errors.push({ line: record.line, column: index + 1, name, code, message });
    if (!known.has(name)) error('unknown_column', 'unknown column ' + JSON.stringify(name) + ': expected one of ' + HISTORY_CSV_COLUMNS.join(', '));
    else if (columns.includes(name as HistoryCsvColumn)) error('duplicate_column', 'column ' + JSON.stringify(name) + ' appears twice: keep one');
    columns.push(name as HistoryCsvColumn);
  });

  for (const column of HISTORY_CSV_COLUMNS) {
    if (!columns.includes(column) && !OPTIONAL_COLUMNS.includes(column)) {
      errors.push({ line: record.line, column: 0, name: column, code: 'missing_column', message: 'missing column ' + JSON.stringify(column) + ': export again or add it to the header' });
    }
  }
  return errors.length > 0 ? { errors } : { columns };
}

/** Parses one data record against the header's columns. */
function readRow(record: CsvRecord, columns: readonly HistoryCsvColumn[]): HistoryCsvItem {
  if (record.cells.length !== columns.length) {
    return {
      ok: false,
      errors: [{
        line: record.line, column: 0, name: '', code: 'cell_count',
        message: 'row has ' + record.cells.length + ' cells but the header has ' + columns.length + ': check for a missing or extra comma',
      }],
    };
  }

  const cells = new Map<HistoryCsvColumn, { text: string; column: number }>();
  columns.forEach((name, index) => cells.set(name, { text: record.cells[index]!, column: index + 1 }));
  const parsed = parseCells(cells, record.line);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };

  const { values } = parsed;
  const calibration = values.dry === null || values.wet === null ? null : { dry: values.dry, wet: values.wet };
  return { ok: true, row: { line: record.line, reading: toReading(values), calibration } };
}

/**
 * Reads a history CSV in chunks. The first record is the header. When the header is invalid its
 * errors are returned once and the rest of the input is ignored, because no row can be read
 * without it. Each later row gives either a reading or every problem found in it.
 */
export class HistoryCsvReader {
  readonly #csv = new CsvReader();
  #columns: HistoryCsvColumn[] | null = null;
  #headerFailed = false;

  push(chunk: string): HistoryCsvItem[] {
    return this.#convert(this.#csv.push(chunk));
  }

  end(): HistoryCsvItem[] {
    const result = this.#convert(this.#csv.end());
    if (this.#columns === null && !this.#headerFailed) {
      result.push({ ok: false, errors: [{ line: 1, column: 0, name: '', code: 'empty', message: 'no header line: the file is empty, export the history again' }] });
    }
    return result;
  }

  #convert(items: ReturnType<CsvReader['push']>): HistoryCsvItem[] {
    const result: HistoryCsvItem[] = [];
    for (const item of items) {
      if (this.#headerFailed) break;
      if (!item.ok) {
        // Without a readable header no row can be read.
        if (this.#columns === null) this.#headerFailed = true;
        result.push({ ok: false, errors: [{ ...item.error, name: '', code: 'syntax' }] });
        continue;
      }
      if (this.#columns === null) {
        const header = readHeader(item.record);
        if ('errors' in header) {
          this.#headerFailed = true;
          result.push({ ok: false, errors: header.errors });
        } else {
          this.#columns = header.columns;
        }
        continue;
      }
      result.push(readRow(item.record, this.#columns));
    }
    return result;
  }
}

/** Parses a whole history CSV held in memory. */
export function parseHistoryCsv(text: string): { rows: HistoryCsvRow[]; errors: HistoryCsvError[] } {
  const reader = new HistoryCsvReader();
  const rows: HistoryCsvRow[] = [];
  const errors: HistoryCsvError[] = [];
  for (const item of [...reader.push(text), ...reader.end()]) {
    if (item.ok) rows.push(item.row);
    else errors.push(...item.errors);
  }
  return { rows, errors };
}
