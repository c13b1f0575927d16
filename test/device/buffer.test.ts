import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '../../domain/reading.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { createHostHardware } from '../../device/host/hardware.js';
import { startPot, potOptions } from '../../device/core/pot.js';
import { record, startTestPot, steadySource, tempDir, sleep, type TestPot } from './helpers.js';

interface Context {
  broker: Broker;
  brokerDown: boolean;
  dirs: string[];
  pot: TestPot | null;
}

async function stopBroker(context: Context): Promise<void> {
  await context.broker.stop();
  context.brokerDown = true;
}

async function startBroker(context: Context): Promise<void> {
  await context.broker.start();
  context.brokerDown = false;
}

const flash = suite<Context>('offline buffer in flash', {} as Context);

flash.before(async (context) => {
  context.broker = await startMosquitto();
  context.brokerDown = false;
  context.dirs = [];
  context.pot = null;
});

flash.after.each(async (context) => {
  if (context.pot) await context.pot.stop();
  context.pot = null;
  if (context.brokerDown) await startBroker(context); // a failed test may leave it stopped
});

flash.after(async (context) => {
  await context.broker.stop();
  removeBrokerDir(context.broker);
  for (const dir of context.dirs) rmSync(dir, { recursive: true, force: true });
});

flash('writes nothing while connected', async (context) => {
  const dir = tempDir('flash-idle');
  context.dirs.push(dir);
  const observer = await record(context.broker.url, 'poco/020000004001/telemetry');
  context.pot = startTestPot('02:00:00:00:40:01', dir, steadySource(), 100, { brokerUrl: context.broker.url, intervalS: 10 });
  // The first reading is taken before CONNACK, so it may go to flash once; later ones must not.
  await observer.until((m) => m.length >= 2, 5000, '2 readings');
  const file = join(dir, '020000004001', 'poco.buf');
  const before = existsSync(file) ? statSync(file).mtimeMs : null;
  await observer.until((m) => m.length >= 7, 5000, '5 more readings');
  await observer.client.endAsync();

  assert.is(existsSync(file) ? statSync(file).mtimeMs : null, before, 'poco.buf untouched while connected');
  if (before !== null) assert.is(readFileSync(file, 'utf8'), '{"dropped":0}', 'nothing left in flash');
});

/** Starts a pot whose virtual clock begins at `startMs`, so a reboot can carry on the time. */
function startPotAt(url: string, dir: string, startMs: number): TestPot {
  const hw = createHostHardware({ mac: '02:00:00:00:40:02', dataDir: dir, speed: 100, clockSet: true, startMs, source: steadySource(), log: () => {} });
  const pot = startPot(hw, potOptions({ brokerUrl: url, intervalS: 10 }));
  return { pot, hw, stop: () => new Promise<void>((resolve) => pot.stop(() => { hw.release(); resolve(); })) };
}

flash('keeps readings across a reboot while the broker is down', async (context) => {
  const dir = tempDir('flash-reboot');
  context.dirs.push(dir);
  const url = context.broker.url;
  const durable = await record(url, 'poco/020000004002/telemetry', 'poco-test-flash-durable');
  context.pot = startPotAt(url, dir, Date.now());
  await durable.until((m) => m.length >= 1, 3000, 'a first reading');

  await stopBroker(context);
  await sleep(400);
  await context.pot.stop();
  const keptAtReboot = readFileSync(join(dir, 'poco.buf'), 'utf8').split('\n').length - 1;
  context.pot = startPotAt(url, dir, context.pot.hw.clock.now());
  await sleep(400);
  const stopped = context.pot;
  await stopped.stop();
  context.pot = null;
  const keptReadings = readFileSync(join(dir, 'poco.buf'), 'utf8').split('\n').slice(1).map((line) => JSON.parse(line) as Reading);
  const kept = keptReadings.length;

  const lastMs = stopped.hw.clock.now();
  await startBroker(context);
  context.pot = startPotAt(url, dir, lastMs);
  const lastKept = `"seq":${keptReadings[kept - 1]!.seq},`;
  await durable.until((m) => m.some((message) => message.text.includes(lastKept)), 10000, `the ${kept} kept readings`);
  await context.pot.stop();
  context.pot = null;
  await sleep(200);

  assert.ok(keptAtReboot >= 2, `${keptAtReboot} readings kept at the first reboot`);
  assert.ok(kept > keptAtReboot, 'the second boot added its readings');
  // QoS 1: the reading in flight when the broker stopped may come again, identical; no other may.
  const texts = durable.messages.map((m) => m.text);
  const repeats = texts.filter((text, i) => i > 0 && text === texts[i - 1]);
  assert.ok(repeats.length <= 1, `${repeats.length} readings delivered twice`);
  const got = texts.filter((text, i) => i === 0 || text !== texts[i - 1]).map((text) => JSON.parse(text) as Reading);
  const seqs = got.map((r) => r.seq);
  assert.equal(seqs, seqs.map((_, i) => i), 'each reading once, in order');
  for (let i = 1; i < got.length; i++) assert.ok(got[i]!.ts! >= got[i - 1]!.ts!, `reading ${got[i]!.seq} keeps its own ts`);
  for (const stored of keptReadings) {
    const sent = got.find((r) => r.seq === stored.seq);
    assert.type(stored.ts, 'number');
    assert.is(sent?.ts, stored.ts, `reading ${stored.seq} keeps the time it was taken`);
  }
  await durable.client.endAsync();
});

flash('drops the oldest when full', async (context) => {
  const dir = tempDir('flash-full');
  context.dirs.push(dir);
  await stopBroker(context);
  context.pot = startTestPot('02:00:00:00:40:03', dir, steadySource(), 100, { brokerUrl: context.broker.url, intervalS: 10, bufferMax: 3 });
  await sleep(800);
  await context.pot.stop();
  context.pot = null;

  const lines = readFileSync(join(dir, '020000004003', 'poco.buf'), 'utf8').split('\n');
  const header = JSON.parse(lines[0]!) as { dropped: number };
  const seqs = lines.slice(1).map((line) => (JSON.parse(line) as Reading).seq);
  assert.is(seqs.length, 3);
  assert.ok(header.dropped >= 2, `${header.dropped} dropped`);
  assert.equal(seqs, [header.dropped, header.dropped + 1, header.dropped + 2], 'the newest three remain');
});

flash.run();
