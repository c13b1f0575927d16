import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DAY_MS } from '../../domain/rollup.js';
import { DEFAULT_RAW_DAYS, dayStartOf, expiredDays } from '../../domain/retention.js';

function dayName(start: number): string {
  return new Date(start).toISOString().slice(0, 10) + '.json';
}

const JUNE_30 = Date.UTC(2026, 5, 30);

// ---

const boundary = suite('retention boundary');

boundary('keeps 90 days by default', () => {
  assert.is(DEFAULT_RAW_DAYS, 90);
  const now = JUNE_30 + 12 * 3600 * 1000;
  const result = expiredDays(['2026-03-30.json', '2026-03-31.json', '2026-04-01.json', '2026-06-30.json'], now);
  assert.equal(result.expired, ['2026-03-30.json', '2026-03-31.json']);
  assert.equal(result.retained, ['2026-04-01.json', '2026-06-30.json']);
});

boundary('expires a day at the exact millisecond', () => {
  const day = Date.UTC(2026, 3, 1);
  const expiresAt = day + 8 * DAY_MS;
  assert.equal(expiredDays([dayName(day)], expiresAt - 1, 7).expired, []);
  assert.equal(expiredDays([dayName(day)], expiresAt, 7).expired, [dayName(day)]);
});

boundary('never deletes a reading younger than the limit', () => {
  const rawDays = 3;
  const names = Array.from({ length: 12 }, (_, i) => dayName(JUNE_30 - i * DAY_MS));
  for (let now = JUNE_30 - 2 * DAY_MS; now <= JUNE_30 + 2 * DAY_MS; now += 3600 * 1000) {
    const { expired, retained } = expiredDays(names, now, rawDays);
    for (const name of expired) {
      const newest = dayStartOf(name)! + DAY_MS - 1;
      assert.ok(now - newest > rawDays * DAY_MS, name + ' expired at ' + new Date(now).toISOString());
    }
    for (const name of retained) {
      const newest = dayStartOf(name)! + DAY_MS - 1;
      assert.ok(now - newest <= rawDays * DAY_MS, name + ' retained at ' + new Date(now).toISOString());
    }
  }
});

boundary('keeps future days', () => {
  assert.equal(expiredDays(['2027-01-01.json'], JUNE_30, 1).retained, ['2027-01-01.json']);
});

boundary.run();

// ---

const names = suite('retention names');

names('accepts names with and without .json', () => {
  const result = expiredDays(['2026-01-01', '2026-01-02.json'], JUNE_30);
  assert.equal(result.expired, ['2026-01-01', '2026-01-02.json']);
});

names('leaves other names alone', () => {
  const others = ['.2026-01-01.json.tmp', '2026-02-30.json', '2026-1-01.json', 'notes.txt', '2026-01-01.json.bak', ''];
  const result = expiredDays(others, JUNE_30);
  assert.equal(result.unrecognised, others);
  assert.equal(result.expired, []);
  assert.equal(result.retained, []);
});

names('reads day starts', () => {
  assert.is(dayStartOf('2026-03-29.json'), Date.UTC(2026, 2, 29));
  assert.is(dayStartOf('2024-02-29'), Date.UTC(2024, 1, 29));
  assert.is(dayStartOf('2026-02-29'), null);
});

names('rejects invalid settings', () => {
  assert.throws(() => expiredDays([], JUNE_30, 0), /invalid raw retention of 0 days/);
  assert.throws(() => expiredDays([], JUNE_30, 1.5), /invalid raw retention of 1.5 days/);
  assert.throws(() => expiredDays([], NaN), /invalid time NaN/);
});

names.run();
