// Pure rules of the pot page periods (web/src/periods.ts), in the Europe/Paris time zone so the
// daylight-saving days are tested whatever the machine's zone.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { exportUrl, localDayStart, localDayText, parseCustomRange, presetRange, DAY_MS } from '../../web/src/periods.js';

const HOUR_MS = 3600 * 1000;
/** 2026-06-15 12:00 in Paris (UTC+2). */
const NOW = Date.UTC(2026, 5, 15, 10);

const periods = suite<{ zone?: string }>('pot page periods');

periods.before((context) => {
  context.zone = process.env['TZ'];
  process.env['TZ'] = 'Europe/Paris';
});

periods.after((context) => {
  if (context.zone === undefined) delete process.env['TZ'];
  else process.env['TZ'] = context.zone;
});

periods('preset ends now', () => {
  assert.equal(presetRange(7 * DAY_MS, NOW), { from: NOW - 7 * DAY_MS, to: NOW });
});

periods('custom range spans local days', () => {
  const result = parseCustomRange('2026-06-01', '2026-06-03', NOW);
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.is(result.range.from, Date.UTC(2026, 4, 31, 22));
  assert.is(result.range.to, Date.UTC(2026, 5, 3, 22));
});

periods('one day is a whole day', () => {
  const result = parseCustomRange('2026-06-15', '2026-06-15', NOW);
  assert.ok(result.ok);
  if (result.ok) assert.is(result.range.to - result.range.from, DAY_MS);
});

periods('spring change day has 23 hours', () => {
  const result = parseCustomRange('2026-03-29', '2026-03-29', NOW);
  assert.ok(result.ok);
  if (result.ok) assert.is(result.range.to - result.range.from, 23 * HOUR_MS);
});

periods('autumn change day has 25 hours', () => {
  const result = parseCustomRange('2026-10-25', '2026-10-25', Date.UTC(2026, 10, 1));
  assert.ok(result.ok);
  if (result.ok) assert.is(result.range.to - result.range.from, 25 * HOUR_MS);
});

periods('rejects bad custom ranges', () => {
  const cases: Array<[string, string, string]> = [
    ['', '2026-06-03', 'missing'],
    ['2026-06-01', '', 'missing'],
    ['2026-02-30', '2026-06-03', 'invalid'],
    ['01/06/2026', '2026-06-03', 'invalid'],
    ['2026-06-04', '2026-06-03', 'order'],
    ['2026-06-01', '2026-06-16', 'future'],
    ['2016-01-01', '2026-06-03', 'too_long'],
  ];
  for (const [from, to, error] of cases) {
    const result = parseCustomRange(from, to, NOW);
    assert.is(result.ok ? 'ok' : result.error, error, `${from} to ${to}`);
  }
});

periods('accepts today as the end', () => {
  assert.ok(parseCustomRange('2026-06-01', '2026-06-15', NOW).ok);
});

periods('formats local days', () => {
  assert.is(localDayText(Date.UTC(2026, 5, 14, 22, 30)), '2026-06-15');
  assert.is(localDayStart('2026-06-15'), Date.UTC(2026, 5, 14, 22));
  assert.is(localDayStart('2026-13-01'), null);
});

periods('builds export links', () => {
  const url = exportUrl('a0b1c2d3e4f5', 'csv', { from: 1000.4, to: 2000.2 });
  assert.is(url, 'api/pots/a0b1c2d3e4f5/export.csv?from=1000&to=2001');
});

periods.run();
