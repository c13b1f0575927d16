import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Reading } from '../../domain/reading.js';
import { parseOptions, startVirtualPots, type VirtualPots } from '../../scripts/pot.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { record, tempDir, type Recorder } from '../device/helpers.js';

interface Context {
  broker: Broker;
  recorder: Recorder;
  dir: string;
  pots: VirtualPots | null;
}

const battery = suite<Context>('virtual pots on battery', {} as Context);

battery.before(async (context) => {
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, 'poco/#');
  context.dir = tempDir('pot-battery');
  context.pots = null;
});

battery.after(async (context) => {
  if (context.pots) await context.pots.stop();
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  rmSync(context.dir, { recursive: true, force: true });
});

battery('parses --battery', () => {
  assert.is(parseOptions(['--battery']).battery, true);
  assert.is(parseOptions([]).battery, false);
});

battery('rejects --battery with replay', () => {
  assert.throws(() => startVirtualPots({
    ...parseOptions(['--battery', '--mode', 'replay']), print: () => {}, logger: pino({ level: 'silent' }),
  }), /synthetic pots only/);
});

battery('two pots wake, publish and sleep', async (context) => {
  const printed: string[] = [];
  context.pots = startVirtualPots({
    ...parseOptions(['--battery', '--count', '2', '--speed', '100', '--interval', '10', '--mac', '02:00:00:00:70:01']),
    brokerUrl: context.broker.url, dataDir: join(context.dir, 'pots'),
    print: (line) => printed.push(line), logger: pino({ level: 'silent' }),
  });
  const telemetry = (id: string): Reading[] => context.recorder.on(`poco/${id}/telemetry`).map((m) => JSON.parse(m.text) as Reading);
  await context.recorder.until(() => telemetry('020000007001').length >= 3 && telemetry('020000007002').length >= 3, 15000, '3 readings from each pot');
  await context.pots.stop();
  context.pots = null;

  for (const id of ['020000007001', '020000007002']) {
    assert.equal(telemetry(id).slice(0, 3).map((r) => r.seq), [0, 1, 2], id);
    const statuses = context.recorder.on(`poco/${id}/status`).map((m) => m.text);
    assert.not.ok(statuses.includes('offline'), `${id}: ${statuses.join(', ')}`);
  }
  assert.ok(printed.some((line) => line.includes('sommeil / deep sleep 10 s')), printed.join('\n'));
});

battery.run();
