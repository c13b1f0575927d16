import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rollupHooks } from '../../hub/store/rollup-sync.js';
import { Rollups } from '../../hub/store/rollups.js';
import { generateReadings } from './history-helpers.js';

const POT_A = 'a0b1c2d3e611';
const POT_B = 'a0b1c2d3e612';
const DAY = '2026-03-29';
const start = Date.UTC(2026, 2, 29, 8);

interface Context {
  dataDir: string;
}

const save = suite<Context>('deferred rollup saves');

save.before.each((context) => {
  context.dataDir = mkdtempSync(join(tmpdir(), 'poco-rollup-save-'));
});

save.after.each((context) => {
  rmSync(context.dataDir, { recursive: true, force: true });
});

function dirtyDays(dataDir: string): string[] {
  return (JSON.parse(readFileSync(join(dataDir, 'rollups', 'dirty.json'), 'utf8')) as { days: string[] }).days;
}

save('write files only after the interval', async (context) => {
  const rollups = await Rollups.open(context.dataDir, pino({ level: 'silent' }));
  let clock = 0;
  const hooks = rollupHooks(rollups, 60_000, () => clock);
  const file = join(context.dataDir, 'rollups', POT_A, '5m', `${DAY}.json`);
  const key = `${POT_A}/${DAY}`;
  const readings = generateReadings(start, 10);

  await hooks.beforeWrite([key]);
  await hooks.afterWrite(new Map([[key, readings.slice(0, 5)]]), [key]);
  assert.not.ok(existsSync(file), 'no rollup file before the interval');
  assert.equal(dirtyDays(context.dataDir), [key], 'the day stays dirty until its rollups are written');
  const inMemory = await rollups.buckets(POT_A, '5m', start, start + 3600_000);
  assert.is(inMemory.reduce((sum, bucket) => sum + bucket.n, 0), 5, 'readings counted in memory at once');

  clock = 60_000;
  await hooks.beforeWrite([key]);
  await hooks.afterWrite(new Map([[key, readings.slice(5)]]), [key]);
  assert.ok(existsSync(file), 'rollup file written once the interval passed');
  const onDisk = (JSON.parse(readFileSync(file, 'utf8')) as { buckets: Array<{ n: number }> }).buckets;
  assert.is(onDisk.reduce((sum, bucket) => sum + bucket.n, 0), 10);
  assert.equal(dirtyDays(context.dataDir), []);
});

save('keep a failed raw day dirty', async (context) => {
  const rollups = await Rollups.open(context.dataDir, pino({ level: 'silent' }));
  let clock = 0;
  const hooks = rollupHooks(rollups, 60_000, () => clock);
  const keyA = `${POT_A}/${DAY}`;
  const keyB = `${POT_B}/${DAY}`;
  const readings = generateReadings(start, 4);

  await hooks.beforeWrite([keyA, keyB]);
  await hooks.afterWrite(new Map([[keyA, readings.slice(0, 2)], [keyB, readings.slice(0, 2)]]), [keyA, keyB]);
  // The next flush fails to write B's raw file: its rollups now count readings its file lacks.
  await hooks.beforeWrite([keyA, keyB]);
  await hooks.afterWrite(new Map([[keyA, readings.slice(2)], [keyB, readings.slice(2)]]), [keyA]);
  clock = 60_000;
  await hooks.saveNow();
  assert.equal(dirtyDays(context.dataDir), [keyB]);
});

save('save at every flush with 0', async (context) => {
  const rollups = await Rollups.open(context.dataDir, pino({ level: 'silent' }));
  const hooks = rollupHooks(rollups, 0, () => 0);
  const key = `${POT_A}/${DAY}`;
  await hooks.beforeWrite([key]);
  await hooks.afterWrite(new Map([[key, generateReadings(start, 3)]]), [key]);
  assert.ok(existsSync(join(context.dataDir, 'rollups', POT_A, '1h', '2026-03.json')));
  assert.equal(dirtyDays(context.dataDir), []);
});

save.run();
