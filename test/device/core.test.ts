import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { Reading } from '../../domain/reading.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { record, startTestPot, steadySource, tempDir, sleep, type Recorder, type TestPot } from './helpers.js';

const MAC = '02:00:00:00:10:01';
const ID = '020000001001';
const PREFIX = 'poco';
const telemetry = `${PREFIX}/${ID}/telemetry`;
const status = `${PREFIX}/${ID}/status`;
const configTopic = `${PREFIX}/${ID}/config`;

interface Context {
  broker: Broker;
  recorder: Recorder;
  dataDir: string;
  pot: TestPot | null;
}

function readings(recorder: Recorder): Reading[] {
  return recorder.on(telemetry).map((m) => JSON.parse(m.text) as Reading);
}

function statuses(recorder: Recorder): string[] {
  return recorder.on(status).map((m) => m.text);
}

const session = suite<Context>('pot session', {} as Context);

session.before(async (context) => {
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, `${PREFIX}/#`);
  context.dataDir = tempDir('core');
  context.pot = null;
});

session.after.each(async (context) => {
  if (context.pot) await context.pot.stop();
  context.pot = null;
});

session.after(async (context) => {
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  rmSync(context.dataDir, { recursive: true, force: true });
});

session('publishes online then ordered readings', async (context) => {
  const url = context.broker.url;
  context.pot = startTestPot(MAC, context.dataDir, steadySource(), 100, { brokerUrl: url, intervalS: 10 });
  await context.recorder.until(() => readings(context.recorder).length >= 4, 5000, '4 readings');

  assert.equal(statuses(context.recorder)[0], 'online');
  const retained = await record(url, status);
  await retained.until((m) => m.length > 0, 2000, 'the retained status');
  assert.is(retained.messages[0]!.text, 'online');
  assert.ok(retained.messages[0]!.retain, 'status is retained');
  await retained.client.endAsync();

  const seqs = readings(context.recorder).map((r) => r.seq);
  assert.equal(seqs.slice(0, 4), [0, 1, 2, 3]);
  const first = readings(context.recorder)[0]!;
  assert.is(first.moisture_raw, 2000);
  assert.is(first.light_raw, 300);
  assert.is(first.moisture, null, 'no calibration yet');
  assert.type(first.ts, 'number');
});

session('continues seq after a restart', async (context) => {
  const before = readings(context.recorder);
  const lastSeq = before[before.length - 1]!.seq;
  context.pot = startTestPot(MAC, context.dataDir, steadySource(), 100, { brokerUrl: context.broker.url, intervalS: 10 });
  await context.recorder.until(() => readings(context.recorder).length >= before.length + 2, 5000, '2 more readings');

  const after = readings(context.recorder).slice(before.length);
  assert.is(after[0]!.seq, lastSeq + 1);
  assert.is(after[1]!.seq, lastSeq + 2);
});

session('sends the will when the socket drops', async (context) => {
  context.pot = startTestPot(MAC, context.dataDir, steadySource(), 100, { brokerUrl: context.broker.url, intervalS: 10 });
  await context.recorder.until(() => context.pot!.pot.stats().connected, 3000, 'the pot to connect');
  const seen = statuses(context.recorder).length;

  assert.ok(context.pot.hw.dropConnection());
  await context.recorder.until(() => statuses(context.recorder).length >= seen + 2, 5000, 'offline then online');

  assert.equal(statuses(context.recorder).slice(seen, seen + 2), ['offline', 'online']);
});

session('applies a retained config', async (context) => {
  const url = context.broker.url;
  context.pot = startTestPot(MAC, context.dataDir, steadySource(), 100, { brokerUrl: url, intervalS: 10 });
  await context.recorder.until(() => context.pot!.pot.stats().connected, 3000, 'the pot to connect');
  const config = { v: 1, interval_s: 40, calibration: { dry: 3000, wet: 1000 } };
  await context.recorder.client.publishAsync(configTopic, JSON.stringify(config), { qos: 1, retain: true });
  await context.recorder.until(() => context.pot!.pot.settings().interval_s === 40, 3000, 'the new interval');
  // The pot stored the config; clearing the retained copy keeps it from the next tests.
  await context.recorder.client.publishAsync(configTopic, '', { qos: 1, retain: true });

  // Readings the previous test left in the flash buffer come first, uncalibrated.
  const start = readings(context.recorder).length;
  const calibrated = (): Reading[] => readings(context.recorder).slice(start).filter((r) => r.moisture !== null);
  await context.recorder.until(() => calibrated().length >= 3, 5000, '3 calibrated readings after the config');
  const after = readings(context.recorder).slice(start);
  const firstCalibrated = after.findIndex((r) => r.moisture !== null);
  for (const reading of after.slice(firstCalibrated)) assert.is(reading.moisture, 50, `reading ${reading.seq}: 2000 counts lie halfway between 3000 and 1000`);
  const gap = calibrated()[2]!.ts! - calibrated()[1]!.ts!;
  assert.ok(gap >= 38, `readings ${gap} s apart, expected 40`);

  await context.pot.stop();
  context.pot = startTestPot(MAC, context.dataDir, steadySource(), 100, { brokerUrl: url, intervalS: 10 });
  assert.is(context.pot.pot.settings().interval_s, 40, 'the stored config survives a restart');
});

session('buffers readings while the broker is down', async (context) => {
  const url = context.broker.url;
  const durable = await record(url, telemetry, 'poco-test-durable');
  // A fresh storage: the previous test left a stored 40 s interval.
  const bufferDir = tempDir('buffer');
  context.pot = startTestPot(MAC, bufferDir, steadySource(), 100, { brokerUrl: url, intervalS: 10 });
  await durable.until((m) => m.length >= 1, 3000, 'a first reading');

  await context.broker.stop();
  await sleep(600);
  const takenWhileDown = context.pot.pot.stats().pending;
  await context.broker.start();
  await durable.until((m) => m.length >= 1 + takenWhileDown + 1, 10000, 'the buffered readings');

  assert.ok(takenWhileDown >= 3, `${takenWhileDown} readings buffered`);
  // QoS 1 may deliver the reading in flight at the outage twice: count each seq once.
  const got = durable.messages.map((m) => JSON.parse(m.text) as Reading).filter((r, i, all) => i === 0 || r.seq !== all[i - 1]!.seq);
  for (let i = 1; i < got.length; i++) {
    assert.is(got[i]!.seq, got[i - 1]!.seq + 1, `seq after ${got[i - 1]!.seq}`);
    const gap = got[i]!.ts! - got[i - 1]!.ts!;
    assert.ok(gap >= 8, `ts ${gap} s after the previous reading, expected about 10`);
    // At speed 100, 100 ms of event-loop lag on a loaded machine reads as 10 s.
    assert.ok(gap <= 30, `ts ${gap} s after the previous reading, expected about 10`);
  }
  await durable.client.endAsync();
  await context.pot.stop();
  context.pot = null;
  rmSync(bufferDir, { recursive: true, force: true });
});

session.run();
