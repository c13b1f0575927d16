// Readings taken every 10 s, more often than plant care's window checks run (every 30 s of
// measurement time). The first watering of the shipped trace is found at the time a check of
// every reading gives, and a dead probe is still reported within the check interval.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { detectWaterings } from '../../domain/watering-detect.js';
import { WINDOW_CHECK_MS } from '../../hub/care/judge.js';
import { connectPublisher, getJson, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { loadShippedTrace, publishReadings, type DeviceReading } from './support.js';

const WATERED = '02504f43aa11';
const DEAD = '02504f43aa12';
const DAY = 24 * 3600 * 1000;
const STEP_MS = 10 * 1000;

interface Context {
  broker: Broker;
  hub: TestHub;
  publisher: MqttClient;
}

const fast = suite<Context>('readings every 10 s');

fast.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_TIME_ZONE: 'UTC' } });
  context.publisher = await connectPublisher(context.broker.url);
});

fast.after(async (context) => {
  await context.publisher?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  if (context.broker) removeBrokerDir(context.broker);
  if (context.hub) removeDir(context.hub.dataDir);
});

/** Repeats each row every STEP_MS until the next one, so every step keeps its time. */
function held(rows: DeviceReading[]): DeviceReading[] {
  const result: DeviceReading[] = [];
  rows.forEach((row, i) => {
    const next = rows[i + 1]?.at ?? row.at + STEP_MS;
    for (let at = row.at; at < next; at += STEP_MS) result.push({ ...row, at });
  });
  return result;
}

fast('watering keeps its time', async (context) => {
  const trace = loadShippedTrace();
  const first = trace.rows[0]!.timeMs;
  const shift = Math.floor((Date.now() - 2 * DAY - first) / DAY) * DAY;
  const rows = trace.rows.filter((row) => row.timeMs < first + 3 * 3600 * 1000).map((row) => ({ at: row.timeMs + shift, moisture_raw: row.moistureRaw, light_raw: row.lightRaw, light: row.light }));
  const readings = held(rows);
  assert.ok(readings.length > 1000, `${readings.length} readings`);

  const { hub, publisher } = context;
  const before = hub.app.mqtt.counters.stored;
  await publishReadings(publisher, WATERED, readings);
  await waitFor('readings stored', () => hub.app.mqtt.counters.stored >= before + readings.length, 60000);
  await waitFor('watering on the timeline', async () => {
    const events = (await getJson(hub, `/api/pots/${WATERED}/timeline`)).body.events as Array<{ kind: string }>;
    return events.some((e) => e.kind === 'watering');
  }, 10000);

  const events = (await getJson(hub, `/api/pots/${WATERED}/timeline`)).body.events as Array<{ at: number; kind: string }>;
  const waterings = events.filter((e) => e.kind === 'watering').map((e) => e.at);
  // The detection run once over the whole series, as if every reading had been checked.
  const expected = detectWaterings(readings.map((r) => ({ at: r.at, raw: r.moisture_raw })), null).waterings.map((w) => w.at);
  assert.ok(expected.length > 0, 'the series has a watering');
  assert.equal(waterings, expected);
});

fast('dead probe reported', async (context) => {
  const { hub, publisher } = context;
  const start = Date.now() - 3600 * 1000;
  // A live probe for 20 minutes, then a pin stuck at the converter's rail.
  const readings: DeviceReading[] = [];
  for (let at = start; at < start + 40 * 60 * 1000; at += STEP_MS) {
    const dead = at >= start + 20 * 60 * 1000;
    readings.push({ at, moisture_raw: dead ? 4095 : 2000 + Math.round(30 * Math.sin(at / 60000)), light_raw: 500, light: 300 });
  }
  await publishReadings(publisher, DEAD, readings);
  await waitFor('dead probe reported', async () => {
    const care = (await getJson(hub, `/api/pots/${DEAD}/care`)).body as { faults: Array<{ sensor: string; since: number }> };
    return care.faults.some((f) => f.sensor === 'moisture');
  }, 30000);
  const care = (await getJson(hub, `/api/pots/${DEAD}/care`)).body as { faults: Array<{ sensor: string; since: number }> };
  const fault = care.faults.find((f) => f.sensor === 'moisture')!;
  assert.ok(fault.since >= start + 20 * 60 * 1000 - WINDOW_CHECK_MS, `fault since ${new Date(fault.since).toISOString()}`);
});

fast.run();
