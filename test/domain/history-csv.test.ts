import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Calibration } from '../../domain/calibration.js';
import { toStored, type Reading, type StoredReading } from '../../domain/reading.js';
import {
  HISTORY_CSV_COLUMNS,
  HistoryCsvReader,
  formatHistoryCsvRow,
  historyCsvHeader,
  parseHistoryCsv,
  type HistoryCsvError,
} from '../../domain/history-csv.js';
import { parseIsoUtc } from '../../domain/history-csv-cells.js';

const RX = Date.UTC(2026, 2, 29, 1, 0, 0, 250);
const CALIBRATION: Calibration = { dry: 3280, wet: 1475 };

/** Stored readings covering every optional field, partial values, faults and awkward firmware names. */
function sampleReadings(): StoredReading[] {
  const readings: Reading[] = [
    { v: 1, seq: 1842, moisture_raw: 2710, light_raw: 1630, moisture: 31.6, light: 412.5, ts: RX / 1000 - 60, rssi: -61, battery_mv: 3950, fw: 'poco-0.1.0' },
    { v: 1, seq: 1843, moisture_raw: 1400, light_raw: null, moisture: 100, moisture_clamped: true, fw: 'poco,"beta" 2', faults: ['light_rail'] },
    { v: 1, seq: 0, moisture_raw: null, light_raw: 12, fw: '=HYPERLINK("http://x")', faults: ['moisture_nan', 'moisture_rail'] },
    { v: 1, seq: 4294967295, moisture_raw: 0, light_raw: 65535, light: 0.1, ts: 1704067200.5, fw: "'quoted" },
    { v: 1, seq: 7, moisture_raw: 2000, light_raw: 900, rssi: 0, battery_mv: 0, fw: '-1' },
    { v: 1, seq: 8, moisture_raw: 2001, light_raw: 901, fw: '@poco\tfw' },
  ];
  return readings.map((r, i) => toStored(r, RX + i * 61_000));
}

function calibrationOf(index: number): Calibration | null {
  return index % 2 === 0 ? CALIBRATION : null;
}

function exportCsv(readings: StoredReading[]): string {
  return historyCsvHeader() + readings.map((r, i) => formatHistoryCsvRow(r, calibrationOf(i))).join('');
}

/** Returns the cells of one valid row, as a map to edit before joining. */
function validRow(): Record<string, string> {
  return { at: '2026-03-29T01:00:00.000Z', seq: '5', moisture_raw: '2710', light_raw: '1630', moisture: '31.6', moisture_clamped: '', light: '412.5', rssi: '-61', battery_mv: '3950', fw: 'poco-0.1.0', clock: 'hub', dry: '3280', wet: '1475', ts: '', rx: '', faults: '' };
}

function csvWith(...rows: Record<string, string>[]): string {
  return historyCsvHeader() + rows.map((row) => HISTORY_CSV_COLUMNS.map((c) => row[c]).join(',') + '\r\n').join('');
}

function onlyError(text: string, validRows = 0): HistoryCsvError {
  const { rows, errors } = parseHistoryCsv(text);
  assert.is(rows.length, validRows, 'rows accepted');
  assert.is(errors.length, 1, JSON.stringify(errors));
  return errors[0]!;
}

// ---

const exporting = suite('history csv export');

exporting('writes the documented header', () => {
  assert.is(historyCsvHeader(), 'at,seq,moisture_raw,light_raw,moisture,moisture_clamped,light,rssi,battery_mv,fw,clock,dry,wet,ts,rx,faults\r\n');
});

exporting('formats a full row', () => {
  const [reading] = sampleReadings();
  const line = formatHistoryCsvRow(reading!, CALIBRATION);
  assert.is(line, '2026-03-29T00:59:00.250Z,1842,2710,1630,31.6,,412.5,-61,3950,poco-0.1.0,device,3280,1475,1774745940.25,2026-03-29T01:00:00.250Z,\r\n');
});

exporting('quotes commas and quotes in fw', () => {
  const line = formatHistoryCsvRow(sampleReadings()[1]!, null);
  assert.ok(line.includes(',"poco,""beta"" 2",'), line);
});

