// Shared by the history tests: generated readings, raw day files written before a hub starts,
// and the rollup files a hub wrote, read back for comparison with a recomputation.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { StoredReading } from '../../domain/reading.js';
import { RESOLUTIONS, ROLLUP_FIELDS, emptyRollupSet, type Bucket, type RollupSet } from '../../domain/rollup.js';

export const MINUTE_MS = 60 * 1000;
export const DAY_MS = 24 * 3600 * 1000;

/** Readings every `stepMs` from `from`, with slowly varying values so min, mean and max differ. */
export function generateReadings(from: number, count: number, stepMs = MINUTE_MS, firstSeq = 1): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let i = 0; i < count; i++) {
    const at = from + i * stepMs;
    const moistureRaw = 2000 + Math.round(500 * Math.sin(i / 97));
    readings.push({
      at,
      rx: at,
      clock: 'device',
      seq: firstSeq + i,
      ts: at / 1000,
      moisture_raw: moistureRaw,
      light_raw: 400 + (i % 600),
      moisture: Math.round((1000 * (3000 - moistureRaw)) / 2000) / 10,
      light: (i % 600) * 1.5,
      rssi: -60 - (i % 7),
      fw: '0.1.0',
    });
  }
  return readings;
}

/** Writes readings as raw day files, the layout hub/store/history.ts reads. */
export function writeRawDays(dataDir: string, potId: string, readings: readonly StoredReading[]): string[] {
  const byDay = new Map<string, StoredReading[]>();
  for (const reading of readings) {
    const day = new Date(reading.at).toISOString().slice(0, 10);
    const list = byDay.get(day) ?? [];
    list.push(reading);
    byDay.set(day, list);
  }
  const folder = join(dataDir, 'history', potId);
  mkdirSync(folder, { recursive: true });
  for (const [day, list] of byDay) writeFileSync(join(folder, day + '.json'), JSON.stringify({ readings: list }));
  return [...byDay.keys()].sort();
}

/** Reads every raw reading of a pot from its day files, in time order. */
export function readRawDays(dataDir: string, potId: string): StoredReading[] {
  const folder = join(dataDir, 'history', potId);
  const names = readdirSync(folder).filter((n) => /^\d{4}-\d{2}-\d{2}\.json$/.test(n)).sort();
  return names.flatMap((name) => (JSON.parse(readFileSync(join(folder, name), 'utf8')) as { readings: StoredReading[] }).readings);
}

/** Reads every rollup file of a pot, each resolution's buckets concatenated in partition order. */
export function readRollupFiles(dataDir: string, potId: string): RollupSet {
  const set = emptyRollupSet();
  for (const resolution of RESOLUTIONS) {
    const folder = join(dataDir, 'rollups', potId, resolution);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
      set[resolution].push(...(JSON.parse(readFileSync(join(folder, name), 'utf8')) as { buckets: Bucket[] }).buckets);
    }
  }
  return set;
}

function close(actual: number, expected: number, what: string): void {
  const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);
}

/** Checks two rollup sets bucket by bucket; decimal sums may differ by float rounding only. */
export function assertSameRollups(actual: RollupSet, expected: RollupSet): void {
  for (const resolution of RESOLUTIONS) {
    const got = actual[resolution];
    const want = expected[resolution].filter((bucket) => bucket.n > 0);
    assert.is(got.filter((bucket) => bucket.n > 0).length, want.length, `${resolution} bucket count`);
    const byStart = new Map(got.map((bucket) => [bucket.t, bucket]));
    for (const bucket of want) {
      const found = byStart.get(bucket.t);
      assert.ok(found, `${resolution} bucket at ${new Date(bucket.t).toISOString()} is missing`);
      assert.is(found!.n, bucket.n, `${resolution} n at ${bucket.t}`);
      for (const field of ROLLUP_FIELDS) {
        const a = found![field];
        const b = bucket[field];
        if (b === null) {
          assert.is(a, null, `${resolution} ${field} at ${bucket.t}`);
          continue;
        }
        assert.ok(a, `${resolution} ${field} at ${bucket.t} is null`);
        assert.is(a!.count, b.count, `${resolution} ${field} count at ${bucket.t}`);
        assert.is(a!.min, b.min, `${resolution} ${field} min at ${bucket.t}`);
        assert.is(a!.max, b.max, `${resolution} ${field} max at ${bucket.t}`);
        close(a!.sum, b.sum, `${resolution} ${field} sum at ${bucket.t}`);
      }
    }
  }
}
