// The hub against a broker that speaks MQTT 3.1.1 only: aedes 1.2, started on a free loopback
// port with the embedded broker's own function. The broker rejects the hub's MQTT 5 CONNECT, so
// the hub falls back to 3.1.1, stores readings, and reconnects after the broker restarts.
import mqtt, { type MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../hub/mqtt/embedded-broker.js';
import { freePort } from '../support/mosquitto.js';
import { getJson, readingPayload, removeDir, startHub, waitFor, type TestHub, type LogLine } from '../support/hub.js';

const POT = 'a0b1c2d3e4fa';
/** Longer than the hub's 2 s reconnect period. */
const OUTAGE_MS = 2500;
const FALLBACK_LOG = /rejected MQTT 5; using MQTT 3\.1\.1/;

interface Context {
  port: number;
  broker: EmbeddedBroker;
  hub: TestHub;
  pub: MqttClient;
}

function fallbackWarnings(logs: readonly LogLine[]): LogLine[] {
  return logs.filter((line) => FALLBACK_LOG.test(line.msg));
}

function connectPublisher(port: number): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 4, clientId: 'test-pub-311', reconnectPeriod: 200 });
}

const mqtt311 = suite<Context>('MQTT 3.1.1 broker');

mqtt311.before(async (context) => {
  context.port = await freePort();
  context.broker = await startEmbeddedBroker('127.0.0.1', context.port);
  // Not waiting in startHub: without the fallback the hub never connects, and this bound reports it.
  context.hub = await startHub({ brokerUrl: `mqtt://127.0.0.1:${context.port}`, env: { POCO_EMBEDDED_BROKER: 'off' }, waitForBroker: false });
  const hub = context.hub;
  await waitFor('hub connected to the 3.1.1 broker', () => hub.app.mqtt.status().connected, 10000);
  context.pub = await connectPublisher(context.port);
});

mqtt311.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.close();
  if (context.hub) removeDir(context.hub.dataDir);
});

mqtt311('health says connected', async ({ hub }) => {
  const health = await getJson(hub, '/api/health');
  assert.is(health.status, 200);
  assert.is(health.body.broker.connected, true);
  assert.is(health.body.broker.embedded, false);
});

mqtt311('warns once about the fallback', async ({ hub }) => {
  const warnings = fallbackWarnings(hub.logs);
  assert.is(warnings.length, 1);
  assert.is(warnings[0]!.level, 40);
  assert.match(warnings[0]!.msg, /no expiry/);
});

mqtt311('stores a reading from a 3.1.1 client', async ({ hub, pub }) => {
  await pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  await waitFor('reading stored', () => hub.app.mqtt.counters.stored === 1);
  const readings = await getJson(hub, `/api/pots/${POT}/readings`);
  assert.is(readings.body.readings.length, 1);
  assert.is(readings.body.readings[0].seq, 1);
});

mqtt311('reconnects after the broker restarts', async (context) => {
  const { hub } = context;
  await context.broker.close();
  await waitFor('connection lost', () => !hub.app.mqtt.status().connected, 5000);
  const attempts = () => hub.logs.filter((line) => line.msg === 'reconnecting to the broker').length;
  const before = attempts();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  // A client.reconnect() on each close would retry in a tight loop here (about 200 times a second).
  assert.ok(attempts() - before <= 2, `${attempts() - before} reconnect attempts in ${OUTAGE_MS} ms`);
  context.broker = await startEmbeddedBroker('127.0.0.1', context.port);

  // The fallback already chose 3.1.1, so the next retry is accepted.
  await waitFor('hub connected again', () => hub.app.mqtt.status().connected, 10000);
  await waitFor('publisher connected again', () => context.pub.connected, 5000);
  await context.pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(2), { qos: 1 });
  await waitFor('second reading stored', () => hub.app.mqtt.counters.stored === 2);
  assert.is(fallbackWarnings(hub.logs).length, 1);
  assert.is(hub.logs.filter((line) => /rejected the connection/.test(line.msg)).length, 0);
});

mqtt311.run();
