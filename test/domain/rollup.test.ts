import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoredReading } from '../../domain/reading.js';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  RESOLUTIONS,
  RESOLUTION_MS,
  ROLLUP_FIELDS,
  addReading,
  addToBucket,
  buildRollups,
  bucketsInRange,
  coarsenBuckets,
  emptyBucket,
  emptyRollupSet,
  isBucketList,
  mergeBuckets,
  rebuildDay,
  rollupPartition,
  rollupPartitionsInRange,
  statsMean,
  type Bucket,
  type RollupSet,
} from '../../domain/rollup.js';

type Fields = Partial<Pick<StoredReading, 'moisture' | 'moisture_raw' | 'light' | 'light_raw'>>;

function reading(at: number, fields: Fields = {}, seq = 0): StoredReading {
  return { at, rx: at, clock: 'hub', seq, moisture_raw: 2000, light_raw: 1500, moisture: 50, light: 300, fw: 'test', ...fields };
}

/** Seeded linear congruential generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Readings over `days` days from `start` at uneven intervals, with null fields and decimal values. */
function randomReadings(seed: number, start: number, days: number): StoredReading[] {
  const next = random(seed);
  const readings: StoredReading[] = [];
  let seq = 0;
  for (let at = start; at < start + days * DAY_MS; at += Math.floor(next() * 4 * MINUTE_MS) + 1) {
    const maybe = (value: number) => (next() < 0.1 ? null : value);
    readings.push(reading(at, {
      moisture_raw: maybe(Math.floor(next() * 4096)),
      light_raw: maybe(Math.floor(next() * 65536)),
      moisture: maybe(Math.round(next() * 1000) / 10),
      light: maybe(Math.round(next() * 2000000) / 10),
    }, seq++));
  }
  return readings;
}

/** Asserts two bucket lists are equal, allowing float rounding in sums only. */
function assertSameBuckets(actual: Bucket[], expected: Bucket[], label: string): void {
  assert.is(actual.length, expected.length, label + ': bucket count');
  expected.forEach((want, i) => {
    const got = actual[i]!;
    assert.is(got.t, want.t, label + ': t of bucket ' + i);
    assert.is(got.n, want.n, label + ': n at ' + want.t);
    for (const field of ROLLUP_FIELDS) {
      const a = got[field];
      const b = want[field];
      if (b === null) {
        assert.is(a, null, label + ': ' + field + ' at ' + want.t);
        continue;
      }
      assert.ok(a !== null, label + ': ' + field + ' missing at ' + want.t);
      assert.equal([a.min, a.max, a.count], [b.min, b.max, b.count], label + ': ' + field + ' at ' + want.t);
      assert.ok(Math.abs(a.sum - b.sum) <= 1e-9 * Math.max(1, Math.abs(b.sum)), label + ': ' + field + ' sum at ' + want.t);
    }
  });
}

const T0 = Date.UTC(2026, 2, 28);

// ---

const buckets = suite('rollup buckets');

buckets('splits at midnight UTC', () => {
  const set = emptyRollupSet();
  addReading(set, reading(T0 + DAY_MS - 1));
  addReading(set, reading(T0 + DAY_MS));
  for (const resolution of RESOLUTIONS) assert.is(set[resolution].length, 2, resolution);
  assert.equal(set['1d'].map((b) => b.t), [T0, T0 + DAY_MS]);
  assert.equal(set['1h'].map((b) => b.t), [T0 + DAY_MS - HOUR_MS, T0 + DAY_MS]);
});

buckets('splits on 5-minute edges', () => {
  const set = emptyRollupSet();
  const edge = T0 + 10 * HOUR_MS + 5 * MINUTE_MS;
  addReading(set, reading(edge - 1));
  addReading(set, reading(edge));
  addReading(set, reading(edge + 5 * MINUTE_MS - 1));
  assert.equal(set['5m'].map((b) => [b.t, b.n]), [[edge - 5 * MINUTE_MS, 1], [edge, 2]]);
  assert.equal(set['1h'].map((b) => b.n), [3]);
});

buckets('ignores null fields', () => {
  const bucket = emptyBucket(T0);
  addToBucket(bucket, reading(T0, { moisture: 40, light: null }));
  addToBucket(bucket, reading(T0 + 1, { moisture: null, light: null }));
  addToBucket(bucket, reading(T0 + 2, { moisture: 60, light: null }));
  assert.is(bucket.n, 3);
  assert.equal(bucket.moisture, { min: 40, max: 60, sum: 100, count: 2 });
  assert.is(statsMean(bucket.moisture), 50);
  assert.is(bucket.light, null);
  assert.is(statsMean(bucket.light), null);
});

buckets('keeps the mean within min and max', () => {
  const bucket = emptyBucket(T0);
  for (let i = 0; i < 3; i++) addToBucket(bucket, reading(T0 + i, { moisture: 0.1 }));
  // 0.1 + 0.1 + 0.1 is 0.30000000000000004, and that divided by 3 exceeds 0.1.
  assert.ok(bucket.moisture!.sum / 3 > 0.1);
  assert.is(statsMean(bucket.moisture), 0.1);
});

buckets('counts a repeated reading twice', () => {
  const set = emptyRollupSet();
  const same = reading(T0, { moisture: 30 }, 7);
  addReading(set, same);
  addReading(set, same);
  assert.is(set['5m'][0]!.n, 2);
  assert.is(set['5m'][0]!.moisture!.count, 2);
});

