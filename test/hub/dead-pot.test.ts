// A sleeping pot with a last will dies, and the hub restarts while it is dead: the pot stays
// offline with the last-seen time it had, and its chart shows a gap, never zeros, once it returns.
import mqtt from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { getJson, readingPayload, removeDir, startHub, tempDataDir, waitFor, type TestHub } from '../support/hub.js';

const POT = 'a0b1c2d3e4b9';
const INTERVAL_S = 1800;
const STATUS_TOPIC = `poco/${POT}/status`;

interface Context {
  broker: Broker;
  dataDir: string;
  hub: TestHub | null;
}

const dead = suite<Context>('dead pot across a hub restart');

dead.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
});

dead.after(async (context) => {
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

/** Connects as the pot does: a retained `offline` last will on its status topic. */
function connectPot(url: string): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(url, {
    clientId: `poco-${POT}`,
    keepalive: 60,
    will: { topic: STATUS_TOPIC, payload: Buffer.from('offline'), qos: 1, retain: true },
  });
}

async function potBody(hub: TestHub): Promise<{ status: string; lastSeen: number }> {
  const response = await getJson(hub, `/api/pots/${POT}`);
  assert.is(response.status, 200);
  return response.body;
}

dead('offline after its will, kept through a restart', async (context) => {
  const nowS = Math.floor(Date.now() / 1000);
  // Three readings 30 minutes apart, the last one four hours ago.
  const firstS = nowS - 5 * 3600;
  const pot = await connectPot(context.broker.url);
  await pot.publishAsync(STATUS_TOPIC, 'online', { qos: 1, retain: true });
  for (let seq = 1; seq <= 3; seq++) {
    await pot.publishAsync(`poco/${POT}/telemetry`, readingPayload(seq, { ts: firstS + (seq - 1) * INTERVAL_S, interval_s: INTERVAL_S }), { qos: 1 });
  }
  let hub = context.hub!;
  await waitFor('three readings stored', () => hub.app.mqtt.counters.stored === 3);
  const before = await potBody(hub);

  // The pot loses power: its connection drops without a DISCONNECT, so the broker sends its will.
  pot.stream.destroy();
  await waitFor('pot offline', async () => (await potBody(hub)).status === 'offline');
  pot.end(true);

  await hub.close();
  context.hub = null;
  hub = context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
  const after = await potBody(hub);
  assert.is(after.status, 'offline');
  assert.is(after.lastSeen, before.lastSeen);

  // The pot wakes up again: online, and the four silent hours are a gap in its chart.
  const back = await connectPot(context.broker.url);
  await back.publishAsync(STATUS_TOPIC, 'online', { qos: 1, retain: true });
  await back.publishAsync(`poco/${POT}/telemetry`, readingPayload(4, { ts: nowS - 60, interval_s: INTERVAL_S }), { qos: 1 });
  await waitFor('pot online', async () => (await potBody(hub)).status === 'online');
  await back.endAsync();

  const from = (firstS - 3600) * 1000;
  const series = await getJson(hub, `/api/pots/${POT}/series?from=${from}&to=${Date.now()}`);
  assert.is(series.status, 200);
  const { n, moisture_raw: raw } = series.body as { n: number[]; moisture_raw: { mean: (number | null)[] } };
  const gaps = n.map((count, i) => ({ count, value: raw.mean[i] })).filter((point) => point.count === 0);
  assert.ok(gaps.length >= 1, `no gap marker in ${JSON.stringify(n)}`);
  assert.ok(gaps.every((point) => point.value === null), 'a gap marker carries no value');
  assert.not.ok(raw.mean.includes(0), 'no point is zero');
  assert.equal(raw.mean.filter((value) => value !== null), [2001, 2002, 2003, 2004]);
});

dead.run();
