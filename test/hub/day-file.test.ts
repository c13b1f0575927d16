import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DayFileAdapter, repairTail, type TailRepair } from '../../hub/store/day-file.js';
import { generateReadings } from './history-helpers.js';

interface Context {
  dir: string;
  file: string;
  repairs: TailRepair[];
}

const adapter = suite<Context>('day file adapter');

adapter.before.each((context) => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-day-file-'));
  context.file = join(context.dir, '2026-03-29.json');
  context.repairs = [];
});

adapter.after.each((context) => {
  rmSync(context.dir, { recursive: true, force: true });
});

const start = Date.UTC(2026, 2, 29);

adapter('appends in place, equal to JSON.stringify', async (context) => {
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  assert.is(await file.read(), null);
  const readings = generateReadings(start, 50);
  const day = { readings: readings.slice(0, 1) };
  await file.write(day);
  // A second name for the same file: appends show through it, a rename-based rewrite would not.
  const link = context.file + '.link';
  linkSync(context.file, link);

  for (const batch of [readings.slice(1, 20), [], readings.slice(20)]) {
    day.readings.push(...batch);
    await file.write(day);
    assert.is(readFileSync(context.file, 'utf8'), JSON.stringify(day));
  }
  assert.is(readFileSync(link, 'utf8'), JSON.stringify(day), 'written in place');
});

adapter('rewrites for an earlier reading', async (context) => {
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  const readings = generateReadings(start, 30);
  const day = { readings: readings.filter((_, i) => i !== 10) };
  await file.write(day);
  day.readings.splice(10, 0, readings[10]!);
  await file.write(day);
  assert.is(readFileSync(context.file, 'utf8'), JSON.stringify(day));
  day.readings.push(...generateReadings(start + 3600_000, 2, 60_000, 100));
  await file.write(day);
  assert.is(readFileSync(context.file, 'utf8'), JSON.stringify(day));
});

adapter('rewrites a file changed behind it', async (context) => {
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  const readings = generateReadings(start, 20);
  const day = { readings: readings.slice(0, 10) };
  await file.write(day);
  writeFileSync(context.file, JSON.stringify({ readings: readings.slice(0, 3) }));
  day.readings.push(...readings.slice(10));
  await file.write(day);
  assert.is(readFileSync(context.file, 'utf8'), JSON.stringify(day));
});

adapter('rewrites a replaced list', async (context) => {
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  const readings = generateReadings(start, 10);
  await file.write({ readings: readings.slice(0, 5) });
  const replaced = { readings: readings.slice(3) };
  await file.write(replaced);
  assert.is(readFileSync(context.file, 'utf8'), JSON.stringify(replaced));
});

adapter('repairs every cut of an append', async (context) => {
  const readings = generateReadings(start, 12);
  const whole = JSON.stringify({ readings });
  const before = JSON.stringify({ readings: readings.slice(0, 8) });
  // Each length a crash could leave while the last four readings were being appended.
  for (let length = before.length - 1; length < whole.length - 1; length++) {
    writeFileSync(context.file, whole.slice(0, length));
    context.repairs = [];
    const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
    const data = await file.read();
    const complete = readings.filter((r) => whole.indexOf(JSON.stringify(r)) + JSON.stringify(r).length <= length);
    assert.equal(data?.readings, complete, `cut at ${length}`);
    assert.is(readFileSync(context.file, 'utf8'), JSON.stringify({ readings: complete }), `file repaired at ${length}`);
    assert.is(context.repairs.length, 1, `one repair reported at ${length}`);
    assert.is(readFileSync(context.repairs[0]!.backup, 'utf8'), whole.slice(0, length), `backup kept at ${length}`);
    rmSync(context.repairs[0]!.backup);
  }
});

adapter('repairs a tail of zero bytes', async (context) => {
  const readings = generateReadings(start, 5);
  const text = JSON.stringify({ readings });
  writeFileSync(context.file, Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.alloc(300)]));
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  assert.equal((await file.read())?.readings, readings);
  assert.is(context.repairs[0]?.droppedBytes, 300);
});

adapter('appends after a repair', async (context) => {
  const readings = generateReadings(start, 6);
  writeFileSync(context.file, JSON.stringify({ readings: readings.slice(0, 4) }).slice(0, -20));
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  const data = (await file.read())!;
  assert.is(data.readings.length, 3);
  data.readings.push(...readings.slice(3));
  await file.write(data);
  assert.equal(JSON.parse(readFileSync(context.file, 'utf8')), { readings });
});

adapter('rejects other damage', async (context) => {
  writeFileSync(context.file, '{"readings":[{"seq":1},{"se');
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  try {
    await file.read();
    assert.unreachable('read() should throw on a damaged file');
  } catch (err) {
    assert.instance(err, SyntaxError);
  }
  assert.is(context.repairs.length, 0);
  assert.is(readdirSync(context.dir).length, 1, 'no backup for an unrepaired file');
});

adapter('keeps a missing file missing', async (context) => {
  const file = new DayFileAdapter(context.file, (repair) => context.repairs.push(repair));
  assert.is(await file.read(), null);
  assert.not.ok(existsSync(context.file));
});

adapter.run();

const repair = suite('repairTail');

repair('cut head alone is an empty day', () => {
  assert.equal(repairTail('{"readings":[')?.data, { readings: [] });
  assert.equal(repairTail('{"readings":[{"at":12')?.data, { readings: [] });
});

repair('drops text after the list', () => {
  assert.equal(repairTail('{"readings":[{"at":1}]}garbage')?.data, { readings: [{ at: 1 }] });
});

repair('text without the head is not repaired', () => {
  assert.is(repairTail('{"other":[{"at":1}'), null);
  assert.is(repairTail('{"readings":[1,2'), null);
});

repair.run();