exporting('guards cells that start a formula', () => {
  const readings = sampleReadings();
  assert.ok(formatHistoryCsvRow(readings[2]!, null).includes(`,"'=HYPERLINK(""http://x"")",`));
  assert.ok(formatHistoryCsvRow(readings[4]!, null).includes(",'-1,"));
  assert.ok(formatHistoryCsvRow(readings[5]!, null).includes(",'@poco\tfw,"));
  assert.ok(formatHistoryCsvRow(readings[3]!, null).includes(",''quoted,"));
});

exporting('leaves negative numbers unguarded', () => {
  const line = formatHistoryCsvRow(sampleReadings()[0]!, null);
  assert.ok(line.includes(',-61,'), line);
});

exporting.run();

// ---

const importing = suite('history csv import');

importing('round trip keeps every reading', () => {
  const readings = sampleReadings();
  const { rows, errors } = parseHistoryCsv(exportCsv(readings));
  assert.equal(errors, []);
  assert.equal(rows.map((row) => row.reading), readings);
  assert.equal(rows.map((row) => row.calibration), readings.map((_, i) => calibrationOf(i)));
  assert.equal(rows.map((row) => row.line), [2, 3, 4, 5, 6, 7]);
});

importing('reads a stream in small chunks', () => {
  const text = exportCsv(sampleReadings());
  const reader = new HistoryCsvReader();
  const items = [];
  for (let i = 0; i < text.length; i += 5) items.push(...reader.push(text.slice(i, i + 5)));
  items.push(...reader.end());
  assert.equal(items.map((item) => (item.ok ? item.row.reading : null)), sampleReadings());
});

importing('accepts BOM, any order and no optional columns', () => {
  const columns = ['seq', 'at', 'fw', 'clock', 'moisture_raw', 'light_raw', 'moisture', 'moisture_clamped', 'light', 'rssi', 'battery_mv', 'wet', 'dry'];
  const row = validRow();
  const text = '\uFEFF' + columns.join(',') + '\n' + columns.map((c) => row[c]).join(',') + '\n';
  const { rows, errors } = parseHistoryCsv(text);
  assert.equal(errors, []);
  assert.is(rows.length, 1);
  const { reading, calibration } = rows[0]!;
  assert.is(reading.at, Date.UTC(2026, 2, 29, 1));
  assert.is(reading.rx, reading.at, 'rx defaults to at');
  assert.is(reading.ts, undefined);
  assert.equal(calibration, CALIBRATION);
});

importing('takes a formula from a hand-written file as text', () => {
  const { rows } = parseHistoryCsv(csvWith({ ...validRow(), fw: '=1+1' }));
  assert.is(rows[0]!.reading.fw, '=1+1');
});

importing('reports the line and column of a bad cell', () => {
  const cases: [Record<string, string>, string, HistoryCsvError['code'], RegExp][] = [
    [{ seq: 'abc' }, 'seq', 'invalid_number', /invalid number "abc" in column "seq"/],
    [{ seq: '1.5' }, 'seq', 'invalid_number', /must be a whole number/],
    [{ seq: '' }, 'seq', 'missing_value', /missing value in column "seq"/],
    [{ moisture: '"31,6"' }, 'moisture', 'invalid_number', /use a dot, not a comma/],
    [{ light_raw: '70000' }, 'light_raw', 'out_of_range', /expected 0 to 65535/],
    [{ rssi: '5' }, 'rssi', 'out_of_range', /expected -127 to 0/],
    [{ light: 'NaN' }, 'light', 'invalid_number', /invalid number "NaN"/],
    [{ at: '2026-02-30T00:00:00Z' }, 'at', 'invalid_time', /expected ISO 8601 UTC/],
    [{ at: '2026-03-29 01:00' }, 'at', 'invalid_time', /invalid time "2026-03-29 01:00"/],
    [{ rx: '2026-03-29T01:00:00+02:00' }, 'rx', 'invalid_time', /invalid time/],
    [{ clock: 'server' }, 'clock', 'invalid_value', /expected device or hub/],
    [{ moisture_clamped: 'yes' }, 'moisture_clamped', 'invalid_value', /expected true or false/],
    [{ fw: 'x'.repeat(33) }, 'fw', 'invalid_value', /expected 1 to 32 characters/],
    [{ fw: '' }, 'fw', 'missing_value', /invalid firmware version ""/],
    [{ faults: 'light_dark' }, 'faults', 'invalid_value', /unknown fault "light_dark"/],
    [{ faults: 'light_nan light_nan' }, 'faults', 'invalid_value', /listed twice/],
    [{ wet: '' }, 'wet', 'invalid_calibration', /fill both "dry" and "wet"/],
    [{ wet: '3280' }, 'wet', 'invalid_calibration', /dry and wet are equal/],
    [{ moisture_raw: '', light_raw: '' }, 'moisture_raw', 'no_measurement', /neither "moisture_raw" nor "light_raw"/],
  ];
  for (const [change, name, code, message] of cases) {
    const error = onlyError(csvWith(validRow(), { ...validRow(), ...change }), 1);
    const label = JSON.stringify(change);
    assert.is(error.line, 3, label);
    assert.is(error.column, HISTORY_CSV_COLUMNS.indexOf(name as never) + 1, label);
    assert.is(error.name, name, label);
    assert.is(error.code, code, label);
    assert.match(error.message, message, label);
  }
});

