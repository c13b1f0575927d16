// The hub as a child process, killed with SIGKILL while readings flow and then stopped with
// SIGTERM: every numbered reading must be stored exactly once.
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, sized, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

const POT = 'a0b1c2d3e601';
const TOPIC = `poco/${POT}/telemetry`;
const HUB_ENV = { POCO_MQTT_CLIENT_ID: 'poco-fault-kill', POCO_FLUSH_MS: '200', POCO_FLUSH_MAX_READINGS: '100' };
/** Bound on a clean stop: the hub's own shutdown limit is 10 s. */
const STOP_BOUND_MS = 10000;

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pub: MqttClient;
}

const kill = suite<Context>('hub SIGKILL mid-flow');

kill.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.hub = null;
  context.pub = await connectPublisher(context.broker.url, 'fault-kill-pub');
});

kill.after(async (context) => {
  if (context.hub) await killHub(context.hub);
  await context.pub?.endAsync();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

kill('store each number once through two kills', async (context) => {
  const total = sized(3000, 20000);
  const baseS = Math.floor(Date.now() / 1000) - total;
  const start = async () => {
    context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: HUB_ENV });
    const hub = context.hub;
    await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
  };
  await start();

  let sent = 0;
  const publishing = (async () => {
    for (let seq = 1; seq <= total; seq++, sent++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, baseS));
  })();
  for (const share of [0.3, 0.6]) {
    await until(`${share * 100} % sent`, () => sent >= total * share, 60000);
    await killHub(context.hub!);
    await start();
  }
  await publishing;

  const hub = context.hub!;
  await until('every number on disk', () => tally(storedReadings(context.dataDir, POT), total).missing.length === 0, sized(30000, 240000)).catch(() => {});
  const stop = await stopHub(hub);
  context.hub = null;
  assert.is(stop.code, 0, `exit ${stop.code} after ${stop.ms} ms: ${hub.stderr()}`);

  const { missing, twice } = tally(storedReadings(context.dataDir, POT), total);
  console.log(`  SIGKILL x2, ${total} readings: ${missing.length} lost, ${twice.length} stored twice`);
  assert.equal(missing, [], 'no number lost');
  assert.equal(twice, [], 'no number stored twice');
});

kill.run();

// ---

const term = suite<Context>('hub SIGTERM');

term.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.pub = await connectPublisher(context.broker.url, 'fault-term-pub');
  context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { ...HUB_ENV, POCO_MQTT_CLIENT_ID: 'poco-fault-term', POCO_FLUSH_MS: '60000', POCO_FLUSH_MAX_READINGS: '100000' } });
  const hub = context.hub;
  await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
});

term.after(async (context) => {
  if (context.hub) await killHub(context.hub);
  await context.pub?.endAsync();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

term('write acked readings and exit 0', async (context) => {
  const total = sized(1000, 5000);
  const baseS = Math.floor(Date.now() / 1000) - total;
  // A flush every minute: the readings are still in memory when SIGTERM comes.
  for (let seq = 1; seq <= total; seq++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, baseS));
  const hub = context.hub!;
  await until('hub received every reading', async () => (await health(hub)).body.counters.stored === total, sized(30000, 120000));
  assert.is(storedReadings(context.dataDir, POT).length, 0, 'nothing flushed before the signal');

  const stop = await stopHub(hub);
  const logs = hub.logs;
  context.hub = null;
  console.log(`  SIGTERM with ${total} readings in memory: exit ${stop.code} after ${stop.ms} ms`);
  assert.is(stop.code, 0);
  assert.ok(stop.ms < STOP_BOUND_MS, `stopped in ${stop.ms} ms`);
  assert.ok(logs.some((line) => line.msg === 'MQTT session ended'), 'MQTT session closed cleanly');

  const { missing, twice } = tally(storedReadings(context.dataDir, POT), total);
  assert.equal(missing, []);
  assert.equal(twice, []);
});

term.run();
