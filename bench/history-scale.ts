// History at scale: the cost of one append (queued, then flushed with its rollups) for a pot with a
// year of history versus a pot with one day, and a 1-year chart request for one pot among 30
// versus scanning that pot's raw readings. The data is generated once into a temp folder: one
// pot with a year of raw day files, 29 with a year of rollups and the last day of raw files.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seriesFromReadings } from '../domain/chart-series.js';
import type { StoredReading } from '../domain/reading.js';
import { RESOLUTIONS, buildRollups, bucketStart, rollupPartition, type Bucket } from '../domain/rollup.js';
import { Store } from '../hub/store/store.js';
import { DAY_MS, MINUTE_MS, fixed, median, minuteReadings, percentile, report, silentLog } from './common.js';

const POTS = 30;
const YEAR_POT = 'd0b1c2d3e400';
const DAY_POT = 'd0b1c2d3e4ff';
const APPENDS = 300;

function potId(index: number): string {
  return 'd0b1c2d3e4' + index.toString(16).padStart(2, '0');
}

function writeRaw(dataDir: string, id: string, readings: StoredReading[]): void {
  const folder = join(dataDir, 'history', id);
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < readings.length; i += 1440) {
    const day = readings.slice(i, i + 1440);
    writeFileSync(join(folder, new Date(day[0]!.at).toISOString().slice(0, 10) + '.json'), JSON.stringify({ readings: day }));
  }
}

function writeRollups(dataDir: string, id: string, readings: StoredReading[]): void {
  const set = buildRollups(readings);
  for (const resolution of RESOLUTIONS) {
    const byName = new Map<string, Bucket[]>();
    for (const bucket of set[resolution]) {
      const name = rollupPartition(resolution, bucket.t);
      byName.set(name, [...(byName.get(name) ?? []), bucket]);
    }
    const folder = join(dataDir, 'rollups', id, resolution);
    mkdirSync(folder, { recursive: true });
    for (const [name, buckets] of byName) writeFileSync(join(folder, name + '.json'), JSON.stringify({ buckets }));
  }
}

/** Writes one year, ending at today's midnight UTC, for 30 pots, and one day for DAY_POT. */
function generate(dataDir: string, end: number): void {
  const year = minuteReadings(end - 365 * DAY_MS, 365 * 1440);
  for (let i = 0; i < POTS; i++) {
    const id = potId(i);
    // Every pot gets the same values: only file counts and sizes matter here.
    writeRollups(dataDir, id, year);
    writeRaw(dataDir, id, id === YEAR_POT ? year : year.slice(-1440));
  }
  const day = year.slice(-1440);
  writeRaw(dataDir, DAY_POT, day);
  writeRollups(dataDir, DAY_POT, day);
}

/** Measures, per reading, the time to queue it and flush it with its rollups, in ms. */
async function appendCost(store: Store, id: string, start: number): Promise<number[]> {
  const times: number[] = [];
  for (const reading of minuteReadings(start, APPENDS, 10_000_000)) {
    const begin = performance.now();
    store.addReading(id, reading);
    await store.flush();
    times.push(performance.now() - begin);
  }
  return times;
}

/** Reads every raw day file of a pot and charts the readings, as a hub without rollups would. */
function scanRaw(dataDir: string, id: string, from: number, to: number): number {
  const begin = performance.now();
  const folder = join(dataDir, 'history', id);
  const readings: StoredReading[] = [];
  for (const name of readdirSync(folder).sort()) readings.push(...(JSON.parse(readFileSync(join(folder, name), 'utf8')) as { readings: StoredReading[] }).readings);
  seriesFromReadings(readings, { from, to, intervalMs: MINUTE_MS });
  return performance.now() - begin;
}

const dataDir = mkdtempSync(join(tmpdir(), 'poco-bench-scale-'));
try {
  const end = bucketStart(Date.now(), DAY_MS);
  const generateStart = performance.now();
  generate(dataDir, end);
  const generateSeconds = (performance.now() - generateStart) / 1000;

  const store = await Store.open({ dataDir, flushMs: 1000, flushMaxReadings: 500, rawRetentionDays: 3650 }, silentLog);
  try {
    const year: number[] = [];
    const day: number[] = [];
    // Alternated in blocks, so machine noise hits both pots alike.
    for (let block = 0; block < 3; block++) {
      year.push(...(await appendCost(store, YEAR_POT, end + block * APPENDS * MINUTE_MS)));
      day.push(...(await appendCost(store, DAY_POT, end + block * APPENDS * MINUTE_MS)));
    }
    report('append: queue one reading and flush it with its rollups (' + year.length + ' each)', {
      'pot with one year': `median ${fixed(median(year), 2)} ms, p95 ${fixed(percentile(year, 95), 2)} ms`,
      'pot with one day': `median ${fixed(median(day), 2)} ms, p95 ${fixed(percentile(day, 95), 2)} ms`,
      'year / day (median)': fixed(median(year) / median(day), 2) + '×  (target <= 1.5×)',
    });

    const from = end - 365 * DAY_MS;
    const to = end;
    const query = () => store.series(potId(7), { from, to, maxPoints: 2000, now: Date.now() });
    const coldStart = performance.now();
    const cold = await query();
    const coldMs = performance.now() - coldStart;
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) {
      const begin = performance.now();
      await query();
      warm.push(performance.now() - begin);
    }
    const scans = [scanRaw(dataDir, YEAR_POT, from, to), scanRaw(dataDir, YEAR_POT, from, to)];
    const json = JSON.stringify(cold).length;
    report(`1-year chart of one pot among ${POTS} (rollup files on disk)`, {
      'points': `${cold.t.length} (${cold.kind}, step ${cold.stepMs / 3600000} h), ${fixed(json / 1024, 0)} KB of JSON`,
      'first request (files read and parsed)': fixed(coldMs, 1) + ' ms',
      'next requests (partitions in memory)': `median ${fixed(median(warm), 1)} ms, p95 ${fixed(percentile(warm, 95), 1)} ms  (target <= 50 ms)`,
      'scan of the raw year, read and charted': scans.map((s) => fixed(s, 0)).join(', ') + ' ms',
      'scan / first request': fixed(median(scans) / coldMs, 0) + '×  (target >= 100×)',
      'scan / next requests': fixed(median(scans) / median(warm), 0) + '×',
      'data generation': fixed(generateSeconds, 0) + ' s',
    });
  } finally {
    await store.close();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
