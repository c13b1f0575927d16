// The shipped PlantWatch trace replayed through a real Mosquitto and hub, shifted to end now with
// device timestamps: plant state, waterings, forecast, and alerts by e-mail, webhook and ntfy.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { connectPublisher, getJson, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import {
  decodeMimeWords, loadShippedTrace, publishReadings, sendJson, startMailServer, startReceiver,
  type DeviceReading, type MailServer, type Receiver,
} from './support.js';

const POT = '02504f43aa01';
const DAY = 24 * 3600 * 1000;

interface Context {
  broker: Broker;
  hub: TestHub;
  mail: MailServer;
  webhook: Receiver;
  ntfy: Receiver;
  publisher: MqttClient;
  readings: DeviceReading[];
  shift: number;
}

const test = suite<Context>('trace replay');

test.before(async (context) => {
  const trace = loadShippedTrace();
  const last = trace.rows[trace.rows.length - 1]!.timeMs;
  // Whole days, so the trace's nights stay nights in UTC.
  context.shift = Math.floor((Date.now() - 60000 - last) / DAY) * DAY;
  context.readings = trace.rows.map((row) => ({ at: row.timeMs + context.shift, moisture_raw: row.moistureRaw, light_raw: row.lightRaw, light: row.light }));

  context.broker = await startMosquitto();
  context.mail = await startMailServer();
  context.webhook = await startReceiver('/hook/secret-token');
  context.ntfy = await startReceiver('/poco-alerts');
  // The first webhook attempt fails, so the delivery must be retried and still arrive once.
  context.webhook.failNext.push(500);
  context.hub = await startHub({
    brokerUrl: context.broker.url,
    env: {
      POCO_TIME_ZONE: 'UTC',
      POCO_SMTP_HOST: '127.0.0.1',
      POCO_SMTP_PORT: String(context.mail.port),
      POCO_SMTP_FROM: 'poco@school.test',
      POCO_SMTP_TO: 'teacher@school.test',
      POCO_WEBHOOK_URL: context.webhook.url,
      POCO_NTFY_URL: context.ntfy.url,
      POCO_ALERT_RETRY_MS: '50',
    },
  });
  context.publisher = await connectPublisher(context.broker.url);
});

test.after(async (context) => {
  await context.publisher?.endAsync();
  await context.hub?.close();
  await context.mail?.close();
  await context.webhook?.close();
  await context.ntfy?.close();
  await context.broker?.stop();
  if (context.broker) removeBrokerDir(context.broker);
  if (context.hub) removeDir(context.hub.dataDir);
});

const at = (context: Context, wall: string): number => Date.parse(wall + ':00Z') + context.shift;

test('pothos pot with calibration and channels', async (context) => {
  const { hub, publisher, readings } = context;
  await publishReadings(publisher, POT, readings.slice(0, 1));
  await waitFor('pot registered', async () => (await getJson(hub, `/api/pots/${POT}`)).status === 200);

  const put = await sendJson(`${hub.url}/api/pots/${POT}`, 'PUT', {
    name: 'Pothos du CDI', speciesId: 'pothos', channels: ['email', 'webhook', 'ntfy'],
    sensor: { moistureAdcMax: 32767, lightAdcMax: 65535 },
  });
  assert.is(put.status, 200, JSON.stringify(put.body));
  const calibration = await sendJson(`${hub.url}/api/pots/${POT}/calibration`, 'POST', loadShippedTrace().calibration);
  assert.is(calibration.status, 201, JSON.stringify(calibration.body));
});

