import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findGaps, parseTrace, parseTraceTime } from '../../device/host/trace.js';
import { mergeRows, parseClock12, parseLongDate, parsePlantwatchCsv, thinRows } from '../../scripts/trace/plantwatch.js';

const clock = suite('PlantWatch 12-hour clock');

clock('maps AM and PM to 24 hours', () => {
  const cases: [string, string][] = [
    ['12:00 AM', '00:00'], ['12:59 AM', '00:59'], ['01:05 AM', '01:05'], ['11:59 AM', '11:59'],
    ['12:00 PM', '12:00'], ['12:30 PM', '12:30'], ['01:00 PM', '13:00'], ['05:07 PM', '17:07'], ['11:59 PM', '23:59'],
    ['5:07 pm', '17:07'],
  ];
  for (const [text, expected] of cases) assert.is(parseClock12(text), expected, text);
});

clock('rejects times off the 12-hour clock', () => {
  for (const text of ['00:10 AM', '13:00 PM', '12:60 PM', '17:07', '05:07', '05:07 XM', '']) {
    assert.is(parseClock12(text), null, text);
  }
});

clock('reads long month dates', () => {
  assert.is(parseLongDate('September-15-2025'), '2025-09-15');
  assert.is(parseLongDate('february-3-2024'), '2024-02-03');
  assert.is(parseLongDate('February-30-2025'), null);
  assert.is(parseLongDate('Sep-15-2025'), null);
});

clock('skips bad rows with their line', () => {
  const text = [
    'DATE,TIME,LUX,WET_RAW_ADC,WET_VOLTAGE_V',
    'September-15-2025,11:59 PM,0.00,15000,2.0',
    'September-15-2025,13:07 PM,4027.50,16447,2.689',
    'September-16-2025,12:01 AM,oops,16447,2.689',
    'September-16-2025,12:02 AM,1.5,,2.689',
    'September-16-2025,12:03 AM,1.5',
    'September-16-2025,12:04 PM,339.58,14070,1.755',
  ].join('\n');
  const parsed = parsePlantwatchCsv(text, 'day.csv');
  assert.equal(parsed.rows.map((r) => r.time), ['2025-09-15T23:59', '2025-09-16T12:04']);
  assert.is(parsed.problems.length, 4);
  assert.match(parsed.problems[0]!, /^day\.csv:3: time "13:07 PM"/);
  assert.match(parsed.problems[1]!, /^day\.csv:4: LUX "oops"/);
  assert.match(parsed.problems[2]!, /^day\.csv:5: WET_RAW_ADC ""/);
  assert.match(parsed.problems[3]!, /^day\.csv:6: expected 5 cells, got 3/);
});

clock('thinning keeps watering rows and gaps', () => {
  const rows = [
    { time: '2025-09-15T21:57', moistureRaw: 15000, lux: 1 },
    { time: '2025-09-15T21:58', moistureRaw: 15001, lux: 1 },
    { time: '2025-09-15T21:59', moistureRaw: 9100, lux: 1 },
    { time: '2025-09-16T06:00', moistureRaw: 11000, lux: 0 },
    { time: '2025-09-16T06:01', moistureRaw: 11001, lux: 0 },
    { time: '2025-09-16T06:02', moistureRaw: 11002, lux: 0 },
  ];
  const problems: string[] = [];
  const merged = mergeRows(rows.concat([{ time: '2025-09-16T06:00', moistureRaw: 1, lux: 0 }]), problems);
  assert.is(merged.length, 6);
  assert.match(problems[0]!, /duplicate minute 2025-09-16T06:00/);
  const kept = thinRows(merged).map((r) => r.time);
  assert.equal(kept, ['2025-09-15T21:57', '2025-09-15T21:58', '2025-09-15T21:59', '2025-09-16T06:00', '2025-09-16T06:02']);
});

clock.run();

// ---

const format = suite('POCO trace format');

format('parses rows, comments and calibration', () => {
  const trace = parseTrace('# a comment\n# calibration dry=20000 wet=9100\ntime,moisture_raw,light_raw,light\n2025-09-15T17:07,16447,4833,4027.5\n2025-09-15T17:08,,,\n');
  assert.equal(trace.calibration, { dry: 20000, wet: 9100 });
  assert.ok(trace.localTimes);
  assert.ok(trace.hasLux);
  assert.equal(trace.problems, []);
  assert.equal(trace.rows[0], { line: 4, timeMs: Date.UTC(2025, 8, 15, 17, 7), moistureRaw: 16447, lightRaw: 4833, light: 4027.5 });
  assert.equal(trace.rows[1], { line: 5, timeMs: Date.UTC(2025, 8, 15, 17, 8), moistureRaw: null, lightRaw: null, light: null });
});

format('keeps gaps between rows', () => {
  const trace = parseTrace('time,moisture_raw\n2025-09-15T21:58,15000\n2025-09-15T21:59,15001\n2025-09-16T06:00,15400\n2025-09-16T06:03,15401\n');
  assert.is(trace.rows.length, 4);
  const gaps = findGaps(trace.rows, 60_000);
  assert.is(gaps.length, 2);
  assert.is(gaps[0]!.ms, (8 * 60 + 1) * 60_000);
  assert.is(gaps[0]!.after.line, 3);
  assert.is(gaps[1]!.ms, 3 * 60_000);
});

format('reports bad rows by line', () => {
  const text = [
    'time,moisture_raw,light',
    '2025-09-15T17:07,16447,12',
    '2025-09-15 17:08,16447,12',
    '2025-09-15T17:09,-4,12',
    '2025-09-15T17:10,16447',
    '2025-02-30T17:11,16447,12',
    '2025-09-15T17:05,16447,12',
    '2025-09-15T17:12Z,16447,12',
    '2025-09-15T17:13,abc,12',
    '2025-09-15T17:14,16000,10',
  ].join('\n');
  const trace = parseTrace(text);
  assert.equal(trace.rows.map((r) => r.line), [2, 10]);
  assert.is(trace.rows[1]!.lightRaw, 12, 'lux 10 gives the BH1750 count 12');
  const lines = trace.problems.map((p) => p.split(':')[0]);
  assert.equal(lines, ['line 3', 'line 4', 'line 5', 'line 6', 'line 7', 'line 8', 'line 9']);
  assert.match(trace.problems[3]!, /time "2025-02-30T17:11" is not ISO 8601/);
  assert.match(trace.problems[4]!, /not after the previous row/);
  assert.match(trace.problems[5]!, /has an offset unlike the first row/);
});

format('rejects a trace without header', () => {
  assert.throws(() => parseTrace('# only a comment\n'), /no header line/);
  assert.throws(() => parseTrace('when,moisture\n2025-09-15T17:07,1\n'), /must name the columns time and moisture_raw/);
});

format('applies time offsets', () => {
  assert.equal(parseTraceTime('2025-09-15T17:07:30+02:00'), { ms: Date.UTC(2025, 8, 15, 15, 7, 30), zoned: true });
  assert.equal(parseTraceTime('2025-09-15T17:07-0130'), { ms: Date.UTC(2025, 8, 15, 18, 37), zoned: true });
  assert.equal(parseTraceTime('2025-09-15T17:07Z'), { ms: Date.UTC(2025, 8, 15, 17, 7), zoned: true });
  assert.is(parseTraceTime('2025-09-15T24:00'), null);
});

format.run();
