// Derives the shipped trace scripts/traces/plantwatch-pi5.csv from PlantWatch's Lux-Moisture logs.
// Usage: npx tsx scripts/trace/derive-plantwatch.ts <folder of *.csv> [output.csv] [--full]
// With --full every row is kept: the plant-care tests read test/data/plantwatch-pi5-full.csv.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bh1750Count } from '../../device/host/sensors.js';
import { mergeRows, parsePlantwatchCsv, thinRows, type PlantwatchRow } from './plantwatch.js';

const DEFAULT_OUTPUT = 'scripts/traces/plantwatch-pi5.csv';

const HEADER_LINES = [
  '# POCO trace plantwatch-pi5: one indoor pot, derived from PlantWatch by PowerToTheNerd (MIT);',
  '# attribution and changes in plantwatch-pi5.SOURCE.md.',
  '# Times are local wall times without a timezone. Logging ran from 06:00 to 21:59, so each night',
  '# is an 8-hour gap with no rows.',
  '# moisture_raw: ADS1115 count of a capacitive probe; higher means drier (about 9100 just after',
  '# watering, 21500 with the probe in air). light: BH1750 lux; light_raw = round(lux * 1.2).',
  '# Calibration: wet = the lowest count after watering, dry = just above the driest soil seen (about 19 800).',
  '# calibration dry=20000 wet=9100',
  'time,moisture_raw,light_raw,light',
];

function formatRow(row: PlantwatchRow): string {
  return `${row.time},${row.moistureRaw},${bh1750Count(row.lux)},${Number(row.lux.toFixed(2))}`;
}

function main(argv: string[]): void {
  const full = argv.includes('--full');
  const args = argv.filter((arg) => arg !== '--full');
  const folder = args[0];
  const output = args[1] ?? DEFAULT_OUTPUT;
  if (!folder || folder === '--help') {
    console.error('usage: npx tsx scripts/trace/derive-plantwatch.ts <folder with PlantWatch Lux-Moisture *.csv> [output.csv] [--full: keep every row]');
    process.exit(folder ? 0 : 2);
  }

  const files = readdirSync(folder).filter((name) => name.toLowerCase().endsWith('.csv')).sort();
  if (files.length === 0) throw new Error(`no .csv file in ${folder}: pass the Lux-Moisture folder of PlantWatch's data`);
  const problems: string[] = [];
  const all: PlantwatchRow[] = [];
  for (const name of files) {
    const parsed = parsePlantwatchCsv(readFileSync(join(folder, name), 'utf8'), name);
    all.push(...parsed.rows);
    problems.push(...parsed.problems);
  }

  const merged = mergeRows(all, problems);
  const rows = full ? merged : thinRows(merged);
  const text = HEADER_LINES.concat(rows.map(formatRow)).join('\n') + '\n';
  writeFileSync(output, text);
  console.log(`${files.length} files, ${all.length} source rows → ${rows.length} rows, ${Math.round(text.length / 1024)} KB in ${output}`);
  for (const problem of problems.slice(0, 20)) console.log(`skipped: ${problem}`);
  if (problems.length > 20) console.log(`… and ${problems.length - 20} more skipped rows`);
}

main(process.argv.slice(2));
