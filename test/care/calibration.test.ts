// Calibration round trip through a real Mosquitto and hub: live raw values for the wizard, saved
// points with versions, the retained config a subscribed pot receives, and the stored history
// recomputed from raw. Also species and pot settings validation.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import mqtt, { type MqttClient } from 'mqtt';
import { parsePotConfig } from '../../domain/pot-config.js';
import { connectPublisher, getJson, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { publishReadings, sendJson } from './support.js';

const POT = '02504f43cc01';
const MINUTE = 60000;

interface Context {
  broker: Broker;
  hub: TestHub;
  publisher: MqttClient;
  start: number;
}

const test = suite<Context>('calibration round trip');

test.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_TIME_ZONE: 'UTC', POCO_LOG_LEVEL: 'warn' } });
  context.publisher = await connectPublisher(context.broker.url);
  context.start = Math.floor(Date.now() / 1000) * 1000 - 60 * MINUTE;
});

test.after(async (context) => {
  await context.publisher?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  if (context.broker) removeBrokerDir(context.broker);
  if (context.hub) removeDir(context.hub.dataDir);
});

async function publish(context: Context, raws: number[], firstMinute: number): Promise<void> {
  const before = context.hub.app.mqtt.counters.stored;
  const readings = raws.map((raw, i) => ({ at: context.start + (firstMinute + i) * MINUTE, moisture_raw: raw }));
  await publishReadings(context.publisher, POT, readings, firstMinute + 1);
  await waitFor('readings stored', () => context.hub.app.mqtt.counters.stored >= before + raws.length, 10000);
}

test('wizard reads the live raw median', async (context) => {
  // Dry soil: a stray reading does not move the median of the last five.
  await publish(context, [3010, 2990, 3000, 3600, 3005], 0);
  let live = (await getJson(context.hub, `/api/pots/${POT}/calibration`)).body;
  assert.is(live.current, null);
  assert.is(live.live.median, 3005);

  // Freshly watered, saturated soil.
  await publish(context, [1310, 1290, 1300, 1305, 1295], 5);
  live = (await getJson(context.hub, `/api/pots/${POT}/calibration`)).body;
  assert.is(live.live.median, 1300);
});

test('saved points reach the pot retained', async (context) => {
  const saved = await sendJson(`${context.hub.url}/api/pots/${POT}/calibration`, 'POST', { dry: 3005, wet: 1300 });
  assert.is(saved.status, 201, JSON.stringify(saved.body));
  assert.is(saved.body.published, true);
  assert.is(saved.body.calibration.version, 1);
  assert.equal(saved.body.hints, []);

  // A pot that connects later still gets the config, because it is retained.
  const pot = await mqtt.connectAsync(context.broker.url, { clientId: 'poco-' + POT, reconnectPeriod: 0 });
  try {
    const received = new Promise<string>((resolve) => pot.on('message', (_topic, payload) => resolve(payload.toString())));
    await pot.subscribeAsync(`poco/${POT}/config`, { qos: 1 });
    const parsed = parsePotConfig(await received);
    assert.ok(parsed.ok, parsed.error);
    assert.equal(parsed.config!.calibration, { dry: 3005, wet: 1300 });
    assert.is(parsed.config!.interval_s, 60, 'the pot keeps its interval');
  } finally {
    await pot.endAsync();
  }

  const second = await sendJson(`${context.hub.url}/api/pots/${POT}/calibration`, 'POST', { dry: 3000, wet: 1300 });
  assert.is(second.body.calibration.version, 2);
  const versions = (await getJson(context.hub, `/api/pots/${POT}/calibration`)).body.versions;
  assert.equal(versions.map((v: { version: number }) => v.version), [1, 2]);
});

