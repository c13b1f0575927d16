import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, getJson, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4f0';
const TOPIC = `poco/${POT}/telemetry`;

interface Context {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
}

const ingest = suite<Context>('reading ingest');

ingest.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pub = await connectPublisher(context.broker.url);
});

ingest.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

ingest('stores a published reading and serves it', async ({ hub, pub }) => {
  await pub.publishAsync(TOPIC, readingPayload(1), { qos: 1 });
  await waitFor('reading stored', () => hub.app.mqtt.counters.stored === 1);

  const readings = await getJson(hub, `/api/pots/${POT}/readings`);
  assert.is(readings.status, 200);
  assert.is(readings.body.potId, POT);
  assert.is(readings.body.readings.length, 1);
  assert.is(readings.body.readings[0].seq, 1);
  assert.is(readings.body.readings[0].moisture_raw, 2001);
  assert.is(readings.body.readings[0].clock, 'device');

  const pots = await getJson(hub, '/api/pots');
  assert.equal(pots.body.pots.map((p: { id: string }) => p.id), [POT]);
  assert.is(pots.body.pots[0].status, 'online');
  assert.is(pots.body.pots[0].mac, 'A0:B1:C2:D3:E4:F0');
});

ingest('stores a QoS 1 redelivery once', async ({ hub, pub }) => {
  const payload = readingPayload(2);
  await pub.publishAsync(TOPIC, payload, { qos: 1 });
  await pub.publishAsync(TOPIC, payload, { qos: 1, dup: true });
  await waitFor('duplicate counted', () => hub.app.mqtt.counters.duplicates === 1);

  const readings = await getJson(hub, `/api/pots/${POT}/readings`);
  assert.equal(readings.body.readings.map((r: { seq: number }) => r.seq), [1, 2]);
  assert.is(hub.app.mqtt.counters.stored, 2);
});

ingest('writes readings to the day file', async ({ hub }) => {
  await hub.app.store.flush();
  const day = new Date().toISOString().slice(0, 10);
  const { readFileSync } = await import('node:fs');
  const file = JSON.parse(readFileSync(`${hub.dataDir}/history/${POT}/${day}.json`, 'utf8'));
  assert.equal(file.readings.map((r: { seq: number }) => r.seq), [1, 2]);
});

ingest('records announced status', async ({ hub, pub }) => {
  await pub.publishAsync(`poco/${POT}/status`, 'offline', { qos: 1 });
  await waitFor('offline announced', async () => (await getJson(hub, `/api/pots/${POT}`)).body.status === 'offline');

  await pub.publishAsync(TOPIC, readingPayload(3), { qos: 1 });
  const pot = await waitFor('back online', async () => {
    const body = (await getJson(hub, `/api/pots/${POT}`)).body;
    return body.status === 'online' ? body : undefined;
  });
  assert.is(pot.announced, 'offline');
  assert.is(pot.latest.seq, 3);
});

ingest('health reports the broker and counters', async ({ hub, broker }) => {
  const health = await getJson(hub, '/api/health');
  assert.is(health.status, 200);
  assert.is(health.body.status, 'ok');
  assert.is(health.body.broker.connected, true);
  assert.is(health.body.broker.embedded, false);
  assert.is(health.body.broker.url, broker.url);
  assert.is(health.body.counters.stored, 3);
  assert.is(health.body.counters.duplicates, 1);
});

ingest('keeps an online status sent before the first reading', async ({ hub, pub }) => {
  const fresh = 'a0b1c2d3e4f1';
  await pub.publishAsync(`poco/${fresh}/status`, 'online', { qos: 1, retain: true });
  await pub.publishAsync(`poco/${fresh}/telemetry`, readingPayload(1), { qos: 1 });
  const pot = await waitFor('new pot registered', async () => {
    const response = await getJson(hub, `/api/pots/${fresh}`);
    return response.status === 200 ? response.body : undefined;
  });
  assert.is(pot.announced, 'online');
});

ingest.run();
