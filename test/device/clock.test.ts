import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { Reading } from '../../domain/reading.js';
import { MAX_DEVICE_TS, saneTimestamp } from '../../device/core/clock.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { createHostHardware } from '../../device/host/hardware.js';
import { startPot, potOptions, type Pot } from '../../device/core/pot.js';
import { record, steadySource, tempDir, type Recorder } from './helpers.js';

const JAN_2024_S = 1704067200;

const rule = suite('clock sanity rule');

rule('trusts a set clock', () => {
  assert.is(saneTimestamp(1764855900500, 0), 1764855900);
});

rule('rejects clocks before 2024', () => {
  assert.is(saneTimestamp(0, 0), null, '1970: never set');
  assert.is(saneTimestamp(JAN_2024_S * 1000 - 1, 0), null);
  assert.is(saneTimestamp(JAN_2024_S * 1000, 0), JAN_2024_S);
});

rule('rejects clocks from 2099 on', () => {
  assert.is(saneTimestamp(MAX_DEVICE_TS * 1000, 0), null);
  assert.is(saneTimestamp(Date.UTC(2099, 5, 1), 0), null);
});

rule('rejects a clock that went backwards', () => {
  assert.is(saneTimestamp(1764855900000, 1764855901), null);
  assert.is(saneTimestamp(1764855901000, 1764855901), 1764855901);
});

rule('rejects non-finite clocks', () => {
  assert.is(saneTimestamp(NaN, 0), null);
  assert.is(saneTimestamp(Infinity, 0), null);
});

rule.run();

// ---

interface Context {
  broker: Broker;
  recorder: Recorder;
  dirs: string[];
}

const published = suite<Context>('readings and the clock', {} as Context);

published.before(async (context) => {
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, 'poco/+/telemetry');
  context.dirs = [];
});

published.after(async (context) => {
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  for (const dir of context.dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs a pot whose clock starts at `startMs` until it published two readings, and returns them. */
async function twoReadings(context: Context, mac: string, id: string, startMs: number, clockSet: boolean): Promise<Reading[]> {
  const dir = tempDir('clock');
  context.dirs.push(dir);
  const hw = createHostHardware({ mac, dataDir: dir, speed: 100, clockSet, startMs, source: steadySource(), log: () => {} });
  const pot: Pot = startPot(hw, potOptions({ brokerUrl: context.broker.url, intervalS: 10 }));
  const topic = `poco/${id}/telemetry`;
  await context.recorder.until(() => context.recorder.on(topic).length >= 2, 5000, `2 readings from ${id}`);
  await new Promise<void>((resolve) => pot.stop(() => { hw.release(); resolve(); }));
  return context.recorder.on(topic).map((m) => JSON.parse(m.text) as Reading);
}

published('omits ts with a 1970 clock', async (context) => {
  const got = await twoReadings(context, '02:00:00:00:30:01', '020000003001', Date.now(), false);
  for (const reading of got) assert.is(reading.ts, undefined, `reading ${reading.seq} has ts ${reading.ts}`);
});

published('omits ts with a 2099 clock', async (context) => {
  const got = await twoReadings(context, '02:00:00:00:30:02', '020000003002', Date.UTC(2099, 0, 2), true);
  for (const reading of got) assert.is(reading.ts, undefined, `reading ${reading.seq} has ts ${reading.ts}`);
});

published('sends ts with a set clock', async (context) => {
  const start = Date.now();
  const got = await twoReadings(context, '02:00:00:00:30:03', '020000003003', start, true);
  assert.ok(Math.abs(got[0]!.ts! - start / 1000) < 60, `ts ${got[0]!.ts} near ${start / 1000}`);
});

published.run();
