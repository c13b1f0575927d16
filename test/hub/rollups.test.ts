import { writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { buildRollups, bucketStart } from '../../domain/rollup.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, getJson, removeDir, startHub, tempDataDir, waitFor, type TestHub } from '../support/hub.js';
import { DAY_MS, MINUTE_MS, assertSameRollups, generateReadings, readRawDays, readRollupFiles, writeRawDays } from './history-helpers.js';

const POT = 'a0b1c2d3e5f6';

interface LiveContext {
  broker: Broker;
  hub: TestHub;
  pub: MqttClient;
  midnight: number;
}

const live = suite<LiveContext>('rollups through MQTT');

live.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url });
  context.pub = await connectPublisher(context.broker.url);
  context.midnight = bucketStart(Date.now(), DAY_MS);
});

live.after(async (context) => {
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub?.dataDir);
  removeBrokerDir(context.broker);
});

live('match a recomputation across midnight', async ({ hub, pub, midnight }) => {
  // 30 readings before midnight UTC and 31 from midnight on, sent out of order and some twice.
  const readings = generateReadings(midnight - 30 * MINUTE_MS, 61);
  const order = [...readings.slice(40), ...readings.slice(0, 40).reverse(), ...readings.slice(10, 20)];
  for (const r of order) {
    const payload = { v: 1, seq: r.seq, ts: r.ts, moisture_raw: r.moisture_raw, light_raw: r.light_raw, moisture: r.moisture, light: r.light, rssi: r.rssi, fw: r.fw };
    await pub.publishAsync(`poco/${POT}/telemetry`, JSON.stringify(payload), { qos: 1 });
  }
  await waitFor('61 readings stored', () => hub.app.mqtt.counters.stored === 61 && hub.app.mqtt.counters.duplicates === 10);
  await hub.app.store.flush();

  const raw = readRawDays(hub.dataDir, POT);
  assert.is(raw.length, 61);
  assertSameRollups(readRollupFiles(hub.dataDir, POT), buildRollups(raw));
  const dirty = JSON.parse(readFileSync(join(hub.dataDir, 'rollups', 'dirty.json'), 'utf8'));
  assert.equal(dirty.days, []);
});

live('split buckets at midnight UTC', ({ hub, midnight }) => {
  const before = new Date(midnight - DAY_MS).toISOString().slice(0, 10);
  const after = new Date(midnight).toISOString().slice(0, 10);
  assert.equal(readdirSync(join(hub.dataDir, 'history', POT)).sort(), [before + '.json', after + '.json']);

  const fiveMinutes = (day: string) => JSON.parse(readFileSync(join(hub.dataDir, 'rollups', POT, '5m', day + '.json'), 'utf8')).buckets;
  const last = fiveMinutes(before).at(-1);
  const first = fiveMinutes(after)[0];
  assert.is(last.t, midnight - 5 * MINUTE_MS);
  assert.is(last.n, 5);
  assert.is(first.t, midnight);
  assert.is(first.n, 5);

  const days = readRollupFiles(hub.dataDir, POT)['1d'];
  assert.equal(days.map((b) => [b.t, b.n]), [[midnight - DAY_MS, 30], [midnight, 31]]);
});

live('chart a pot from first to last day', async ({ hub, midnight }) => {
  const from = midnight - 2 * DAY_MS;
  const to = midnight + DAY_MS;
  const { status, body } = await getJson(hub, `/api/pots/${POT}/series?from=${from}&to=${to}`);
  assert.is(status, 200);
  assert.is(body.kind, 'buckets');
  assert.is(body.stepMs, 5 * MINUTE_MS);
  assert.is(body.t[0], midnight - 30 * MINUTE_MS);
  assert.is(body.t.at(-1), midnight + 30 * MINUTE_MS);
  assert.is(body.n.reduce((a: number, b: number) => a + b, 0), 61);
});

live('reject an inverted series range', async ({ hub }) => {
  const { status, body } = await getJson(hub, `/api/pots/${POT}/series?from=2000&to=1000`);
  assert.is(status, 400);
  assert.match(body.error, 'from=2000 must be before to=1000');
});

live.run();

// ---

interface FolderContext {
  broker: Broker;
  dataDir: string;
  hub: TestHub;
  readings: ReturnType<typeof generateReadings>;
  end: number;
}

