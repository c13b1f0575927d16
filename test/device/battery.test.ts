import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '../../domain/reading.js';
import { potOptions } from '../../device/core/pot.js';
import { startBatteryPot, type BatteryPot } from '../../device/host/battery.js';
import type { CycleEvent } from '../../device/core/cycle.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { record, steadySource, tempDir, sleep, type Recorder } from './helpers.js';

const PREFIX = 'poco';
// 10 virtual seconds between wake-ups last 100 real ms.
const SPEED = 100;

interface Context {
  broker: Broker;
  recorder: Recorder;
  dirs: string[];
  pots: BatteryPot[];
}

function topics(id: string): { telemetry: string; status: string; config: string } {
  return { telemetry: `${PREFIX}/${id}/telemetry`, status: `${PREFIX}/${id}/status`, config: `${PREFIX}/${id}/config` };
}

function readings(recorder: Recorder, id: string): Reading[] {
  return recorder.on(topics(id).telemetry).map((m) => JSON.parse(m.text) as Reading);
}

function startBattery(context: Context, mac: string, options: { maxDeepSleepMs?: number; events?: CycleEvent[] } = {}): { pot: BatteryPot; dir: string } {
  const dir = tempDir('battery');
  context.dirs.push(dir);
  const pot = startBatteryPot(
    { mac, dataDir: dir, speed: SPEED, clockSet: true, source: steadySource(), log: () => {}, maxDeepSleepMs: options.maxDeepSleepMs },
    potOptions({ brokerUrl: context.broker.url, intervalS: 10 }),
    (event) => { if (options.events) options.events.push(event); },
  );
  context.pots.push(pot);
  return { pot, dir };
}

/** Retains a config for the pot, so its cycles skip the short wait for one. */
async function retainConfig(context: Context, id: string, intervalS: number): Promise<void> {
  const config = { v: 1, interval_s: intervalS, calibration: null };
  await context.recorder.client.publishAsync(topics(id).config, JSON.stringify(config), { qos: 1, retain: true });
}

// Each gap between wake-ups is the sleep plus the awake time, which the virtual clock stretches
// SPEED times: 50 real ms awake read as 5 s, and 300 ms on a loaded machine as 30 s. So the upper
// bound is loose, and the lower bound is the interval itself.
const AWAKE_ALLOWANCE_S = 40;

const cycle = suite<Context>('battery cycle', {} as Context);

cycle.before(async (context) => {
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, `${PREFIX}/#`);
  context.dirs = [];
  context.pots = [];
});

cycle.after.each(async (context) => {
  await Promise.all(context.pots.splice(0).map((pot) => pot.stop()));
});

cycle.after(async (context) => {
  for (const id of ['020000002001', '020000002003', '020000002004']) {
    await context.recorder.client.publishAsync(topics(id).config, '', { qos: 1, retain: true });
  }
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  for (const dir of context.dirs) rmSync(dir, { recursive: true, force: true });
});

cycle('sleeps between readings without offline', async (context) => {
  const id = '020000002001';
  const events: CycleEvent[] = [];
  await retainConfig(context, id, 10);
  const { pot, dir } = startBattery(context, '02:00:00:00:20:01', { events });
  await context.recorder.until(() => readings(context.recorder, id).length >= 4, 10000, '4 readings over 4 wake-ups');

  assert.equal(readings(context.recorder, id).slice(0, 4).map((r) => r.seq), [0, 1, 2, 3], 'seq continues across deep sleep');
  const statuses = context.recorder.on(topics(id).status).map((m) => m.text);
  assert.not.ok(statuses.includes('offline'), `statuses ${statuses.join(', ')}`);
  assert.ok(statuses.length >= 4, 'online once per wake-up');
  assert.ok(pot.boots() >= 4, `${pot.boots()} boots`);

  const sleeps = events.filter((e): e is Extract<CycleEvent, { type: 'sleeping' }> => e.type === 'sleeping');
  assert.ok(sleeps.length >= 3);
  for (const sleepEvent of sleeps) {
    assert.is(sleepEvent.sleepMs, 10000, 'deep sleep lasts the interval');
    assert.is(sleepEvent.pending, 0, 'nothing left in the buffer');
  }
  const state = JSON.parse(readFileSync(join(dir, 'poco.state'), 'utf8')) as { awake_ms: number[]; seq: number };
  assert.ok(state.awake_ms.length >= 3, 'awake times are kept for the battery estimate');
  for (const ms of state.awake_ms) assert.ok(ms > 0 && ms < 2000, `awake ${ms} ms`);
});