test('forecast shown while the soil dries', async (context) => {
  const { hub, publisher, readings } = context;
  const cut = at(context, '2025-09-19T12:00');
  const part = readings.filter((r) => r.at > readings[0]!.at && r.at <= cut);
  await publishReadings(publisher, POT, part, 2);
  await waitFor('first part stored', () => hub.app.mqtt.counters.stored >= part.length + 1, 60000);

  const care = (await getJson(hub, `/api/pots/${POT}/care`)).body;
  assert.ok(care.forecast?.result.ok, JSON.stringify(care.forecast));
  assert.ok(care.forecast.days.days >= 0.5 && care.forecast.days.days <= 4, `forecast in ${care.forecast.days.days} days`);
  assert.ok(care.forecast.days.earliest <= care.forecast.days.days);
  assert.ok(care.forecast.days.latest >= care.forecast.days.days);
  assert.is(care.moistureState, 'ok');
  assert.equal(care.alerts.filter((a: { kind: string }) => a.kind === 'too_dry'), []);
});

test('too dry then watered, two waterings', async (context) => {
  const { hub, publisher, readings } = context;
  const cut = at(context, '2025-09-19T12:00');
  const rest = readings.filter((r) => r.at > cut);
  const before = hub.app.mqtt.counters.stored;
  await publishReadings(publisher, POT, rest, 100000);
  await waitFor('whole trace stored', () => hub.app.mqtt.counters.stored >= before + rest.length, 60000);

  const care = (await getJson(hub, `/api/pots/${POT}/care`)).body;
  assert.is(care.moistureState, 'ok');
  assert.equal(care.faults, []);

  const timeline = (await getJson(hub, `/api/pots/${POT}/timeline`)).body.events as Array<{ at: number; kind: string; data: Record<string, unknown> }>;
  const waterings = timeline.filter((e) => e.kind === 'watering');
  assert.equal(waterings.map((e) => e.at), [at(context, '2025-09-15T17:27'), at(context, '2025-09-28T15:44')]);
  assert.ok(waterings.every((e) => e.data['acrossGap'] === false), 'no watering across a night gap');

  const dry = timeline.filter((e) => e.data['alert'] === 'too_dry');
  assert.equal(dry.map((e) => e.kind), ['alert_raised', 'alert_cleared']);
  assert.is(dry[0]!.at, at(context, '2025-09-22T06:30'));
  assert.ok(dry[1]!.at > at(context, '2025-09-28T15:44'), 'cleared after the watering');
  assert.ok(timeline.some((e) => e.kind === 'calibration'));
});

test('one e-mail when dry, one when watered', async (context) => {
  const { mail } = context;
  await waitFor('two too_dry e-mails', () => mail.mails.filter((m) => m.subject.includes('trop sec')).length >= 2, 10000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const dry = mail.mails.filter((m) => m.subject.includes('trop sec'));
  assert.is(dry.length, 2, dry.map((m) => m.subject).join(' | '));
  assert.is(dry[0]!.subject, 'POCO Pothos du CDI : trop sec / too dry');
  assert.is(dry[1]!.subject, 'POCO Pothos du CDI : fin de « trop sec » / too dry cleared');
  assert.equal(dry[0]!.to, ['teacher@school.test']);
  assert.ok(dry[0]!.body.includes('Arrosez'), dry[0]!.body);
});

test('webhook retried and ntfy titled', async (context) => {
  const { webhook, ntfy, hub } = context;
  await waitFor('webhook deliveries', () => webhook.received.filter((r) => r.body.includes('"too_dry"')).length >= 2, 10000);
  const hooks = webhook.received.map((r) => JSON.parse(r.body) as { kind: string; phase: string; potId: string });
  assert.equal(hooks.filter((h) => h.kind === 'too_dry').map((h) => h.phase), ['raised', 'cleared']);
  assert.is(hooks[0]!.potId, POT);

  await waitFor('ntfy deliveries', () => ntfy.received.length >= 2, 10000);
  const titles = ntfy.received.map((r) => decodeMimeWords(String(r.headers['title'])));
  assert.ok(titles.includes('POCO Pothos du CDI : trop sec / too dry'), titles.join(' | '));

  const retried = hub.logs.find((line) => line.msg === 'alert delivery failed; retrying');
  assert.ok(retried, 'the failed attempt is logged');
  assert.not.ok(JSON.stringify(retried).includes('secret-token'), 'the webhook path is not logged');
});

test.run();
