// Mosquitto restarted while readings flow (persistence on, the queue limits of the shipped
// mosquitto/mosquitto.conf), and the measured loss of Mosquitto's default 1 000-message queue
// when the hub is away.
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, sized, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

const POT = 'a0b1c2d3e602';
const TOPIC = `poco/${POT}/telemetry`;

/** Returns the queue lines of the shipped configuration, so the test runs what users run. */
function shippedQueueLines(): string {
  const conf = readFileSync('mosquitto/mosquitto.conf', 'utf8');
  return conf.split('\n').filter((line) => /^(max_queued_messages|max_queued_bytes|autosave_interval|persistent_client_expiration)\b/.test(line)).join('\n');
}

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pub: MqttClient;
}

function lifecycle(name: string, extraConfig: () => string, clientId: string) {
  const test = suite<Context>(name);
  test.before(async (context) => {
    context.broker = await startMosquitto({ extraConfig: extraConfig() });
    context.dataDir = tempDataDir();
    context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_MQTT_CLIENT_ID: clientId, POCO_FLUSH_MS: '200' } });
    const hub = context.hub;
    await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
    context.pub = await connectPublisher(context.broker.url, clientId + '-pub');
  });
  test.after(async (context) => {
    if (context.hub) await killHub(context.hub);
    await context.pub?.endAsync();
    await context.broker?.stop();
    removeDir(context.dataDir);
    removeBrokerDir(context.broker);
  });
  return test;
}

const restart = lifecycle('broker restart mid-flow', shippedQueueLines, 'poco-fault-broker');

restart('store each number once through a restart', async (context) => {
  const total = sized(2000, 20000);
  const baseS = Math.floor(Date.now() / 1000) - total;
  let sent = 0;
  const publishing = (async () => {
    for (let seq = 1; seq <= total; seq++, sent++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, baseS));
  })();
  await until('half sent', () => sent >= total / 2, 60000);
  await context.broker.restart();
  await publishing;

  // NOTE: plant care's per-reading checks make a burst cost about 2 ms a reading, so a large
  // size needs minutes to catch up; the wait ends early once every number is on disk.
  await until('every number on disk', () => tally(storedReadings(context.dataDir, POT), total).missing.length === 0, sized(30000, 240000)).catch(() => {});
  const hub = context.hub!;
  const stop = await stopHub(hub);
  context.hub = null;
  const lastLogs = hub.logs.slice(-4).map((line) => line.msg).join(' | ');
  assert.is(stop.code, 0, `exit ${stop.code} after ${stop.ms} ms: ${hub.stderr()} ${lastLogs}`);
  const { missing, twice } = tally(storedReadings(context.dataDir, POT), total);
  console.log(`  broker restart, ${total} readings: ${missing.length} lost, ${twice.length} stored twice`);
  assert.equal(missing, []);
  assert.equal(twice, []);
});

restart.run();

// ---

const DEFAULT_QUEUE = 1000;
const small = lifecycle('default broker queue', () => `max_queued_messages ${DEFAULT_QUEUE}`, 'poco-fault-queue');

small('drop readings beyond 1 000 while the hub is away', async (context) => {
  const total = 3000;
  const baseS = Math.floor(Date.now() / 1000) - total;
  // SIGTERM ends the session cleanly; the broker keeps it and queues for it.
  await stopHub(context.hub!);
  for (let seq = 1; seq <= total; seq++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, baseS));

  context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_MQTT_CLIENT_ID: 'poco-fault-queue', POCO_FLUSH_MS: '200' } });
  const hub = context.hub;
  let last = -1;
  await until('deliveries settled', async () => {
    const stored = (await health(hub)).body.counters.stored;
    const settled = stored === last && stored > 0;
    last = stored;
    await new Promise((resolve) => setTimeout(resolve, 500));
    return settled;
  }, 30000);
  await stopHub(hub);
  context.hub = null;

  const { missing, twice } = tally(storedReadings(context.dataDir, POT), total);
  console.log(`  default queue (${DEFAULT_QUEUE}), ${total} readings sent while the hub was away: ${missing.length} lost`);
  assert.equal(twice, []);
  assert.ok(missing.length >= total - DEFAULT_QUEUE - 100, `${missing.length} lost`);
});

small.run();
