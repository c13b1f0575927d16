import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, getJson, readingPayload, removeDir, startHub, tempDataDir, waitFor, type TestHub } from '../support/hub.js';

interface Context {
  broker: Broker;
  hub: TestHub;
  pubs: MqttClient[];
}

/** Fifty distinct unicast pot ids. */
const POTS = Array.from({ length: 50 }, (_, i) => 'a2000000' + (0x1000 + i).toString(16));

const burst = suite<Context>('burst of pots');

burst.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pubs = await Promise.all(POTS.map((id) => connectPublisher(context.broker.url, 'pot-' + id)));
});

burst.after(async (context) => {
  await Promise.all((context.pubs ?? []).map((p) => p.endAsync()));
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub.dataDir);
  removeBrokerDir(context.broker);
});

burst('stores 50 pots publishing at once', async ({ hub, pubs }) => {
  await Promise.all(pubs.map((pub, i) => pub.publishAsync(`poco/${POTS[i]}/telemetry`, readingPayload(1), { qos: 1 })));
  await waitFor('50 readings', () => hub.app.mqtt.counters.stored === 50);

  const pots = await getJson(hub, '/api/pots');
  assert.is(pots.body.pots.length, 50);

  await hub.app.store.flush();
  const day = new Date().toISOString().slice(0, 10);
  for (const id of POTS) {
    const file = JSON.parse(readFileSync(join(hub.dataDir, 'history', id, day + '.json'), 'utf8'));
    assert.is(file.readings.length, 1, id);
  }
  const registry = JSON.parse(readFileSync(join(hub.dataDir, 'pots.json'), 'utf8'));
  assert.is(Object.keys(registry.pots).length, 50);
});

burst.run();

// ---

const POT = 'a0b1c2d3e4f6';

interface CorruptContext {
  broker: Broker;
  dataDir: string;
  hub: TestHub;
  pub: MqttClient;
}

const corrupt = suite<CorruptContext>('damaged data files');

corrupt.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  const day = new Date().toISOString().slice(0, 10);
  mkdirSync(join(context.dataDir, 'history', POT), { recursive: true });
  writeFileSync(join(context.dataDir, 'history', POT, day + '.json'), '{"readings": [{"at": 1, "seq"');
  writeFileSync(join(context.dataDir, 'settings.json'), '{"language": "de"}');
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
  context.pub = await connectPublisher(context.broker.url);
});

corrupt.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

corrupt('moves a truncated day file aside', async ({ hub, pub, dataDir }) => {
  await pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  await waitFor('reading stored', () => hub.app.mqtt.counters.stored === 1);
  await hub.app.store.flush();

  const names = readdirSync(join(dataDir, 'history', POT));
  const aside = names.filter((n) => /\.json\.corrupt-/.test(n));
  assert.is(aside.length, 1, names.join(', '));
  assert.is(readFileSync(join(dataDir, 'history', POT, aside[0]!), 'utf8'), '{"readings": [{"at": 1, "seq"');

  const readings = await getJson(hub, `/api/pots/${POT}/readings`);
  assert.equal(readings.body.readings.map((r: { seq: number }) => r.seq), [1]);
  const log = hub.logs.find((l) => l.level === 50 && typeof l.file === 'string' && l.file.endsWith('.json'));
  assert.ok(log, 'an error log names the file');
});

corrupt('moves a settings file of the wrong shape aside', async ({ hub, dataDir }) => {
  const settings = await getJson(hub, '/api/settings');
  assert.equal(settings.body, { language: 'fr' });
  assert.ok(readdirSync(dataDir).some((n) => n.startsWith('settings.json.corrupt-')));
  assert.not.ok(existsSync(join(dataDir, 'settings.json')) && readFileSync(join(dataDir, 'settings.json'), 'utf8').includes('de'));
});

corrupt.run();
