import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, getJson, readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4f2';
const TOPIC = `poco/${POT}/telemetry`;

interface Context {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
}

const bad = suite<Context>('bad payloads');

bad.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pub = await connectPublisher(context.broker.url);
});

bad.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

/** Publishes `payload`, then a good reading, and waits until the good one is stored. */
async function publishThenGood({ hub, pub }: Context, payload: string | Buffer, goodSeq: number): Promise<void> {
  const stored = hub.app.mqtt.counters.stored;
  await pub.publishAsync(TOPIC, payload, { qos: 1 });
  await pub.publishAsync(TOPIC, readingPayload(goodSeq), { qos: 1 });
  await waitFor(`good reading ${goodSeq}`, () => hub.app.mqtt.counters.stored === stored + 1);
}

function rejected(hub: TestHub, reason: string): number {
  return (hub.app.mqtt.counters.rejected as Record<string, number>)[reason] ?? 0;
}

bad('rejects non-finite numbers naming the field', async (context) => {
  const cases = ['{"v":1,"seq":9,"fw":"1","moisture_raw": NaN}', '{"v":1,"seq":9,"fw":"1","moisture_raw": nan}', '{"v":1,"seq":9,"fw":"1","light_raw": Infinity}'];
  let seq = 100;
  for (const payload of cases) await publishThenGood(context, payload, ++seq);

  assert.is(rejected(context.hub, 'non_finite'), 3);
  const warning = context.hub.logs.find((l) => l.reason === 'non_finite');
  assert.ok(warning, 'a warning for the non-finite value');
  assert.is(warning.potId, POT);
  assert.is(warning.topic, TOPIC);
  assert.match(String(warning.error), /moisture_raw/);
  // The Infinity in light_raw came within the same minute: its own field still gets a line.
  const warned = context.hub.logs.filter((l) => l.reason === 'non_finite').map((l) => String(l.error));
  assert.ok(warned.some((e) => /light_raw/.test(e)), warned.join(' | '));
});

bad('rejects wrong types and numeric strings', async (context) => {
  const before = rejected(context.hub, 'invalid');
  await publishThenGood(context, readingPayload(1, { moisture_raw: 'None' }), 201);
  await publishThenGood(context, readingPayload(1, { moisture_raw: '42' }), 202);
  await publishThenGood(context, readingPayload(1, { light_raw: 'wet' }), 203);
  assert.is(rejected(context.hub, 'invalid'), before + 3);
});

bad('stores a missing moisture as partial', async ({ hub, pub }) => {
  await pub.publishAsync(TOPIC, JSON.stringify({ v: 1, seq: 300, light_raw: 600, fw: '0.1.0' }), { qos: 1 });
  await waitFor('partial reading', () => hub.app.store.pot(POT, Date.now())?.latest?.seq === 300);
  const pot = hub.app.store.pot(POT, Date.now())!;
  assert.is(pot.latest?.partial, true);
  assert.is(pot.latest?.moisture_raw, null);
  assert.is(pot.latest?.light_raw, 600);
});

bad('rejects non-UTF-8 bytes', async (context) => {
  const payload = Buffer.concat([Buffer.from([0x8d, 0x03]), Buffer.from(readingPayload(400))]);
  await publishThenGood(context, payload, 401);
  assert.is(rejected(context.hub, 'not_utf8'), 1);
  const warning = context.hub.logs.find((l) => l.reason === 'not_utf8');
  assert.ok(warning, 'a log line names the rejection');
  assert.is(warning?.topic, TOPIC);
  assert.is(warning?.potId, POT);
});

bad('rejects a 1 MB payload before parsing', async (context) => {
  await publishThenGood(context, Buffer.alloc(1024 * 1024, 0x7b), 501);
  assert.is(rejected(context.hub, 'too_large'), 1);
  const warning = context.hub.logs.find((l) => l.reason === 'too_large');
  assert.is(warning?.bytes, 1024 * 1024);
  assert.is(warning?.topic, TOPIC);
});

bad('rejects unknown status payloads', async (context) => {
  await context.pub.publishAsync(`poco/${POT}/status`, 'sleeping', { qos: 1 });
  await waitFor('bad status counted', () => rejected(context.hub, 'bad_status') === 1);
});

bad('rejects topics with an invalid pot id', async (context) => {
  await context.pub.publishAsync('poco/AABBCCDDEEFF/telemetry', readingPayload(1), { qos: 1 });
  await waitFor('bad topic counted', () => rejected(context.hub, 'bad_topic') === 1);
});

bad('rate-limits repeated warnings per pot', async (context) => {
  for (let i = 0; i < 20; i++) await context.pub.publishAsync(TOPIC, 'not json', { qos: 1 });
  await publishThenGood(context, 'still not json', 701);
  assert.is(rejected(context.hub, 'not_json'), 21);
  assert.is(context.hub.logs.filter((l) => l.reason === 'not_json').length, 1);
});

bad('keeps serving after every bad input', async ({ hub }) => {
  const health = await getJson(hub, '/api/health');
  assert.is(health.body.status, 'ok');
  const readings = await getJson(hub, `/api/pots/${POT}/readings`);
  const stored = readings.body.readings as { seq: number; moisture_raw: number | null }[];
  assert.ok(stored.every((r) => r.moisture_raw !== 0), 'no bad value stored as 0');
  assert.is(stored.length, hub.app.mqtt.counters.stored);
});

bad.run();
