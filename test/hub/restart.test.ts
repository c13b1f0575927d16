import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, getJson, readingPayload, removeDir, startHub, tempDataDir, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4f4';
const TOPIC = `poco/${POT}/telemetry`;
/** Fixed pot clock per reading, so a resend of a number is the same measurement. */
const BASE_S = Math.floor(Date.now() / 1000) - 60;
const payload = (seq: number) => readingPayload(seq, { ts: BASE_S + seq });

interface Context {
  broker: Broker;
  dataDir: string;
  hub: TestHub | null;
  pub: MqttClient;
  others: TestHub[];
}

const restart = suite<Context>('hub restart');

restart.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
  context.pub = await connectPublisher(context.broker.url);
  context.others = [];
});

restart.after(async (context) => {
  await context.pub?.endAsync();
  for (const hub of [context.hub, ...context.others]) await hub?.close();
  await context.broker?.stop();
  removeDir(context.dataDir);
  for (const hub of context.others) removeDir(hub.dataDir);
  removeBrokerDir(context.broker);
});

restart('stores readings sent while it was stopped', async (context) => {
  await context.pub.publishAsync(TOPIC, payload(1), { qos: 1 });
  await waitFor('first reading', () => context.hub?.app.mqtt.counters.stored === 1);
  const before = (await getJson(context.hub!, `/api/pots/${POT}`)).body;

  await context.hub!.close();
  context.hub = null;
  for (const seq of [2, 3, 4]) await context.pub.publishAsync(TOPIC, payload(seq), { qos: 1 });

  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
  const hub = context.hub;
  await waitFor('queued readings', () => hub.app.mqtt.counters.stored === 3);
  const readings = await getJson(hub, `/api/pots/${POT}/readings`);
  assert.equal(readings.body.readings.map((r: { seq: number }) => r.seq), [1, 2, 3, 4]);

  const after = (await getJson(hub, `/api/pots/${POT}`)).body;
  assert.is(after.firstSeen, before.firstSeen);
  assert.ok(after.lastSeen >= before.lastSeen, 'lastSeen kept or advanced');
});

restart('keeps lastSeen across a restart', async (context) => {
  const before = (await getJson(context.hub!, `/api/pots/${POT}`)).body;
  await context.hub!.close();
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
  const after = (await getJson(context.hub, `/api/pots/${POT}`)).body;
  assert.is(after.lastSeen, before.lastSeen);
  assert.is(after.latest.seq, 4);
});

restart('restores pots after a damaged registry', async (context) => {
  const before = (await getJson(context.hub!, `/api/pots/${POT}`)).body;
  await context.hub!.close();
  writeFileSync(join(context.dataDir, 'pots.json'), '{"pots": {"a0b1');
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
  const after = await getJson(context.hub, `/api/pots/${POT}`);
  assert.is(after.status, 200, 'the pot is listed again');
  assert.is(after.body.lastSeen, before.lastSeen);
  assert.is(after.body.firstSeen, before.firstSeen);
  assert.is(after.body.latest.seq, 4);
  assert.ok(context.hub.logs.some((line) => line.level === 40 && line['potId'] === POT && String(line.msg).startsWith('pot missing from the registry')), 'the restore is logged');
});

restart('drops a redelivery after a restart', async (context) => {
  const hub = context.hub!;
  await context.pub.publishAsync(TOPIC, payload(4), { qos: 1 });
  await waitFor('duplicate counted', () => hub.app.mqtt.counters.duplicates === 1);
  assert.is(hub.app.mqtt.counters.stored, 0);
});

restart('rejects a second hub on the same data folder', async (context) => {
  try {
    const second = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
    context.others.push(second);
    assert.unreachable('the second hub started');
  } catch (err) {
    assert.instance(err, Error);
    assert.match((err as Error).message, /in use by another hub \(pid \d+\)/);
    assert.match((err as Error).message, /POCO_DATA_DIR/);
  }
  const health = await getJson(context.hub!, '/api/health');
  assert.is(health.body.status, 'ok');
});

restart('stops instead of fighting over a client id', async (context) => {
  const first = context.hub!;
  const clientId = first.app.config.mqttClientId;
  const second = await startHub({ brokerUrl: context.broker.url, env: { POCO_MQTT_CLIENT_ID: clientId } });
  context.others.push(second);

  // One hub gives up after a few kicks (the broker cuts the older connection each time).
  const stopped = await waitFor('one hub stopped', () => [first, second].find((h) => h.app.mqtt.status().stopped), 20000);
  const running = stopped === first ? second : first;
  const takeover = stopped.logs.find((l) => l.level === 50 && /took the session/.test(l.msg));
  assert.ok(takeover, 'an error log names the cause');
  assert.is(takeover.clientId, clientId);

  // Long enough for several reconnect periods (2 s) had the stopped hub kept trying.
  await waitFor('other hub connected', () => running.app.mqtt.status().connected, 5000);
  const connects = (hub: TestHub) => hub.logs.filter((l) => l.msg === 'connected to the broker').length;
  const stoppedConnects = connects(stopped);
  const runningConnects = connects(running);
  await new Promise((r) => setTimeout(r, 4500));
  assert.is(connects(stopped), stoppedConnects);
  assert.is(connects(running), runningConnects);
  assert.ok(stoppedConnects <= 4, `stopped after ${stoppedConnects} connections`);
  assert.is(stopped.app.mqtt.status().connected, false);
  assert.is(running.app.mqtt.status().connected, true);

  const storedBefore = running.app.mqtt.counters.stored;
  await context.pub.publishAsync(TOPIC, readingPayload(5), { qos: 1 });
  await waitFor('running hub stores', () => running.app.mqtt.counters.stored === storedBefore + 1);
});

restart.run();
