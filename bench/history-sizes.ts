// Measures the file sizes and timings quoted in docs/history.md: one pot reading once a minute
// for a year (2025), rolled up and charted. Run: node --import tsx bench/history-sizes.ts
import { planSeries, seriesFromReadings, seriesFromRollups } from '../domain/chart-series.js';
import type { StoredReading } from '../domain/reading.js';
import { DAY_MS, MINUTE_MS, RESOLUTIONS, buildRollups, rollupPartition, type Bucket } from '../domain/rollup.js';

const START = Date.UTC(2025, 0, 1);
const DAYS = 365;

/** Builds readings shaped like the protocol's example, with values that drift over the year. */
function generateReadings(): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let i = 0; i < DAYS * 1440; i++) {
    const at = START + i * MINUTE_MS;
    const moistureRaw = 2000 + Math.round(800 * Math.sin(i / 700)) + (i % 7);
    const lightRaw = 1000 + (i % 500);
    readings.push({
      at, rx: at + 40, clock: 'device', seq: i, ts: at / 1000, rssi: -61, battery_mv: 3950, fw: 'poco-0.1.0',
      moisture_raw: moistureRaw, light_raw: lightRaw,
      moisture: Math.round(((3280 - moistureRaw) / (3280 - 1475)) * 1000) / 10,
      light: Math.round((lightRaw / 1.2) * 10) / 10,
    });
  }
  return readings;
}

function kilobytes(bytes: number): string {
  return (bytes / 1000).toFixed(0) + ' KB';
}

const readings = generateReadings();
console.log('raw day file:', kilobytes(JSON.stringify({ readings: readings.slice(0, 1440) }).length));

let started = performance.now();
const rollups = buildRollups(readings);
console.log('buildRollups of ' + readings.length + ' readings: ' + (performance.now() - started).toFixed(0) + ' ms');

for (const resolution of RESOLUTIONS) {
  const files = new Map<string, Bucket[]>();
  for (const bucket of rollups[resolution]) {
    const name = rollupPartition(resolution, bucket.t);
    const file = files.get(name);
    if (file) file.push(bucket);
    else files.set(name, [bucket]);
  }
  const sizes = [...files.values()].map((buckets) => JSON.stringify({ buckets }).length);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  console.log(resolution + ' rollups: ' + files.size + ' files, largest ' + kilobytes(Math.max(...sizes)) + ', total ' + kilobytes(total));
}

const to = START + DAYS * DAY_MS;
const options = { from: to - 90 * DAY_MS, to, intervalMs: MINUTE_MS };
console.log('plan for 90 days:', planSeries(options));

started = performance.now();
const fromRollups = seriesFromRollups(rollups['1h'], '1h', options);
const rollupMs = performance.now() - started;
console.log('90 days from hourly rollups: ' + fromRollups.t.length + ' points, ' + rollupMs.toFixed(1) + ' ms, ' + kilobytes(JSON.stringify(fromRollups).length));

started = performance.now();
const fromRaw = seriesFromReadings(readings.slice(-90 * 1440), options);
console.log('90 days from raw readings: ' + fromRaw.t.length + ' points, ' + (performance.now() - started).toFixed(1) + ' ms');