test('recompute derives old moisture from raw', async (context) => {
  const from = context.start - MINUTE;
  let readings = (await getJson(context.hub, `/api/pots/${POT}/readings?from=${from}`)).body.readings;
  assert.ok(readings.every((r: { moisture: number | null }) => r.moisture === null), 'no moisture before the calibration');

  const result = await sendJson(`${context.hub.url}/api/pots/${POT}/recompute`, 'POST', {});
  assert.is(result.status, 200, JSON.stringify(result.body));
  assert.is(result.body.readings, 10);
  assert.is(result.body.changed, 10);

  readings = (await getJson(context.hub, `/api/pots/${POT}/readings?from=${from}`)).body.readings;
  const byRaw = new Map(readings.map((r: { moisture_raw: number }) => [r.moisture_raw, r]));
  assert.is((byRaw.get(3000) as { moisture: number }).moisture, 0);
  assert.is((byRaw.get(1300) as { moisture: number }).moisture, 100);
  assert.is((byRaw.get(3600) as { moisture: number; moisture_clamped?: boolean }).moisture, 0);
  assert.is((byRaw.get(3600) as { moisture_clamped?: boolean }).moisture_clamped, true, 'a value beyond dry is clamped and marked');
  assert.is((byRaw.get(1290) as { moisture_clamped?: boolean }).moisture_clamped, true);
});

test('new raw readings get moisture', async (context) => {
  await publish(context, [2150], 20);
  const pot = (await getJson(context.hub, `/api/pots/${POT}`)).body;
  assert.is(pot.latest.moisture, 50);
});

test('hints and bad points', async (context) => {
  const url = `${context.hub.url}/api/pots/${POT}/calibration`;
  const hinted = await sendJson(url, 'POST', { dry: 1000, wet: 1100 });
  assert.is(hinted.status, 201);
  assert.equal(hinted.body.hints, ['inverted', 'narrow']);

  const equal = await sendJson(url, 'POST', { dry: 1500, wet: 1500 });
  assert.is(equal.status, 400);
  assert.match(equal.body.error, 'equal');
  const missing = await sendJson(url, 'POST', { dry: 1500 });
  assert.is(missing.status, 400);
  assert.match(missing.body.error, 'wet');
});

test('species and pot settings validated', async (context) => {
  const bad = await sendJson(`${context.hub.url}/api/species`, 'POST', { id: 'My Plant', name_fr: 'x' });
  assert.is(bad.status, 400);
  assert.match(bad.body.error, 'id "My Plant" is invalid');
  assert.match(bad.body.error, 'latin');

  const entry = {
    id: 'classroom-bean', name_fr: 'Haricot de la classe', name_en: 'Classroom bean', latin: 'Phaseolus vulgaris',
    moisture: { min: 40, max: 80 }, light: { min: 2000, max: 40000 }, hint_fr: 'Garder humide.', hint_en: 'Keep moist.',
    source: 'POCO estimate from general care guidance',
  };
  assert.is((await sendJson(`${context.hub.url}/api/species`, 'POST', entry)).status, 201);
  const list = (await getJson(context.hub, '/api/species')).body.species as Array<{ id: string; user: boolean }>;
  assert.ok(list.length >= 41);
  assert.is(list.find((s) => s.id === 'classroom-bean')?.user, true);

  const unknown = await sendJson(`${context.hub.url}/api/pots/${POT}`, 'PUT', { speciesId: 'no-such-plant' });
  assert.is(unknown.status, 400);
  assert.match(unknown.body.error, 'no-such-plant');
  const quiet = await sendJson(`${context.hub.url}/api/pots/${POT}`, 'PUT', { quietHours: { start: '25:00', end: '07:00' } });
  assert.is(quiet.status, 400);
  const channel = await sendJson(`${context.hub.url}/api/pots/${POT}`, 'PUT', { channels: ['sms'] });
  assert.is(channel.status, 400);
  const range = await sendJson(`${context.hub.url}/api/pots/${POT}`, 'PUT', { speciesId: 'classroom-bean', thresholds: { moisture: { min: 70, max: 30 } } });
  assert.is(range.status, 400);
  assert.match(range.body.error, 'moisture min (70) must be below max (30)');

  const name = '<img src=x onerror=alert(1)>';
  const ok = await sendJson(`${context.hub.url}/api/pots/${POT}`, 'PUT', { name, speciesId: 'classroom-bean' });
  assert.is(ok.status, 200);
  assert.is(ok.body.care.name, name, 'names are stored as given and shown as text');
});

test.run();
