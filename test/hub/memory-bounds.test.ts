// Caches of the hub that must stay bounded in a long run: files kept open by the history and the
// rollups (by count and by idle time) and the deduplication window of each pot.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dedupKey, type StoredReading } from '../../domain/reading.js';
import { DEDUP_WINDOW, Dedup } from '../../hub/store/dedup.js';
import { History } from '../../hub/store/history.js';
import { OpenFiles } from '../../hub/store/open-files.js';
import { Rollups } from '../../hub/store/rollups.js';
import { DAY_MS, generateReadings } from './history-helpers.js';

const POT = 'a0b1c2d3e621';
const start = Date.UTC(2026, 2, 29, 22);
const silent = pino({ level: 'silent' });

const files = suite('open files');

files('drop the least used beyond max', () => {
  const open = new OpenFiles<number>({ max: 2, idleMs: 60_000 });
  open.add('a', 1);
  open.add('b', 2);
  open.use('a');
  open.add('c', 3);
  open.evict(() => false);
  assert.is(open.size, 2);
  assert.is(open.peek('b'), undefined);
  assert.is(open.peek('a'), 1);
});

files('drop entries unused for idleMs', () => {
  let now = 0;
  const open = new OpenFiles<number>({ max: 10, idleMs: 1000, now: () => now });
  open.add('old', 1);
  open.add('kept', 2);
  now = 600;
  open.add('recent', 3);
  now = 1500;
  open.evict((key) => key === 'kept');
  assert.is(open.peek('old'), undefined);
  assert.is(open.peek('kept'), 2);
  assert.is(open.peek('recent'), 3);
});

files('use marks an entry as recent', () => {
  let now = 0;
  const open = new OpenFiles<number>({ max: 10, idleMs: 1000, now: () => now });
  open.add('a', 1);
  now = 900;
  assert.is(open.use('a'), 1);
  now = 1500;
  open.evict(() => false);
  assert.is(open.size, 1);
});

files.run();

// ---

const dedup = suite('dedup window');

function reading(seq: number): StoredReading {
  return generateReadings(start, 1, 60_000, seq)[0]!;
}

dedup('key text', () => {
  assert.is(dedupKey({ seq: 7, ts: 1700000000, moisture_raw: 2100, light_raw: null }), '7|1700000000|2100|null');
  assert.is(dedupKey({ seq: 7, moisture_raw: 2100, light_raw: 3 }), '7||2100|3');
});

dedup('forget keys beyond the window', () => {
  const window = new Dedup();
  const extra = 5;
  for (let seq = 1; seq <= DEDUP_WINDOW + extra; seq++) assert.ok(window.add(POT, reading(seq)), `seq ${seq} added`);
  for (let seq = 1; seq <= extra; seq++) assert.not.ok(window.has(POT, reading(seq)), `seq ${seq} forgotten`);
  assert.ok(window.has(POT, reading(extra + 1)));
  assert.ok(window.has(POT, reading(DEDUP_WINDOW + extra)));
  assert.not.ok(window.add(POT, reading(extra + 1)));
  // A forgotten key is new again, and takes the oldest slot.
  assert.ok(window.add(POT, reading(1)));
  assert.not.ok(window.has(POT, reading(extra + 1)));
});

dedup.run();

// ---

interface Context {
  dataDir: string;
}

const idle = suite<Context>('idle files leave memory');

idle.before.each((context) => {
  context.dataDir = mkdtempSync(join(tmpdir(), 'poco-memory-'));
});

idle.after.each((context) => {
  rmSync(context.dataDir, { recursive: true, force: true });
});

function dayFileOf(dataDir: string, at: number): string {
  return join(dataDir, 'history', POT, new Date(at).toISOString().slice(0, 10) + '.json');
}

function fileSeqs(file: string): number[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { readings: StoredReading[] }).readings.map((r) => r.seq);
}

idle('history holds no written day', async (context) => {
  const history = new History(context.dataDir, { flushMs: 60_000, flushMaxReadings: 10_000 }, silent);
  // Two readings three hours apart, on both sides of midnight.
  for (const r of generateReadings(start, 2, 3 * 3600 * 1000)) history.append(POT, r);
  await history.flush();
  assert.is(history.openDays, 0);

  const both = await history.query(POT, start, start + DAY_MS);
  assert.equal(both.map((r) => r.seq), [1, 2]);
  // Read days stay in memory until they are idle.
  assert.is(history.openDays, 2);
  await history.close();
});

