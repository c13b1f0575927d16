// The pump commands on a battery pot (device core on host hardware) against a real Mosquitto:
// commands published while the pot sleeps wait at the broker and run when it wakes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { connectAsync, type MqttClient } from 'mqtt';
import type { CommandAck } from '../../domain/command.js';
import { potOptions } from '../../device/core/pot.js';
import type { CycleEvent } from '../../device/core/cycle.js';
import { startBatteryPot, type BatteryPot } from '../../device/host/battery.js';
import { createPumpedSoil, type PumpedSoil } from '../../device/host/pumped-source.js';
import { SYNTHETIC_CALIBRATION } from '../../device/host/sensors.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { record, tempDir, type Recorder } from '../device/helpers.js';

const SPEED = 20;
const MAC = '02:00:00:00:77:01';
const ID = '020000007701';

interface Context {
  broker: Broker;
  recorder: Recorder;
  hub: MqttClient;
  dir: string;
  soil: PumpedSoil;
  pot: BatteryPot;
  events: CycleEvent[];
}

const device = suite<Context>('pump commands on a sleeping pot', {} as Context);

device.before(async (context) => {
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, `poco/${ID}/cmd/ack`);
  context.hub = await connectAsync(context.broker.url, { clientId: 'test-hub', reconnectPeriod: 0 });
  context.dir = tempDir('watering-device');
  context.events = [];
  const startMs = Date.now();
  context.soil = createPumpedSoil({ startPercent: 25, startMs, dryPerHour: 1, risePerPumpS: 2 });
  context.pot = startBatteryPot(
    { mac: MAC, dataDir: context.dir, speed: SPEED, clockSet: true, startMs, source: context.soil, log: () => {} },
    potOptions({
      brokerUrl: context.broker.url, intervalS: 60, calibration: SYNTHETIC_CALIBRATION,
      pump: { activeLow: false, maxRunS: 5, minIntervalS: 0, flowMlPerS: 2 },
    }),
    (event) => context.events.push(event),
  );
  await waitUntil(() => context.events.some((e) => e.type === 'sleeping'), 15000, 'the first deep sleep');
});

device.after(async (context) => {
  await context.pot.stop();
  await context.hub.endAsync();
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  rmSync(context.dir, { recursive: true, force: true });
});

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Publishes a command while the pot sleeps, as the hub does. */
async function sendWhileAsleep(context: Context, fields: Record<string, unknown>): Promise<void> {
  await waitUntil(() => context.pot.sleeping(), 15000, 'the pot to sleep');
  const issued = Math.floor(Date.now() / 1000);
  const command = { v: 1, kind: 'water', issued, expires: issued + 3600, ...fields };
  await context.hub.publishAsync(`poco/${ID}/cmd`, JSON.stringify(command), { qos: 1 });
}

function acksOf(context: Context, id: string): CommandAck[] {
  return context.recorder.on(`poco/${ID}/cmd/ack`).map((m) => JSON.parse(m.text) as CommandAck).filter((ack) => ack.id === id);
}

device('runs a command sent during sleep once, on waking', async (context) => {
  const runsBefore = context.soil.runs.length;
  const boots = context.pot.boots();
  await sendWhileAsleep(context, { id: 'sleep-1', duration_s: 3 });
  assert.ok(context.pot.sleeping(), 'the command was sent while the pot slept');
  await context.recorder.until(() => acksOf(context, 'sleep-1').length > 0, 20000, 'the acknowledgement of sleep-1');
  const ack = acksOf(context, 'sleep-1')[0]!;
  assert.is(ack.result, 'done');
  assert.is(ack.ran_s, 3);
  assert.ok(context.pot.boots() > boots, 'the pot woke to run it');
  assert.is(context.soil.runs.length, runsBefore + 1);
  assert.type(ack.moisture_before, 'number', JSON.stringify(ack));
  assert.type(ack.moisture_after, 'number', JSON.stringify(ack));
  assert.ok(ack.moisture_after! > ack.moisture_before! + 4, JSON.stringify(ack));
});

device('runs a duplicate delivery once', async (context) => {
  const runsBefore = context.soil.runs.length;
  await sendWhileAsleep(context, { id: 'twice', duration_s: 2 });
  await context.hub.publishAsync(`poco/${ID}/cmd`, JSON.stringify({ v: 1, id: 'twice', kind: 'water', duration_s: 2, issued: Math.floor(Date.now() / 1000), expires: Math.floor(Date.now() / 1000) + 3600 }), { qos: 1 });
  await context.recorder.until(() => acksOf(context, 'twice').length >= 2, 20000, 'two acknowledgements of "twice"');
  assert.equal(acksOf(context, 'twice').map((a) => a.result).sort(), ['done', 'duplicate']);
  assert.is(context.soil.runs.length, runsBefore + 1);
});

device('does not run an expired command', async (context) => {
  const runsBefore = context.soil.runs.length;
  const issued = Math.floor(Date.now() / 1000) - 100;
  await sendWhileAsleep(context, { id: 'late', duration_s: 2, issued, expires: issued + 10 });
  await context.recorder.until(() => acksOf(context, 'late').length > 0, 20000, 'the acknowledgement of "late"');
  const ack = acksOf(context, 'late')[0]!;
  assert.is(ack.result, 'expired');
  assert.is(ack.ran_s, 0);
  assert.is(context.soil.runs.length, runsBefore);
});

device('cuts a longer request to the pot maximum', async (context) => {
  await sendWhileAsleep(context, { id: 'long', duration_s: 60 });
  await context.recorder.until(() => acksOf(context, 'long').length > 0, 20000, 'the acknowledgement of "long"');
  const ack = acksOf(context, 'long')[0]!;
  assert.is(ack.result, 'done');
  assert.is(ack.ran_s, 5);
  const run = context.soil.runs[context.soil.runs.length - 1]!;
  assert.ok(run.seconds >= 4.9, `pump ran ${run.seconds} s`);
  // Far below the 60 s requested; a loaded machine fires the stop timer late by a fraction.
  assert.ok(run.seconds < 10, `pump ran ${run.seconds} s`);
});

device('keeps the pump off while asleep', async (context) => {
  await waitUntil(() => context.pot.sleeping(), 15000, 'the pot to sleep');
  const pumpEvents = context.events.filter((e) => e.type === 'pump');
  assert.ok(pumpEvents.length >= 6, `${pumpEvents.length} pump events`);
  assert.is(pumpEvents[pumpEvents.length - 1]!.type === 'pump' && (pumpEvents[pumpEvents.length - 1] as { on: boolean }).on, false);
});

device.run();
