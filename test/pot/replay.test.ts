import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Reading } from '../../domain/reading.js';
import { startVirtualPots } from '../../scripts/pot.js';
import { DEFAULT_TRACE, type PotSummary } from '../../device/host/virtual-pots.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { record, tempDir, type Recorder } from '../device/helpers.js';

interface Context {
  broker: Broker;
  recorder: Recorder;
  dir: string;
}

const replay = suite<Context>('trace replay', {} as Context);

replay.before(async (context) => {
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, 'poco/+/telemetry');
  context.dir = tempDir('replay');
});

replay.after(async (context) => {
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  rmSync(context.dir, { recursive: true, force: true });
});

replay('sends every row of a shipped slice', async (context) => {
  // The first 700 rows of the shipped trace span two nights.
  const lines = readFileSync(DEFAULT_TRACE, 'utf8').split('\n');
  const headerAt = lines.findIndex((line) => line.startsWith('time,'));
  const slice = lines.slice(0, headerAt + 1 + 700).join('\n') + '\n';
  const tracePath = join(context.dir, 'slice.csv');
  writeFileSync(tracePath, slice);
  const printed: string[] = [];
  const speed = 400_000;

  const started = Date.now();
  const pots = startVirtualPots({
    brokerUrl: context.broker.url, prefix: 'poco', count: 2, mac: '02:00:00:00:30:01', mode: 'replay',
    tracePath, speed, intervalS: 60, dataDir: join(context.dir, 'pots'),
    print: (line) => printed.push(line), logger: pino({ level: 'silent' }),
  });
  const summaries: PotSummary[] = await pots.finished;
  const elapsedMs = Date.now() - started;

  assert.equal(pots.ids, ['020000003001', '020000003002']);
  for (const summary of summaries) {
    assert.is(summary.total, 700);
    assert.is(summary.sent, 700, `${summary.id} rows sent`);
    assert.is(summary.dropped, 0);
  }
  await context.recorder.until((m) => m.length >= 1400, 3000, '1400 readings');
  const first = context.recorder.on('poco/020000003001/telemetry').map((m) => JSON.parse(m.text) as Reading);
  assert.is(first.length, 700, 'rows received');
  assert.equal(first.map((r) => r.seq), [...Array(700).keys()]);
  assert.is(first[0]!.moisture_raw, 16447);
  assert.is(first[0]!.light, 4027.5);
  assert.is(first[0]!.ts, undefined, 'a virtual clock sends no ts');
  assert.is(first[1]!.moisture_clamped, true, 'the probe in air reads drier than the dry point');

  // Two nights of 8 hours at this speed take 144 ms; the replay may not skip them.
  assert.ok(elapsedMs >= (2 * 8 * 3600 * 1000) / speed, `replay took ${elapsedMs} ms`);
  assert.ok(printed.some((line) => line.includes('700/700 lignes envoyées / rows sent')), printed.join('\n'));
});

replay.run();