idle('history drops an idle read day', async (context) => {
  const history = new History(context.dataDir, { flushMs: 60_000, flushMaxReadings: 10_000, idleDayMs: 50 }, silent);
  for (const r of generateReadings(start, 2, 3 * 3600 * 1000)) history.append(POT, r);
  await history.flush();
  await history.query(POT, start, start + DAY_MS);
  assert.is(history.openDays, 2);

  await new Promise((resolve) => setTimeout(resolve, 80));
  history.append(POT, generateReadings(start + 60_000, 1, 60_000, 3)[0]!);
  await history.flush();
  assert.is(history.openDays, 0);
  assert.equal((await history.query(POT, start, start + DAY_MS)).map((r) => r.seq), [1, 3, 2]);
  await history.close();
});

idle('append in place after a write', async (context) => {
  const history = new History(context.dataDir, { flushMs: 60_000, flushMaxReadings: 10_000 }, silent);
  const readings = generateReadings(start, 6);
  const file = dayFileOf(context.dataDir, start);
  for (const r of readings.slice(0, 3)) history.append(POT, r);
  await history.flush();
  const inode = statSync(file).ino;

  for (const r of readings.slice(3)) history.append(POT, r);
  await history.flush();
  // A whole-file write goes through a temporary file and a rename, which changes the inode.
  assert.is(statSync(file).ino, inode);
  assert.equal(fileSeqs(file), [1, 2, 3, 4, 5, 6]);
  assert.is(history.openDays, 0);
  await history.close();
});

idle('rewrite a day for a late reading', async (context) => {
  const history = new History(context.dataDir, { flushMs: 60_000, flushMaxReadings: 10_000 }, silent);
  const readings = generateReadings(start, 4);
  const file = dayFileOf(context.dataDir, start);
  for (const r of [readings[0]!, readings[2]!, readings[3]!]) history.append(POT, r);
  await history.flush();

  history.append(POT, readings[1]!);
  await history.flush();
  assert.equal(fileSeqs(file), [1, 2, 3, 4]);
  assert.is(history.openDays, 0);
  await history.close();
});

idle('rewrite a day changed behind the tail', async (context) => {
  const history = new History(context.dataDir, { flushMs: 60_000, flushMaxReadings: 10_000 }, silent);
  const readings = generateReadings(start, 3);
  const file = dayFileOf(context.dataDir, start);
  history.append(POT, readings[0]!);
  await history.flush();
  // Another program rewrites the file with a reading of its own, in another layout.
  writeFileSync(file, JSON.stringify({ readings: [readings[0], readings[1]] }, null, 2));

  history.append(POT, readings[2]!);
  await history.flush();
  assert.equal(fileSeqs(file), [1, 2, 3]);
  await history.close();
});

idle('keep every reading under concurrent reads', async (context) => {
  // Every day is idle at once and one day fits in memory, so reads drop and reload days all the
  // time while flushes write them.
  const history = new History(context.dataDir, { flushMs: 60_000, flushMaxReadings: 10_000, maxOpenDays: 1, idleDayMs: 0 }, silent);
  const dayStart = Date.UTC(2026, 2, 29);
  const other = generateReadings(dayStart - DAY_MS, 1, 60_000, 100_000);
  history.append(POT, other[0]!);
  const readings = generateReadings(dayStart, 300, 60_000);
  for (const [i, reading] of readings.entries()) {
    history.append(POT, reading);
    const reads = [history.query(POT, dayStart - DAY_MS, dayStart), history.query(POT, dayStart, dayStart + DAY_MS)];
    // A late reading now and then makes the next flush rewrite the day whole.
    if (i % 50 === 49) history.append(POT, { ...readings[i - 10]!, seq: 10_000 + i, at: readings[i - 10]!.at + 1 });
    await Promise.all([history.flush(), ...reads, history.readDay(POT, '2026-03-29')]);
  }
  await history.close();

  const seqs = fileSeqs(dayFileOf(context.dataDir, dayStart));
  assert.is(seqs.length, 306);
  assert.is(new Set(seqs).size, 306);
});

idle('rollups drop saved idle partitions', async (context) => {
  const rollups = await Rollups.open(context.dataDir, silent, 0);
  await rollups.add(POT, generateReadings(start, 2, 3 * 3600 * 1000));
  // Two days in 5-minute partitions, one month, one year.
  assert.is(rollups.openPartitions, 4);
  assert.ok(await rollups.save());
  assert.is(rollups.openPartitions, 0);
  const buckets = await rollups.buckets(POT, '5m', start, start + 2 * DAY_MS);
  assert.is(buckets.length, 2);
});

idle('rollups keep recent partitions', async (context) => {
  const rollups = await Rollups.open(context.dataDir, silent);
  await rollups.add(POT, generateReadings(start, 2, 3 * 3600 * 1000));
  assert.ok(await rollups.save());
  assert.is(rollups.openPartitions, 4);
});

idle.run();
