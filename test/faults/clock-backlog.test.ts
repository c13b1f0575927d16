// A pot's clock jumping (to 1970, to a future year) with every message sent twice, and a backlog
// of readings queued at the broker while the hub was down, drained at start.
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { claimMessage, claimVerifier } from '../../domain/pot-claim.js';
import { readSetupLink } from '../../hub/accounts/setup-link.js';
import { nodeSha256 } from '../../hub/accounts/secrets.js';
import { Client, PASSWORD, testClaimCode } from '../auth/support.js';
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
const LIVE_POT = 'a0b1c2d3e607';
const backlog = hubSuite('backlog after an outage', 'poco-fault-backlog');

interface Timings {
  max: number;
  all: number[];
}

/**
 * Creates the owner through the setup link the child hub wrote, and claims the two pots, so the
 * requests below read real data instead of receiving 401 or 404.
 */
async function ownPots(hub: ChildHub, dataDir: string, pub: MqttClient, baseS: number): Promise<string> {
  for (const potId of [BACKLOG_POT, LIVE_POT]) {
    const verifier = claimVerifier(potId, testClaimCode(potId), nodeSha256);
    await publishUntilAcked(pub, `poco/${potId}/claim`, claimMessage(verifier));
    // The backlog's first reading, sent early: its copy in the backlog is a duplicate.
    await publishUntilAcked(pub, `poco/${potId}/telemetry`, numberedPayload(1, potId === BACKLOG_POT ? baseS : Math.floor(Date.now() / 1000) - 60));
  }

  let token: string | undefined;
  await until('setup link written', async () => (token = /token=([\w-]+)/.exec((await readSetupLink(dataDir)) ?? '')?.[1]) !== undefined, 10000);
  const owner = new Client(hub.url);
  const created = await owner.request('POST', '/api/auth/setup', { body: { token, name: 'owner', password: PASSWORD } });
  assert.is(created.status, 200, created.text);
  owner.take(created);
  for (const potId of [BACKLOG_POT, LIVE_POT]) {
    await until(`pot ${potId} claimed`, async () => (await owner.request('POST', '/api/claim', { body: { mac: potId, code: testClaimCode(potId) } })).status === 201, 10000);
  }
  return owner.cookie!;
}

/** Sends GET `path` as `client` and records how long the complete response took. */
async function timedGet(hub: ChildHub, client: Client, path: string, timings: Timings): Promise<number> {
  const sentAt = Date.now();
  const response = await fetch(hub.url + path, { headers: { cookie: client.cookie! } }).catch((err: Error) => {
    throw new Error(`GET ${path} failed (${err.cause ?? err.message}); hub exit ${hub.child.exitCode} ${hub.child.signalCode}: ${hub.stderr().slice(-500)}`);
  });
  await response.arrayBuffer();
  const ms = Date.now() - sentAt;
  timings.all.push(ms);
  timings.max = Math.max(timings.max, ms);
  return response.status;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/**
 * Opens GET /api/events. Resolves once the stream is open, with `arrival`: a promise of the time
 * the first `reading` event of `potId` arrives.
 */
async function firstLiveReading(hub: ChildHub, client: Client, potId: string, signal: AbortSignal): Promise<{ arrival: Promise<number> }> {
  const response = await fetch(hub.url + '/api/events', { signal, headers: { cookie: client.cookie! } });
  assert.is(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const marker = `"potId":"${potId}"`;
  const arrival = (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`event stream ended before a reading of ${potId}: ${buffer.slice(-300)}`);
      buffer += decoder.decode(value, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      if (blocks.some((block) => block.startsWith('event: reading') && block.includes(marker))) return Date.now();
    }
  })();
  return { arrival };
}

