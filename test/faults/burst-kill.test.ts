// Fifty pots publishing in the same second, while history is read and while the hub is killed
// with SIGKILL mid-write: every reading is stored once and every data file stays valid JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { getJson, removeDir, startHub, tempDataDir, waitFor } from '../support/hub.js';
import { generateReadings, writeRawDays } from '../hub/history-helpers.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, sized, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

/** Fifty distinct unicast pot ids. */
const POTS = Array.from({ length: 50 }, (_, i) => 'a2100000' + (0x1000 + i).toString(16));

/** Parses every JSON file under `dir`; returns the names of those that do not parse. */
function invalidJsonFiles(dir: string): string[] {
  const bad: string[] = [];
  let checked = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const file = join(entry.parentPath, entry.name);
    checked++;
    try {
      JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      bad.push(file);
    }
  }
  // At least the registry and one day file per pot.
  assert.ok(checked > POTS.length, `only ${checked} JSON files under ${dir}`);
  return bad;
}

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pubs: MqttClient[];
}

const reads = suite<Context>('burst while history is read');

reads.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.pubs = await Promise.all(POTS.map((id) => connectPublisher(context.broker.url, 'burst-read-' + id)));
});

reads.after(async (context) => {
  await Promise.all((context.pubs ?? []).map((pub) => pub.endAsync()));
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

reads('store 50 readings during history requests', async (context) => {
  // Three days of history per pot, so each request reads files while the burst is written.
  const dayMs = 24 * 3600 * 1000;
  const from = Date.now() - 3 * dayMs;
  for (const id of POTS) writeRawDays(context.dataDir, id, generateReadings(from, 3 * 288, 5 * 60 * 1000));
  const hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
  try {
    const nowS = Math.floor(Date.now() / 1000);
    const requests = POTS.flatMap((id) => [getJson(hub, `/api/pots/${id}/series?from=${from}&to=${Date.now()}`), getJson(hub, `/api/pots/${id}/readings?from=${from}`)]);
    const published = context.pubs.map((pub, i) => pub.publishAsync(`poco/${POTS[i]}/telemetry`, numberedPayload(100_000, nowS - 100_000), { qos: 1 }));
    const answers = await Promise.all(requests);
    await Promise.all(published);
    assert.equal(answers.filter((answer) => answer.status !== 200).map((answer) => answer.status), []);

    await waitFor('50 readings stored', () => hub.app.mqtt.counters.stored === 50, 15000);
    await hub.app.store.flush();
    for (const id of POTS) {
      const readings = (await getJson(hub, `/api/pots/${id}/readings?from=${from}`)).body.readings as { seq: number }[];
      assert.is(readings.length, 3 * 288 + 1, id);
      assert.is(readings.filter((reading) => reading.seq === 100_000).length, 1, id);
    }
  } finally {
    await hub.close();
  }
  assert.equal(invalidJsonFiles(context.dataDir), []);
});

reads.run();

// ---

const kill = suite<Context>('burst through SIGKILL');

kill.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  context.hub = null;
  context.pubs = await Promise.all(POTS.map((id) => connectPublisher(context.broker.url, 'burst-kill-' + id)));
});

kill.after(async (context) => {
  if (context.hub) await killHub(context.hub);
  await Promise.all((context.pubs ?? []).map((pub) => pub.endAsync()));
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

kill('store every round once through kills', async (context) => {
  const rounds = sized(40, 200);
  const baseS = Math.floor(Date.now() / 1000) - rounds;
  const env = { POCO_MQTT_CLIENT_ID: 'poco-fault-burst', POCO_FLUSH_MS: '50' };
  const start = async () => {
    context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env });
    const hub = context.hub;
    await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
  };
  await start();

  let round = 0;
  const publishing = (async () => {
    // Each round: the 50 pots publish at the same moment.
    for (round = 1; round <= rounds; round++) {
      await Promise.all(context.pubs.map((pub, i) => publishUntilAcked(pub, `poco/${POTS[i]}/telemetry`, numberedPayload(round, baseS))));
    }
  })();
  for (const share of [0.3, 0.6]) {
    await until(`${share * 100} % of the rounds sent`, () => round >= rounds * share, 60000);
    await killHub(context.hub!);
    await start();
  }
  await publishing;

  const hub = context.hub!;
  await until('every reading stored', () => POTS.every((id) => storedReadings(context.dataDir, id).length >= rounds), 60000);
  assert.is((await stopHub(hub)).code, 0);
  context.hub = null;

  assert.equal(invalidJsonFiles(context.dataDir), []);
  for (const id of POTS) {
    const { missing, twice } = tally(storedReadings(context.dataDir, id), rounds);
    assert.equal(missing, [], `${id} missing`);
    assert.equal(twice, [], `${id} stored twice`);
  }
});

kill.run();