buckets('merges two buckets', () => {
  const a = emptyBucket(T0);
  const b = emptyBucket(T0);
  addToBucket(a, reading(T0, { moisture: 20, light: null }));
  addToBucket(b, reading(T0 + 1, { moisture: 70, light: 10 }));
  addToBucket(b, reading(T0 + 2, { moisture: 40, light: 30 }));
  const merged = mergeBuckets(a, b);
  assert.is(merged.n, 3);
  assert.equal(merged.moisture, { min: 20, max: 70, sum: 130, count: 3 });
  assert.equal(merged.light, { min: 10, max: 30, sum: 40, count: 2 });
  assert.is(a.n, 1, 'inputs are left unchanged');
  assert.is(b.n, 2, 'inputs are left unchanged');
});

buckets('rejects merging different starts', () => {
  assert.throws(() => mergeBuckets(emptyBucket(T0), emptyBucket(T0 + HOUR_MS)), /cannot merge the bucket at/);
});

buckets.run();

// ---

const incremental = suite('incremental rollups');

incremental('match a rebuild from raw readings', () => {
  for (const seed of [1, 2, 3]) {
    const readings = randomReadings(seed, T0, 3);
    const shuffle = random(seed + 100);
    // Arrival order differs from time order, as with a pot's offline buffer sent late.
    const arrival = [...readings].sort(() => shuffle() - 0.5);
    const set = emptyRollupSet();
    for (const r of arrival) addReading(set, r);

    const rebuilt = buildRollups(readings);
    for (const resolution of RESOLUTIONS) assertSameBuckets(set[resolution], rebuilt[resolution], 'seed ' + seed + ' ' + resolution);
  }
});

incremental('sum integer fields exactly', () => {
  const readings = randomReadings(4, T0, 1);
  const set = buildRollups(readings);
  const day = set['1d'][0]!;
  const expected = readings.reduce((sum, r) => sum + (r.moisture_raw ?? 0), 0);
  assert.is(day.moisture_raw!.sum, expected);
  assert.is(day.n, readings.length);
});

incremental('coarsen 5m into hourly and daily', () => {
  const set = buildRollups(randomReadings(5, T0, 2));
  assertSameBuckets(coarsenBuckets(set['5m'], RESOLUTION_MS['5m'], HOUR_MS), set['1h'], '5m to 1h');
  assertSameBuckets(coarsenBuckets(set['1h'], HOUR_MS, DAY_MS), set['1d'], '1h to 1d');
});

incremental('rejects a coarsening that straddles', () => {
  assert.throws(() => coarsenBuckets([], HOUR_MS, 90 * MINUTE_MS), /must be a multiple/);
});

incremental('rebuild one day repairs it', () => {
  const readings = randomReadings(6, T0, 3);
  const set = buildRollups(readings);
  const secondDay = readings.filter((r) => r.at >= T0 + DAY_MS && r.at < T0 + 2 * DAY_MS);
  addReading(set, secondDay[10]!);
  assert.is.not(set['1d'][1]!.n, secondDay.length);

  rebuildDay(set, T0 + DAY_MS, readings);
  const expected = buildRollups(readings);
  for (const resolution of RESOLUTIONS) assertSameBuckets(set[resolution], expected[resolution], resolution);
});

incremental('rebuild rejects a day start off midnight', () => {
  assert.throws(() => rebuildDay(emptyRollupSet(), T0 + HOUR_MS, []), /not a UTC midnight/);
});

incremental.run();

// ---

const storage = suite('rollup storage');

storage('survives a JSON round trip', () => {
  const set = buildRollups(randomReadings(7, T0, 1));
  const copy = JSON.parse(JSON.stringify(set)) as RollupSet;
  assert.equal(copy, set);
  for (const resolution of RESOLUTIONS) assert.ok(isBucketList(copy[resolution]), resolution);
});

storage('rejects damaged bucket lists', () => {
  const good = buildRollups([reading(T0), reading(T0 + HOUR_MS)])['1h'];
  assert.ok(isBucketList(good));
  assert.not.ok(isBucketList([good[1], good[0]]), 'unsorted');
  assert.not.ok(isBucketList([{ ...good[0], moisture: { min: 1 } }]), 'incomplete stats');
  assert.not.ok(isBucketList([{ ...good[0], t: '2026-03-28' }]), 'string time');
  assert.not.ok(isBucketList({ buckets: good }), 'not an array');
});

storage('names partitions by day, month and year', () => {
  const t = Date.UTC(2026, 2, 29, 23, 55);
  assert.is(rollupPartition('5m', t), '2026-03-29');
  assert.is(rollupPartition('1h', t), '2026-03');
  assert.is(rollupPartition('1d', t), '2026');
});

storage('lists partitions overlapping a range', () => {
  const from = Date.UTC(2026, 2, 30, 12);
  const to = Date.UTC(2026, 3, 2);
  assert.equal(rollupPartitionsInRange('5m', from, to), ['2026-03-30', '2026-03-31', '2026-04-01']);
  assert.equal(rollupPartitionsInRange('1h', from, to), ['2026-03', '2026-04']);
  assert.equal(rollupPartitionsInRange('1d', from, to), ['2026']);
  assert.equal(rollupPartitionsInRange('5m', to, from), []);
});

storage('slices buckets overlapping a range', () => {
  const set = buildRollups([reading(T0), reading(T0 + HOUR_MS), reading(T0 + 2 * HOUR_MS)]);
  const slice = bucketsInRange(set['1h'], HOUR_MS, T0 + HOUR_MS + 1, T0 + 2 * HOUR_MS);
  assert.equal(slice.map((b) => b.t), [T0 + HOUR_MS]);
});

storage.run();