importing('reports every problem of a row', () => {
  const { rows, errors } = parseHistoryCsv(csvWith({ ...validRow(), seq: '-1', clock: 'x', battery_mv: '3.3' }, validRow()));
  assert.is(rows.length, 1, 'the valid row is kept');
  assert.equal(errors.map((e) => [e.line, e.name, e.code]), [[2, 'clock', 'invalid_value'], [2, 'seq', 'out_of_range'], [2, 'battery_mv', 'invalid_number']]);
});

importing('rejects a row with a wrong cell count', () => {
  const error = onlyError(historyCsvHeader() + 'a,b,c\r\n');
  assert.equal([error.line, error.column, error.code], [2, 0, 'cell_count']);
  assert.match(error.message, /row has 3 cells but the header has 16/);
});

importing('reports CSV syntax errors', () => {
  const error = onlyError(historyCsvHeader() + '2026-03-29T01:00:00.000Z,5,2"7\r\n');
  assert.equal([error.line, error.column, error.code], [2, 3, 'syntax']);
});

importing.run();

// ---

const header = suite('history csv header');

header('rejects unknown, duplicate and missing columns', () => {
  const text = 'at,seq,seq,humidity\r\n' + '2026-03-29T01:00:00.000Z,1,1,50\r\n';
  const { rows, errors } = parseHistoryCsv(text);
  assert.is(rows.length, 0);
  const byCode = (code: string) => errors.filter((e) => e.code === code);
  assert.equal(byCode('duplicate_column').map((e) => [e.line, e.column, e.name]), [[1, 3, 'seq']]);
  assert.equal(byCode('unknown_column').map((e) => [e.line, e.column, e.name]), [[1, 4, 'humidity']]);
  assert.equal(byCode('missing_column').map((e) => e.name), ['moisture_raw', 'light_raw', 'moisture', 'moisture_clamped', 'light', 'rssi', 'battery_mv', 'fw', 'clock', 'dry', 'wet']);
  assert.ok(errors.every((e) => e.line === 1), 'rows after a bad header are not read');
});

header('reports an empty file', () => {
  const error = onlyError('');
  assert.equal([error.line, error.code], [1, 'empty']);
});

header.run();

// ---

const times = suite('history csv times');

times('parses ISO 8601 UTC', () => {
  assert.is(parseIsoUtc('2026-03-29T01:00:00Z'), Date.UTC(2026, 2, 29, 1));
  assert.is(parseIsoUtc('2026-03-29T01:00:00.5Z'), Date.UTC(2026, 2, 29, 1, 0, 0, 500));
  assert.is(parseIsoUtc('2024-02-29T23:59:59.999Z'), Date.UTC(2024, 1, 29, 23, 59, 59, 999));
});

times('rejects impossible or local times', () => {
  for (const text of ['2026-02-29T00:00:00Z', '2026-03-29T24:00:00Z', '2026-03-29T01:60:00Z', '2026-03-29T01:00:00', '2026-03-29T01:00:00.1234Z', '29/03/2026 01:00']) {
    assert.is(parseIsoUtc(text), null, text);
  }
});

times.run();