backlog('drain the backlog with the API answering', async (context) => {
  const total = sized(5000, 50000);
  const baseS = Math.floor(Date.now() / 1000) - total;
  // The session outlives the restart, so the restarted hub is queried at once, without logging in again.
  const cookie = await ownPots(context.hub!, context.dataDir, context.pub, baseS);
  await stopHub(context.hub!);
  const publishing: Array<Promise<unknown>> = [];
  for (let seq = 2; seq <= total; seq++) {
    publishing.push(context.pub.publishAsync(`poco/${BACKLOG_POT}/telemetry`, numberedPayload(seq, baseS), { qos: 1 }));
    if (publishing.length >= 500) await Promise.all(publishing.splice(0));
  }
  await Promise.all(publishing);

  const started = Date.now();
  context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_MQTT_CLIENT_ID: 'poco-fault-backlog', POCO_FLUSH_MS: '200' } });
  const hub = context.hub;
  const listenMs = Date.now() - started;
  // The first request is sent as soon as the hub listens, before the event stream opens.
  const storedAtFirstAnswer = (await health(hub)).body.counters.stored;
  const abort = new AbortController();
  // The restarted hub listens on another free port.
  const owner = new Client(hub.url);
  owner.cookie = cookie;
  const live = await firstLiveReading(hub, owner, LIVE_POT, abort.signal);
  live.arrival.catch(() => {});

  const pots: Timings = { max: 0, all: [] };
  const series: Timings = { max: 0, all: [] };
  let livePublishedAt = 0;
  let storedAtLivePublish = 0;
  let maxRss = 0;
  await until('backlog stored', async () => {
    maxRss = Math.max(maxRss, rssMiB(hub.child.pid!));
    const [potsStatus, seriesStatus, { body }] = await Promise.all([
      timedGet(hub, owner, '/api/pots', pots),
      timedGet(hub, owner, `/api/pots/${BACKLOG_POT}/series`, series),
      health(hub),
    ]);
    assert.is(potsStatus, 200);
    assert.is(seriesStatus, 200);
    const stored = body.counters.stored;
    if (livePublishedAt === 0 && stored >= total / 10) {
      // A pot that reads now, while the hub is still taking the backlog.
      storedAtLivePublish = stored;
      livePublishedAt = Date.now();
      await publishUntilAcked(context.pub, `poco/${LIVE_POT}/telemetry`, numberedPayload(2, Math.floor(Date.now() / 1000) - 2));
    }
    // The backlog less its first reading, stored before the outage, plus the live reading.
    return stored >= total;
  }, sized(60000, 300000), 10);
  const drainMs = Date.now() - started;
  const liveMs = (await live.arrival) - livePublishedAt;
  abort.abort();
  const stop = await stopHub(hub);
  assert.is(stop.code, 0, `exit ${stop.code} (${stop.ms} ms): ${hub.stderr()} ${JSON.stringify(hub.logs.slice(-3))}`);
  context.hub = null;

  console.log(
    `  backlog of ${total}: listening after ${listenMs} ms, drained in ${drainMs} ms, max RSS ${maxRss.toFixed(0)} MiB; ` +
      `stored ${storedAtFirstAnswer} at the first answer; GET /api/pots median ${median(pots.all)} max ${pots.max} ms, ` +
      `series median ${median(series.all)} max ${series.max} ms (${pots.all.length} each); ` +
      `live reading published at ${storedAtLivePublish} stored, its SSE event after ${liveMs} ms`,
  );
  const { missing, twice } = tally(storedReadings(context.dataDir, BACKLOG_POT), total);
  assert.equal(missing, []);
  assert.equal(twice, []);
  // Loose bounds: these check that HTTP is not blocked for the drain, not how fast one machine is.
  assert.ok(maxRss < 1024, `RSS ${maxRss} MiB`);
  assert.ok(storedAtFirstAnswer < total / 2, `the API first answered with ${storedAtFirstAnswer} of ${total} stored`);
  assert.ok(pots.all.length >= 3, `only ${pots.all.length} GET /api/pots answered during the drain`);
  assert.ok(pots.max < 5000, `GET /api/pots took ${pots.max} ms`);
  assert.ok(series.max < 5000, `GET /api/pots/:id/series took ${series.max} ms`);
  assert.ok(liveMs < drainMs, `live reading reached the event stream after ${liveMs} ms`);
});

backlog.run();
