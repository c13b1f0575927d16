// Plant care saves its state every few seconds. A hub killed in between has stored readings that
// plant care never judged: the next start judges them before new ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, startChildHub, stopHub, until, type ChildHub } from './child-hub.js';

const POT = 'a0b1c2d3e609';

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pub: MqttClient;
}

const catchUp = suite<Context>('plant care after a kill');

catchUp.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.hub = null;
  context.pub = await connectPublisher(context.broker.url, 'care-catch-up-pub');
});

catchUp.after(async (context) => {
  if (context.hub) await killHub(context.hub);
  await context.pub?.endAsync();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

function lastJudgedAt(dataDir: string): number | null {
  const care = JSON.parse(readFileSync(join(dataDir, 'care.json'), 'utf8')) as { engine: Record<string, { lastAt: number | null }> };
  return care.engine[POT]?.lastAt ?? null;
}

catchUp('judge readings stored before the kill', async (context) => {
  const env = { POCO_MQTT_CLIENT_ID: 'poco-fault-care', POCO_FLUSH_MS: '100' };
  const start = async (extra: Record<string, string> = {}) => {
    context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { ...env, ...extra } });
    const hub = context.hub;
    await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
    return hub;
  };

  // The first hub saves its care state every 10 minutes, so not before the kill.
  let hub = await start({ POCO_STATE_SAVE_MS: '600000' });
  const baseS = Math.floor(Date.now() / 1000) - 600;
  for (let seq = 1; seq <= 5; seq++) await publishUntilAcked(context.pub, `poco/${POT}/telemetry`, numberedPayload(seq, baseS));
  await until('readings on disk', async () => {
    const { counters, disk } = (await health(hub)).body;
    return counters.stored === 5 && disk.pending === 0;
  }, 15000);
  await killHub(hub);

  hub = await start();
  assert.is((await stopHub(hub)).code, 0);
  context.hub = null;
  assert.is(lastJudgedAt(context.dataDir), (baseS + 5) * 1000);
});

catchUp.run();