const folder = suite<FolderContext>('90 days of raw files');

folder.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.end = bucketStart(Date.now(), MINUTE_MS);
  context.readings = generateReadings(context.end - 90 * DAY_MS, 90 * 1440);
  writeRawDays(context.dataDir, POT, context.readings);
  // A registry entry, so the routes know the pot and its one-minute interval.
  const latest = context.readings.at(-1)!;
  const record = { name: POT, firstSeen: latest.rx, lastSeen: latest.rx, intervalS: 60, announced: null, announcedAt: null, latest, recentAt: [latest.at], counters: { stored: 0, duplicates: 0 } };
  writeFileSync(join(context.dataDir, 'pots.json'), JSON.stringify({ pots: { [POT]: record } }));
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_RAW_RETENTION_DAYS: '30' } });
});

folder.after(async (context) => {
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

folder('build rollups of raw-only history', ({ dataDir, readings }) => {
  assertSameRollups(readRollupFiles(dataDir, POT), buildRollups(readings));
});

folder('chart 90 days in bounded points', async ({ hub, end }) => {
  const { status, body } = await getJson(hub, `/api/pots/${POT}/series?from=${end - 90 * DAY_MS}&to=${end + MINUTE_MS}`);
  assert.is(status, 200);
  assert.is(body.kind, 'buckets');
  assert.is(body.stepMs, 2 * 3600 * 1000);
  assert.ok(body.t.length <= 2000, `${body.t.length} points`);
  assert.is(body.n.reduce((a: number, b: number) => a + b, 0), 90 * 1440);
  for (let i = 1; i < body.t.length; i++) assert.ok(body.t[i] > body.t[i - 1], `t increases at ${i}`);
  assert.not.ok(body.moisture.mean.includes(0), 'no zero stands for a missing value');
});

folder('chart a year from daily buckets', async ({ hub, end, readings }) => {
  const { status, body } = await getJson(hub, `/api/pots/${POT}/series?from=${end - 365 * DAY_MS}&to=${end + MINUTE_MS}`);
  assert.is(status, 200);
  assert.is(body.kind, 'buckets');
  assert.is(body.stepMs, DAY_MS);
  assert.is(body.n.reduce((a: number, b: number) => a + b, 0), 90 * 1440);

  const daily = buildRollups(readings)['1d'];
  assert.equal(body.t, daily.map((bucket) => bucket.t));
  assert.equal(body.moisture_raw.min, daily.map((bucket) => bucket.moisture_raw?.min ?? null));
  assert.equal(body.moisture_raw.max, daily.map((bucket) => bucket.moisture_raw?.max ?? null));
});

folder('chart the last 24 hours raw', async ({ hub, end }) => {
  const { body } = await getJson(hub, `/api/pots/${POT}/series?from=${end - DAY_MS}&to=${end}`);
  assert.is(body.kind, 'raw');
  assert.is(body.t.length, 1440);
  assert.equal(body.moisture.min, body.moisture.max);
});

folder('prune raw days past retention', async ({ hub, dataDir, end }) => {
  const names = () => readdirSync(join(dataDir, 'history', POT)).filter((n) => n.endsWith('.json'));
  await waitFor('expired day files deleted', () => names().length <= 32, 20000);
  const oldest = names().sort()[0]!;
  assert.ok(Date.parse(oldest.slice(0, 10)) >= end - 32 * DAY_MS, `oldest kept day ${oldest}`);
  assert.ok(existsSync(join(dataDir, 'rollups', POT, '5m', new Date(end - 80 * DAY_MS).toISOString().slice(0, 10) + '.json')), '5-minute rollups kept');

  const health = await getJson(hub, '/api/health');
  assert.is(health.body.retention.rawDays, 30);
  assert.is(health.body.retention.rollups, 'forever');
});

folder('chart a pruned day from rollups', async ({ hub, end }) => {
  const from = bucketStart(end - 60 * DAY_MS, DAY_MS);
  const { body } = await getJson(hub, `/api/pots/${POT}/series?from=${from}&to=${from + DAY_MS}`);
  assert.is(body.kind, 'buckets');
  assert.is(body.stepMs, 5 * MINUTE_MS);
  assert.is(body.t.length, 288);
  assert.is(body.n.reduce((a: number, b: number) => a + b, 0), 1440);
});

folder.run();
