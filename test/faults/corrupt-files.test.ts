// Damaged files in the data folder at start: the registry, settings, a day file, a rollup file,
// the rollups' dirty record and the write-ahead log. The hub names each file, keeps a copy of
// it, and goes on storing readings.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

const POT = 'a0b1c2d3e604';
const TOPIC = `poco/${POT}/telemetry`;
const DAY = new Date().toISOString().slice(0, 10);
const BASE_S = Math.floor(Date.now() / 1000) - 1000;

interface Context {
  broker: Broker;
  dataDir: string;
  hub: ChildHub | null;
  pub: MqttClient;
}

/** Formats one write-ahead log line, as hub/store/wal.ts writes it. */
function walLine(seq: number): string {
  const at = (BASE_S + seq) * 1000;
  const reading = { at, rx: at, clock: 'device', seq, ts: BASE_S + seq, moisture_raw: 1000 + seq, light_raw: 500, moisture: null, light: null, fw: '0.1.0' };
  return JSON.stringify({ potId: POT, reading }) + '\n';
}

const DAMAGED: Record<string, string> = {
  'pots.json': '{"pots": {"a0b1c2d3e604": {"lastSeen": 1,',
  'settings.json': '{"language": "fr"',
  [`history/${POT}/${DAY}.json`]: '{"readings": [{"at": 17',
  [`rollups/${POT}/1h/${DAY.slice(0, 7)}.json`]: 'not json at all',
  'rollups/dirty.json': '{"days": [',
};

const corrupt = suite<Context>('damaged files at start');

corrupt.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  for (const [path, text] of Object.entries(DAMAGED)) {
    mkdirSync(join(context.dataDir, path, '..'), { recursive: true });
    writeFileSync(join(context.dataDir, path), text);
  }
  // Two good readings around a damaged line, then a line cut short by a kill.
  mkdirSync(join(context.dataDir, 'wal'));
  writeFileSync(join(context.dataDir, 'wal', 'current.log'), walLine(1) + '{"potId": "a0b1c2d3e604", "read\n' + walLine(2) + walLine(3).slice(0, 30));
  context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: context.dataDir, env: { POCO_MQTT_CLIENT_ID: 'poco-fault-corrupt', POCO_FLUSH_MS: '100' } });
  const hub = context.hub;
  await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
  context.pub = await connectPublisher(context.broker.url, 'fault-corrupt-pub');
});

corrupt.after(async (context) => {
  if (context.hub) await killHub(context.hub);
  await context.pub?.endAsync();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

corrupt('keep a copy of each damaged file', ({ dataDir }) => {
  for (const [path, text] of Object.entries(DAMAGED)) {
    const folder = join(dataDir, path, '..');
    const name = path.split('/').at(-1)!;
    const copies = readdirSync(folder).filter((entry) => entry.startsWith(name + '.corrupt-'));
    if (path.startsWith('history/') || path.includes('/1h/')) {
      // Day and rollup files are opened when first needed: the checks below open them.
      continue;
    }
    assert.is(copies.length, 1, `copy of ${path}`);
    assert.is(readFileSync(join(folder, copies[0]!), 'utf8'), text, `copy of ${path} unchanged`);
  }
  const walCopies = readdirSync(join(dataDir, 'wal')).filter((entry) => entry.includes('.corrupt-'));
  assert.is(walCopies.length, 1, 'copy of the damaged write-ahead log');
});

corrupt('name each damaged file in the log', ({ hub }) => {
  const named = hub!.logs.filter((line) => line.level === 50).map((line) => String(line['file']));
  for (const path of ['pots.json', 'settings.json', 'rollups/dirty.json']) {
    assert.ok(named.some((file) => file.endsWith(path)), `${path} named in ${named.join(', ')}`);
  }
  assert.ok(named.some((file) => file.includes('/wal/')), 'write-ahead log named');
});

corrupt('list damaged files in health', async ({ hub }) => {
  const { code, body } = await health(hub!);
  assert.is(code, 200, 'the hub works on');
  const listed = (body as unknown as { setAside: Array<{ file: string; copy: string }> }).setAside.map((entry) => entry.file);
  for (const path of ['pots.json', 'settings.json', 'rollups/dirty.json']) {
    assert.ok(listed.some((file) => file.endsWith(path)), `${path} listed in ${listed.join(', ')}`);
  }
  assert.ok(listed.some((file) => file.includes('/wal/')), `write-ahead log listed in ${listed.join(', ')}`);
  const notices = (body as unknown as { notices: string[] }).notices;
  assert.ok(notices.some((notice) => notice.includes('pots.json') && notice.includes('.corrupt-')), notices.join('; '));
});

corrupt('store new readings and replay the good lines', async (context) => {
  const hub = context.hub!;
  for (let seq = 4; seq <= 50; seq++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, BASE_S));
  await until('readings on disk', () => storedReadings(context.dataDir, POT).length >= 49, 10000).catch(() => {});
  assert.is((await stopHub(hub)).code, 0);
  context.hub = null;

  const { missing, twice } = tally(storedReadings(context.dataDir, POT), 50);
  assert.equal(missing, [3], 'only the reading cut short is missing');
  assert.equal(twice, []);
  const dayCopies = readdirSync(join(context.dataDir, 'history', POT)).filter((entry) => entry.includes('.corrupt-'));
  assert.is(dayCopies.length, 1, 'copy of the damaged day file');
  const hourCopies = readdirSync(join(context.dataDir, 'rollups', POT, '1h')).filter((entry) => entry.includes('.corrupt-'));
  assert.is(hourCopies.length, 1, 'copy of the damaged rollup file');
  assert.is(readFileSync(join(context.dataDir, 'rollups', POT, '1h', hourCopies[0]!), 'utf8'), 'not json at all');
  assert.ok(existsSync(join(context.dataDir, 'pots.json')));
});

corrupt.run();