cycle('applies config sent during sleep', async (context) => {
  const id = '020000002002';
  const { pot } = startBattery(context, '02:00:00:00:20:02');
  await context.recorder.until(() => readings(context.recorder, id).length >= 1, 5000, 'a first reading');
  await context.recorder.until(() => pot.sleeping(), 5000, 'the pot to sleep');

  const config = { v: 1, interval_s: 20, calibration: { dry: 3000, wet: 1000 } };
  await context.recorder.client.publishAsync(topics(id).config, JSON.stringify(config), { qos: 1, retain: true });
  const calibrated = (): Reading[] => readings(context.recorder, id).filter((r) => r.moisture !== null);
  await context.recorder.until(() => calibrated().length >= 3, 10000, '3 calibrated readings');

  assert.is(calibrated()[1]!.moisture, 50, '2000 counts lie halfway between 3000 and 1000');
  const gap = calibrated()[2]!.ts! - calibrated()[1]!.ts!;
  assert.ok(gap >= 20, `wake-ups ${gap} s apart, expected the new 20 s`);
  assert.ok(gap <= 20 + AWAKE_ALLOWANCE_S, `wake-ups ${gap} s apart, expected the new 20 s`);
  await context.recorder.client.publishAsync(topics(id).config, '', { qos: 1, retain: true });
});

cycle('chains short sleeps for long intervals', async (context) => {
  const id = '020000002003';
  const events: CycleEvent[] = [];
  await retainConfig(context, id, 10);
  const { pot } = startBattery(context, '02:00:00:00:20:03', { maxDeepSleepMs: 4000, events });
  await context.recorder.until(() => readings(context.recorder, id).length >= 2, 10000, '2 readings');

  const sleeps = events.filter((e): e is Extract<CycleEvent, { type: 'sleeping' }> => e.type === 'sleeping');
  assert.equal(sleeps.slice(0, 3).map((e) => [e.sleepMs, e.leftMs]), [[4000, 6000], [4000, 2000], [2000, 0]]);
  assert.is(sleeps[1]!.awakeMs, null, 'a chained wake-up takes no reading');
  assert.ok(pot.boots() >= 4, `${pot.boots()} boots for 2 readings`);
  const gap = readings(context.recorder, id)[1]!.ts! - readings(context.recorder, id)[0]!.ts!;
  assert.ok(gap >= 10, `readings ${gap} s apart, expected 10`);
  assert.ok(gap <= 10 + AWAKE_ALLOWANCE_S, `readings ${gap} s apart, expected 10`);
});

cycle('keeps readings across sleeps while the broker is down', async (context) => {
  const id = '020000002004';
  const durable = await record(context.broker.url, topics(id).telemetry, 'poco-test-battery-durable');
  await retainConfig(context, id, 10);
  const { pot, dir } = startBattery(context, '02:00:00:00:20:04');
  await durable.until((m) => m.length >= 1, 5000, 'a first reading');

  await context.broker.stop();
  await sleep(700);
  const buffered = readFileSync(join(dir, 'poco.buf'), 'utf8').split('\n').length - 1;
  await context.broker.start();
  await durable.until((m) => m.length >= 1 + buffered + 1, 15000, 'the buffered readings');

  assert.ok(buffered >= 3, `${buffered} readings kept in flash`);
  const got = durable.messages.map((m) => JSON.parse(m.text) as Reading);
  const seqs = got.map((r) => r.seq);
  assert.equal(seqs, seqs.map((_, i) => seqs[0]! + i), 'each reading once, in order');
  for (let i = 1; i < got.length; i++) {
    const gap = got[i]!.ts! - got[i - 1]!.ts!;
    assert.ok(gap >= 10, `reading ${got[i]!.seq} dated ${gap} s after the previous one`);
    assert.ok(gap <= 10 + AWAKE_ALLOWANCE_S, `reading ${got[i]!.seq} dated ${gap} s after the previous one`);
  }
  assert.ok(pot.boots() > got.length - 1);
  await durable.client.endAsync();
});

cycle.run();
