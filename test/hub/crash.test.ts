import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { buildRollups, bucketStart } from '../../domain/rollup.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, readingPayload, removeDir, startHub, tempDataDir, waitFor, type TestHub } from '../support/hub.js';
import { DAY_MS, MINUTE_MS, assertSameRollups, generateReadings, readRawDays, readRollupFiles, writeRawDays } from './history-helpers.js';

const POT = 'a0b1c2d3e5f9';
const TOTAL = 1500;
const FLUSH_MAX_READINGS = 50;
const HUB_ENV = { POCO_MQTT_CLIENT_ID: 'poco-crash-test', POCO_FLUSH_MS: '200', POCO_FLUSH_MAX_READINGS: String(FLUSH_MAX_READINGS), POCO_EMBEDDED_BROKER: 'off' };

interface Context {
  broker: Broker;
  dataDir: string;
  child: ChildProcess | null;
  hub: TestHub | null;
  pub: MqttClient;
}

/** Starts `npm run hub` as a child process and resolves with its dashboard URL. */
function startChildHub(context: Context): Promise<string> {
  const env = { ...process.env, ...HUB_ENV, POCO_DATA_DIR: context.dataDir, POCO_MQTT_URL: context.broker.url, POCO_PORT: '0', POCO_LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'hub/server.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  context.child = child;
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Dashboard: (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`child hub exited with ${code} before listening: ${output}`)));
  });
}

const crash = suite<Context>('hub killed mid-flow');

crash.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.child = null;
  context.hub = null;
  context.pub = await connectPublisher(context.broker.url);
});

crash.after(async (context) => {
  context.child?.kill('SIGKILL');
  await context.pub?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

crash('lose nothing it acknowledged', async (context) => {
  const url = await startChildHub(context);
  const health = async () => (await (await fetch(url + '/api/health')).json()) as { broker: { connected: boolean }; counters: { stored: number } };
  await waitFor('child hub subscribed', async () => (await health()).broker.connected, 10000);

  const publishing = (async () => {
    for (let seq = 1; seq <= TOTAL; seq++) await context.pub.publishAsync(`poco/${POT}/telemetry`, readingPayload(seq), { qos: 1 });
  })();
  await waitFor('child hub storing', async () => (await health()).counters.stored >= TOTAL / 3, 20000);
  context.child!.kill('SIGKILL');
  await new Promise((resolve) => context.child!.once('exit', resolve));
  context.child = null;
  await publishing;

  // The broker kept the hub's session and delivers what the dead hub never acknowledged.
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: HUB_ENV });
  const hub = context.hub;
  let last = -1;
  await waitFor('deliveries settled', async () => {
    await hub.app.store.flush();
    const count = readRawDays(context.dataDir, POT).length;
    const settled = count === last && hub.app.mqtt.counters.received > 0;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return settled;
  }, 20000);

  const raw = readRawDays(context.dataDir, POT);
  const seqs = new Set(raw.map((r) => r.seq));
  assert.is(seqs.size, raw.length, 'no reading stored twice');
  const lost = TOTAL - seqs.size;
  assert.ok(seqs.has(TOTAL), 'readings sent while the hub was down arrived');
  // The write-ahead log holds every acknowledged reading that had not reached a day file.
  assert.is(lost, 0, `${lost} of ${TOTAL} readings lost`);

  assertSameRollups(readRollupFiles(context.dataDir, POT), buildRollups(raw));
  assert.equal(JSON.parse(readFileSync(join(context.dataDir, 'rollups', 'dirty.json'), 'utf8')).days, []);
});

crash.run();

// ---

interface RepairContext {
  broker: Broker;
  dataDir: string;
  hub: TestHub;
  day: string;
}

const repair = suite<RepairContext>('dirty day repair');

repair.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  const dayStart = bucketStart(Date.now(), DAY_MS) - DAY_MS;
  const readings = generateReadings(dayStart, 1440);
  [context.day] = writeRawDays(context.dataDir, POT, readings) as [string];

  // The state a crash leaves after the raw write and before the rollup write: rollups of the
  // first hour only, and the day in the dirty record.
  const stale = buildRollups(readings.slice(0, 60));
  const folder = join(context.dataDir, 'rollups', POT);
  for (const [resolution, name] of [['5m', context.day], ['1h', context.day.slice(0, 7)], ['1d', context.day.slice(0, 4)]] as const) {
    mkdirSync(join(folder, resolution), { recursive: true });
    writeFileSync(join(folder, resolution, name + '.json'), JSON.stringify({ buckets: stale[resolution] }));
  }
  writeFileSync(join(context.dataDir, 'rollups', 'dirty.json'), JSON.stringify({ days: [POT + '/' + context.day] }));
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
});

repair.after(async (context) => {
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

repair('rebuild a dirty day at start', ({ dataDir, hub }) => {
  const raw = readRawDays(dataDir, POT);
  assert.is(raw.length, 1440);
  assertSameRollups(readRollupFiles(dataDir, POT), buildRollups(raw));
  assert.equal(JSON.parse(readFileSync(join(dataDir, 'rollups', 'dirty.json'), 'utf8')).days, []);
  assert.ok(hub.logs.some((line) => line.msg.startsWith('rebuilt the rollups')), 'the repair is logged');
});

repair('count a day after it was rebuilt', ({ dataDir }) => {
  const hours = readRollupFiles(dataDir, POT)['1h'];
  assert.is(hours.length, 24);
  assert.ok(hours.every((bucket) => bucket.n === 60));
  const slots = readRollupFiles(dataDir, POT)['5m'];
  assert.is(slots.length, 288);
  assert.is(slots[1]!.t - slots[0]!.t, 5 * MINUTE_MS);
});

repair.run();
