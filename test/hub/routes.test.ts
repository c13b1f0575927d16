import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, getJson, readingPayload, removeDir, startHub, tempDataDir, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4fc';

interface Context {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
}

const routes = suite<Context>('REST routes');

routes.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pub = await connectPublisher(context.broker.url);
  await context.pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  await waitFor('reading stored', () => context.hub.app.mqtt.counters.stored === 1);
});

routes.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

routes('accepts any MAC form', async ({ hub }) => {
  for (const form of ['A0:B1:C2:D3:E4:FC', 'a0-b1-c2-d3-e4-fc', 'A0B1C2D3E4FC']) {
    const pot = await getJson(hub, `/api/pots/${encodeURIComponent(form)}`);
    assert.is(pot.status, 200, form);
    assert.is(pot.body.id, POT);
  }
});

routes('answers 404 for an unknown pot', async ({ hub }) => {
  const pot = await getJson(hub, '/api/pots/a0b1c2d3e400');
  assert.is(pot.status, 404);
  assert.match(pot.body.error, /not found/);
  const readings = await getJson(hub, '/api/pots/a0b1c2d3e400/readings');
  assert.is(readings.status, 404);
});

routes('answers 400 naming a bad MAC', async ({ hub }) => {
  const pot = await getJson(hub, '/api/pots/plant-1');
  assert.is(pot.status, 400);
  assert.match(pot.body.error, /"plant-1"/);
});

routes('checks reading ranges', async ({ hub }) => {
  const now = Date.now();
  const reversed = await getJson(hub, `/api/pots/${POT}/readings?from=${now}&to=${now - 1000}`);
  assert.is(reversed.status, 400);
  assert.match(reversed.body.error, new RegExp(`from=${now}`));

  const tooLong = await getJson(hub, `/api/pots/${POT}/readings?from=${now - 8 * 86400000}&to=${now}`);
  assert.is(tooLong.status, 400);
  assert.match(tooLong.body.error, /7 days/);

  const notNumber = await getJson(hub, `/api/pots/${POT}/readings?from=yesterday`);
  assert.is(notNumber.status, 400);
  assert.match(notNumber.body.error, /querystring\.from.*"yesterday"/);

  const week = await getJson(hub, `/api/pots/${POT}/readings?from=${now + 1000 - 7 * 86400000}&to=${now + 1000}`);
  assert.is(week.status, 200);
  assert.is(week.body.readings.length, 1);
});

routes('excludes readings outside the range', async ({ hub }) => {
  const at = (await getJson(hub, `/api/pots/${POT}`)).body.latest.at as number;
  const before = await getJson(hub, `/api/pots/${POT}/readings?from=${at - 60000}&to=${at}`);
  assert.is(before.body.readings.length, 0);
  const including = await getJson(hub, `/api/pots/${POT}/readings?from=${at}&to=${at + 1}`);
  assert.is(including.body.readings.length, 1);
});

routes('reads and updates settings', async ({ hub }) => {
  assert.equal((await getJson(hub, '/api/settings')).body, { language: 'fr' });

  const put = (body: unknown) =>
    fetch(hub.url + '/api/settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const updated = await put({ language: 'en' });
  assert.is(updated.status, 200);
  assert.equal(await updated.json(), { language: 'en' });
  assert.equal((await getJson(hub, '/api/settings')).body, { language: 'en' });

  const bad = await put({ language: 'de' });
  assert.is(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /body\.language.*"de"/);
});

routes('answers 503 with build advice when the dashboard is missing', async ({ hub }) => {
  const response = await fetch(hub.url + '/');
  assert.is(response.status, 503);
  const text = await response.text();
  assert.match(text, /npm run build:web/);
  assert.match(text, /Le tableau de bord/);
  assert.is(response.headers.get('x-content-type-options'), 'nosniff');
});

routes('answers 404 as JSON for unknown paths', async ({ hub }) => {
  const missing = await getJson(hub, '/api/nothing');
  assert.is(missing.status, 404);
  assert.match(missing.body.error, /not found/);
});

routes('log each request once at debug', async ({ hub }) => {
  const path = `/api/pots/${POT}`;
  const before = hub.logs.length;
  assert.is((await getJson(hub, path)).status, 200);
  const lines = await waitFor('request logged', () => {
    const found = hub.logs.slice(before).filter((line) => JSON.stringify(line).includes(path));
    return found.length > 0 && found;
  });
  assert.is(lines.length, 1);
  assert.is(lines[0]!.level, 20);
  assert.is(lines[0]!.msg, 'request completed');
});

routes.run();

// ---

const web = suite<{ broker: Broker; hub: TestHub; webDir: string }>('dashboard files');

web.before(async (context) => {
  context.broker = await startMosquitto();
  context.webDir = tempDataDir();
  mkdirSync(context.webDir, { recursive: true });
  writeFileSync(join(context.webDir, 'index.html'), '<!doctype html><title>POCO</title>');
  context.hub = await startHub({ brokerUrl: context.broker.url, webDir: context.webDir });
});

web.after(async (context) => {
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeDir(context.webDir);
  removeBrokerDir(context.broker);
});

web('serves index.html at the root', async ({ hub }) => {
  const response = await fetch(hub.url + '/');
  assert.is(response.status, 200);
  assert.match(await response.text(), /<title>POCO<\/title>/);
  assert.is(response.headers.get('x-content-type-options'), 'nosniff');
});

web.run();
