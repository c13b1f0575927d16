// A day file cut inside its last readings, as a crash in the middle of an append leaves it, with
// the write-ahead log of that flush still on disk. The hub keeps the complete readings, backs up
// the cut file, puts the rest back from the log and goes on appending.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

const POT = 'a0b1c2d3e607';
const TOPIC = `poco/${POT}/telemetry`;
const BASE_S = Math.floor(Date.now() / 1000) - 3600;
const DAY = new Date(BASE_S * 1000).toISOString().slice(0, 10);

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pub: MqttClient | null;
}

function storedReading(seq: number): Record<string, unknown> {
  const at = (BASE_S + seq) * 1000;
  return { at, rx: at, clock: 'device', seq, ts: BASE_S + seq, moisture_raw: 1000 + seq, light_raw: 500, moisture: null, light: null, fw: '0.1.0' };
}

const torn = suite<Context>('day file cut by a crash');

torn.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.hub = null;
  context.pub = null;
});

torn.after(async (context) => {
  if (context.hub) await killHub(context.hub);
  await context.pub?.endAsync();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

torn('keep, back up and restore', async (context) => {
  // Readings 1..20 were acknowledged and logged; the flush writing 9..20 was cut inside reading 13.
  const all = Array.from({ length: 20 }, (_, i) => storedReading(i + 1));
  const whole = JSON.stringify({ readings: all });
  const cutInside13 = whole.indexOf(JSON.stringify(all[12])) + 25;
  const cutText = whole.slice(0, cutInside13);
  const folder = join(context.dataDir, 'history', POT);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${DAY}.json`), cutText);
  mkdirSync(join(context.dataDir, 'wal'));
  writeFileSync(join(context.dataDir, 'wal', '1.log'), all.slice(8).map((reading) => JSON.stringify({ potId: POT, reading }) + '\n').join(''));

  context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_MQTT_CLIENT_ID: 'poco-fault-torn', POCO_FLUSH_MS: '100' } });
  const hub = context.hub;
  await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);

  const repair = hub.logs.find((line) => line.msg.startsWith('day file was cut'));
  assert.ok(repair, 'a log line reports the repair');
  assert.is(repair!['keptReadings'], 12);
  const backups = readdirSync(folder).filter((name) => name.startsWith(`${DAY}.json.torn-`));
  assert.is(backups.length, 1, 'one backup of the cut file');
  assert.is(readFileSync(join(folder, backups[0]!), 'utf8'), cutText, 'the backup is the file as found');

  context.pub = await connectPublisher(context.broker.url, 'fault-torn-pub');
  for (let seq = 21; seq <= 30; seq++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, BASE_S));
  await until('30 readings on disk', () => storedReadings(context.dataDir, POT).length >= 30, 15000);
  assert.is((await stopHub(hub)).code, 0);
  context.hub = null;

  const { missing, twice } = tally(storedReadings(context.dataDir, POT), 30);
  assert.equal(missing, []);
  assert.equal(twice, []);
});

torn.run();
