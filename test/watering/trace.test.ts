// The replayed trace through the hub: a virtual pot with a pump replays four days of the shipped
// trace fast, with a dry-soil rule on the hub. The rule must keep the soil above its threshold
// after the first watering while staying within its daily count and pump seconds.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startVirtualPots, DEFAULT_TRACE, type VirtualPots } from '../../device/host/virtual-pots.js';
import { getJson, removeDir, startHub, type TestHub } from '../support/hub.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { tempDir } from '../device/helpers.js';
import { waitUntil } from './support.js';

/** Four drying days of the trace; the soil model needs four waterings in them. */
const SLICE_FROM = '2025-09-16T06:00';
const SLICE_TO = '2025-09-19T22:00';
/** 88 trace hours in about 16 s. */
const SPEED = 20_000;
const THRESHOLD = 35;
const RULE = {
  enabled: true, thresholdPercent: THRESHOLD, dryForMs: 0, durationS: 8, maxPerDay: 4, maxSecondsPerDay: 32,
  quietHours: null, maxReadingAgeMs: 3600_000, riseWindowMs: 20_000, minRisePercent: 3,
};

interface Context {
  broker: Broker;
  hub: TestHub;
  dir: string;
  pots: VirtualPots | null;
  lines: string[];
}

const replay = suite<Context>('watering rule on the replayed trace', {} as Context);

replay.before(async (context) => {
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_TIME_ZONE: 'UTC', POCO_LOG_LEVEL: 'warn' } });
  context.dir = tempDir('watering-trace');
  context.pots = null;
  context.lines = [];
});

replay.after(async (context) => {
  await context.pots?.stop();
  await context.hub.close();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  removeDir(context.hub.dataDir);
  rmSync(context.dir, { recursive: true, force: true });
});

/** Writes the trace's comments, header and the rows from SLICE_FROM to SLICE_TO into `path`. */
function writeSlice(path: string): void {
  const kept = readFileSync(DEFAULT_TRACE, 'utf8').split('\n').filter((line) => {
    if (line.startsWith('#') || line.startsWith('time,')) return true;
    const time = line.slice(0, 16);
    return time >= SLICE_FROM && time < SLICE_TO;
  });
  writeFileSync(path, kept.join('\n') + '\n');
}

async function send(context: Context, method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(context.hub.url + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

replay('keeps the plant watered within limits', async (context) => {
  const tracePath = join(context.dir, 'slice.csv');
  writeSlice(tracePath);
  const pots = startVirtualPots({
    brokerUrl: context.broker.url, prefix: 'poco', count: 1, mac: '02:00:00:00:79:01', mode: 'replay', tracePath,
    speed: SPEED, intervalS: 60, dataDir: join(context.dir, 'pots'), pump: true,
    print: (line) => context.lines.push(line), logger: pino({ level: 'silent' }),
  });
  context.pots = pots;
  const id = pots.ids[0]!;
  await waitUntil(async () => (await getJson(context.hub, `/api/pots/${id}`)).status === 200, 20000, `pot ${id} on the hub`);
  const put = await send(context, 'PUT', `/api/pots/${id}/watering-rules`, { rule: RULE });
  assert.is(put.status, 200, JSON.stringify(put.body));

  const [summary] = await pots.finished;
  assert.is(summary?.sent, summary?.total, context.lines.join('\n'));
  const commandsPath = `/api/pots/${id}/commands`;
  await waitUntil(async () => (await getJson(context.hub, commandsPath)).body.commands.every((c: any) => c.state === 'done'), 10000, 'every acknowledgement');

  const commands = (await getJson(context.hub, commandsPath)).body.commands as any[];
  assert.is(commands.length, RULE.maxPerDay, JSON.stringify(commands));
  assert.ok(commands.every((c) => c.origin === 'dry'));
  const seconds = commands.reduce((sum, c) => sum + c.ranS, 0);
  assert.ok(seconds <= RULE.maxSecondsPerDay, `${seconds} s of pump`);
  const rules = (await getJson(context.hub, `/api/pots/${id}/watering-rules`)).body;
  assert.is(rules.state.countToday, RULE.maxPerDay);
  assert.is(rules.state.disabled, null);

  // The soil dips just below the threshold at the reading that triggers each watering, and for
  // the few readings the pot takes while the command travels.
  const firstAt = Math.min(...commands.map((c) => c.issued));
  const readings = (await getJson(context.hub, `/api/pots/${id}/readings?from=${firstAt}&to=${Date.now()}`)).body.readings as any[];
  const levels = readings.map((r) => r.moisture as number).filter((m) => typeof m === 'number');
  assert.ok(levels.length > 1000, `${levels.length} readings after the first watering`);
  const lowest = Math.min(...levels);
  assert.ok(lowest >= THRESHOLD - 3, `lowest ${lowest} %`);
  const belowShare = levels.filter((m) => m < THRESHOLD).length / levels.length;
  assert.ok(belowShare < 0.03, `below the threshold ${(belowShare * 100).toFixed(1)} % of the time`);
});

replay.run();
