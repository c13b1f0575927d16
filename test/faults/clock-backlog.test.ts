// A pot's clock jumping (to 1970, to a future year) with every message sent twice, and a backlog
// of readings queued at the broker while the hub was down, drained at start.
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, rssMiB, sized, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pub: MqttClient;
}

function hubSuite(name: string, clientId: string) {
  const test = suite<Context>(name);
  test.before(async (context) => {
    context.broker = await startMosquitto();
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

const CLOCK_POT = 'a0b1c2d3e605';
const clock = hubSuite('clock jumps and duplicates', 'poco-fault-clock');

clock('store each number once whatever its clock', async (context) => {
  const total = 300;
  const nowS = Math.floor(Date.now() / 1000);
  // A third near 1970, a third in 2100, a third right; each message is published twice.
  const ts = (seq: number) => [seq, 4102444800 + seq, nowS - total + seq][seq % 3]!;
  for (let seq = 1; seq <= total; seq++) {
    const payload = numberedPayload(seq, 0, { ts: ts(seq) });
    await publishUntilAcked(context.pub, `poco/${CLOCK_POT}/telemetry`, payload);
    await publishUntilAcked(context.pub, `poco/${CLOCK_POT}/telemetry`, payload);
  }
  const hub = context.hub!;
  await until('every message handled', async () => (await health(hub)).body.counters.received >= 2 * total, 15000);
  const counters = (await health(hub)).body.counters;
  assert.is((await stopHub(hub)).code, 0);
  context.hub = null;

  const readings = storedReadings(context.dataDir, CLOCK_POT);
  const { missing, twice } = tally(readings, total);
  assert.equal(missing, []);
  assert.equal(twice, []);
  assert.is(counters.duplicates, total);
  const jumped = readings.filter((r) => r.seq % 3 !== 2);
  assert.ok(jumped.every((r) => r.clock === 'hub'), 'a jumped clock is replaced by the hub time');
  assert.ok(readings.filter((r) => r.seq % 3 === 2).every((r) => r.clock === 'device'), 'a right clock is kept');
});

clock.run();

// ---

const BACKLOG_POT = 'a0b1c2d3e606';
const backlog = hubSuite('backlog after an outage', 'poco-fault-backlog');

backlog('drain the backlog with the API answering', async (context) => {
  const total = sized(5000, 50000);
  const baseS = Math.floor(Date.now() / 1000) - total;
  await stopHub(context.hub!);
  const publishing: Array<Promise<unknown>> = [];
  for (let seq = 1; seq <= total; seq++) {
    publishing.push(context.pub.publishAsync(`poco/${BACKLOG_POT}/telemetry`, numberedPayload(seq, baseS), { qos: 1 }));
    if (publishing.length >= 500) await Promise.all(publishing.splice(0));
  }
  await Promise.all(publishing);

  const started = Date.now();
  context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_MQTT_CLIENT_ID: 'poco-fault-backlog', POCO_FLUSH_MS: '200' } });
  const hub = context.hub;
  let maxRss = 0;
  let slowest = 0;
  let answers = 0;
  await until('backlog stored', async () => {
    maxRss = Math.max(maxRss, rssMiB(hub.child.pid!));
    const asked = Date.now();
    const response = await fetch(hub.url + '/api/pots').catch((err: Error) => {
      throw new Error(`GET /api/pots failed (${err.cause ?? err.message}); hub exit ${hub.child.exitCode} ${hub.child.signalCode}: ${hub.stderr().slice(-500)}`);
    });
    await response.arrayBuffer();
    slowest = Math.max(slowest, Date.now() - asked);
    answers++;
    return (await health(hub)).body.counters.stored >= total;
  }, sized(60000, 300000));
  const drainMs = Date.now() - started;
  const stop = await stopHub(hub);
  assert.is(stop.code, 0, `exit ${stop.code} (${stop.ms} ms): ${hub.stderr()} ${JSON.stringify(hub.logs.slice(-3))}`);
  context.hub = null;

  console.log(`  backlog of ${total}: drained in ${drainMs} ms, max RSS ${maxRss.toFixed(0)} MiB, slowest GET /api/pots ${slowest} ms of ${answers}`);
  const { missing, twice } = tally(storedReadings(context.dataDir, BACKLOG_POT), total);
  assert.equal(missing, []);
  assert.equal(twice, []);
  // Loose bounds: this checks the drain stays bounded, not how fast one machine is.
  assert.ok(maxRss < 1024, `RSS ${maxRss} MiB`);
  assert.ok(slowest < 5000, `GET /api/pots took ${slowest} ms`);
});

backlog.run();
