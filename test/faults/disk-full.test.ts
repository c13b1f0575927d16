// The data disk full for a while: the data folder is a small tmpfs that a filler file fills up,
// so every write fails with ENOSPC, then the filler is deleted. A real full file system, not a
// hook in the store. Mounting needs root: without it the file prints a notice and runs nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { connectPublisher, health, killHub, numberedPayload, publishUntilAcked, startChildHub, stopHub, storedReadings, tally, until, type ChildHub } from './child-hub.js';

const POT = 'a0b1c2d3e603';
const TOPIC = `poco/${POT}/telemetry`;
const CAN_MOUNT = process.getuid?.() === 0;

interface Context {
  broker: Broker;
  mount: string;
  hub: ChildHub | null;
  pub: MqttClient;
}

/** Fills the file system at `dir` until a write fails with ENOSPC; returns the filler's path. */
function fillDisk(dir: string): string {
  const filler = join(dir, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(64 * 1024 * 1024));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  return filler;
}

function diskSuite(name: string, env: Record<string, string>) {
  const test = suite<Context>(name);
  test.before(async (context) => {
    context.mount = mkdtempSync(join(tmpdir(), 'poco-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', context.mount]);
    context.broker = await startMosquitto();
    context.hub = await startChildHub({ brokerUrl: context.broker.url, dataDir: join(context.mount, 'data'), env: { POCO_FLUSH_MS: '100', ...env } });
    const hub = context.hub;
    await until('hub subscribed', async () => (await health(hub)).body.broker.connected, 15000);
    context.pub = await connectPublisher(context.broker.url, env['POCO_MQTT_CLIENT_ID'] + '-pub');
  });
  test.after(async (context) => {
    if (context.hub) await killHub(context.hub);
    await context.pub?.endAsync();
    await context.broker?.stop();
    removeBrokerDir(context.broker);
    execFileSync('umount', [context.mount]);
    rmSync(context.mount, { recursive: true, force: true });
  });
  return test;
}

const full = diskSuite('disk full for a while', { POCO_MQTT_CLIENT_ID: 'poco-fault-disk' });

full('keep readings in memory and write them later', async (context) => {
  const hub = context.hub!;
  const dataDir = join(context.mount, 'data');
  const total = 600;
  const baseS = Math.floor(Date.now() / 1000) - total;
  for (let seq = 1; seq <= 100; seq++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, baseS));
  await until('first readings on disk', () => storedReadings(dataDir, POT).length === 100, 10000);

  const filler = fillDisk(context.mount);
  for (let seq = 101; seq <= total; seq++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, baseS));
  await until('health reports the disk', async () => (await health(hub)).body.disk.failing, 10000);
  const degraded = await health(hub);
  assert.is(degraded.code, 503);
  assert.ok(degraded.body.problems.some((p) => p.startsWith('data disk failing')), degraded.body.problems.join('; '));
  assert.ok(hub.logs.some((line) => line.level === 50 && line.msg.startsWith('data disk failing')), 'an error line names the failure');

  unlinkSync(filler);
  await until('disk recovered', async () => (await health(hub)).code === 200, 15000);
  const { missing, twice } = tally(storedReadings(dataDir, POT), total);
  console.log(`  disk full for ${total - 100} readings: ${missing.length} lost, ${twice.length} stored twice`);
  assert.equal(missing, []);
  assert.equal(twice, []);
  assert.is((await stopHub(hub)).code, 0);
  context.hub = null;
});

if (CAN_MOUNT) full.run();

// ---

const MAX_PENDING = 100;
const bounded = diskSuite('disk full beyond the memory bound', { POCO_MQTT_CLIENT_ID: 'poco-fault-bound', POCO_MAX_PENDING_READINGS: String(MAX_PENDING) });

bounded('count and report the readings lost', async (context) => {
  const hub = context.hub!;
  const dataDir = join(context.mount, 'data');
  const total = 300;
  const baseS = Math.floor(Date.now() / 1000) - total;
  const filler = fillDisk(context.mount);
  for (let seq = 1; seq <= total; seq++) await publishUntilAcked(context.pub, TOPIC, numberedPayload(seq, baseS));
  await until('hub handled every reading', async () => (await health(hub)).body.counters.received >= total, 30000);

  const during = await health(hub);
  const metrics = await (await fetch(hub.url + '/metrics')).text();
  unlinkSync(filler);
  await until('disk recovered', async () => !(await health(hub)).body.disk.failing, 15000);

  const lost = during.body.disk.lost;
  const { missing, twice } = tally(storedReadings(dataDir, POT), total);
  console.log(`  disk full, bound ${MAX_PENDING}, ${total} readings: ${lost} counted lost, ${missing.length} missing`);
  assert.is(during.code, 503);
  assert.ok(lost > 0, 'readings beyond the bound are lost');
  assert.is(missing.length, lost, 'every missing reading is counted');
  assert.equal(twice, []);
  assert.ok(during.body.problems.some((p) => p.includes('readings lost')), during.body.problems.join('; '));
  assert.match(metrics, new RegExp(`^poco_readings_lost_total ${lost}$`, 'm'));
  assert.ok(hub.logs.some((line) => line.level === 50 && line.msg.startsWith('readings lost')), 'an error line reports the loss');
  const after = await health(hub);
  assert.is(after.code, 503, 'a counted loss keeps the hub degraded until restart');
});

if (CAN_MOUNT) bounded.run();
else console.log('  disk-full cases not run: mounting a tmpfs needs root');
