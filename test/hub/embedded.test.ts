import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import { freePort } from '../support/mosquitto.js';
import { getJson, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4f8';

interface Context {
  url: string;
  hub: TestHub;
  pub: MqttClient;
}

const embedded = suite<Context>('embedded broker');

embedded.before(async (context) => {
  context.url = `mqtt://127.0.0.1:${await freePort()}`;
  context.hub = await startHub({ brokerUrl: context.url });
  // Aedes speaks MQTT 3.1.1 only.
  context.pub = await mqtt.connectAsync(context.url, { protocolVersion: 4, reconnectPeriod: 0 });
});

embedded.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  removeDir(context.hub.dataDir);
});

embedded('starts aedes when nothing listens', async ({ hub, url }) => {
  const health = await getJson(hub, '/api/health');
  assert.equal(health.body.broker, { connected: true, url, embedded: true, stopped: false });
  assert.ok(hub.logs.some((l) => /embedded broker/.test(l.msg)));
});

embedded('stores a reading published to it', async ({ hub, pub }) => {
  await pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  await waitFor('reading stored', () => hub.app.mqtt.counters.stored === 1);
  const readings = await getJson(hub, `/api/pots/${POT}/readings`);
  assert.is(readings.body.readings.length, 1);
});

embedded.run();

// ---

const off = suite<{ url: string; hub: TestHub }>('embedded broker off');

off.before(async (context) => {
  context.url = `mqtt://127.0.0.1:${await freePort()}`;
  context.hub = await startHub({ brokerUrl: context.url, env: { POCO_EMBEDDED_BROKER: 'off' }, waitForBroker: false });
});

off.after(async (context) => {
  await context.hub?.close();
  if (context.hub) removeDir(context.hub.dataDir);
});

off('reports a degraded broker link', async ({ hub }) => {
  const health = await getJson(hub, '/api/health');
  assert.is(health.status, 503);
  assert.is(health.body.status, 'degraded');
  assert.is(health.body.broker.embedded, false);
  assert.is(health.body.broker.connected, false);
  // The first connection attempt starts when the hub listens, and fails a moment later.
  await waitFor('unreachable broker logged', () => hub.logs.some((l) => /broker not reachable yet/.test(l.msg)));
});

off.run();
