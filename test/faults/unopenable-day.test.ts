// A pot whose history folder cannot be created, because a file sits at its path. The flush
// reports the failure at once and other pots go on being stored. The pot's readings wait in
// memory and in the write-ahead log until the folder can be made.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

const BLOCKED = 'a0b1c2d3e608';
const OTHER = 'a0b1c2d3e609';

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pub: MqttClient | null;
}

const blocked = suite<Context>('day folder that cannot be made');

blocked.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.hub = null;
  context.pub = null;
});

blocked.after(async (context) => {
  if (context.hub) await killHub(context.hub);
  await context.pub?.endAsync();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

blocked('report at once, store later', async (context) => {
  mkdirSync(join(context.dataDir, 'history'), { recursive: true });
  const blocker = join(context.dataDir, 'history', BLOCKED);
  writeFileSync(blocker, 'not a folder');
  context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_MQTT_CLIENT_ID: 'poco-fault-blocked', POCO_FLUSH_MS: '100' } });
  const hub = context.hub;
  await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
  assert.ok(hub.logs.some((line) => line.level === 40 && line['file'] === blocker), 'the stray file is reported at start');
  context.pub = await connectPublisher(context.broker.url, 'fault-blocked-pub');
  const baseS = Math.floor(Date.now() / 1000) - 100;

  for (let seq = 1; seq <= 5; seq++) {
    await publishUntilAcked(context.pub, `poco/${BLOCKED}/telemetry`, numberedPayload(seq, baseS));
    await publishUntilAcked(context.pub, `poco/${OTHER}/telemetry`, numberedPayload(seq, baseS));
  }
  // Well under the 30 s after which a flush that never ends is reported.
  await until('health reports the disk', async () => (await health(hub)).body.disk.failing, 5000);
  const degraded = await health(hub);
  assert.is(degraded.code, 503);
  assert.ok(degraded.body.problems.some((p) => p.startsWith('data disk failing')), degraded.body.problems.join('; '));
  assert.ok(hub.logs.some((line) => line.level === 50 && line.msg.startsWith('failed to open a history day file')), 'an error line names the day');
  await until('other pot stored', () => storedReadings(context.dataDir, OTHER).length === 5, 5000);

  rmSync(blocker);
  await until('disk recovered', async () => (await health(hub)).code === 200, 10000);
  assert.is((await stopHub(hub)).code, 0);
  context.hub = null;
  const { missing, twice } = tally(storedReadings(context.dataDir, BLOCKED), 5);
  assert.equal(missing, []);
  assert.equal(twice, []);
});

blocked.run();
