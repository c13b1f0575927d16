import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { decodeReading } from '../../domain/decode-reading.js';
import type { Reading } from '../../domain/reading.js';
import { sampleChannel } from '../../device/core/sampling.js';
import { createHostHardware } from '../../device/host/hardware.js';
import type { SensorSource } from '../../device/host/sensors.js';
import { startMosquitto, removeBrokerDir, type Broker } from '../support/mosquitto.js';
import { record, startTestPot, tempDir, type Recorder } from './helpers.js';

/** A source that returns the listed values in turn for each channel. */
function sequenceSource(moisture: number[], light: number[], zeroIsFault: boolean): SensorSource {
  let m = 0;
  let l = 0;
  return {
    read: (channel) => (channel === 'moisture' ? moisture[m++ % moisture.length]! : light[l++ % light.length]!),
    adcMax: () => 4095,
    lowRailIsFault: () => zeroIsFault,
    luxFromRaw: null,
  };
}

const sampling = suite('channel sampling');

sampling('averages finite samples', () => {
  const dir = tempDir('sampling');
  const hw = createHostHardware({ mac: '02:00:00:00:20:01', dataDir: dir, speed: 1, source: sequenceSource([1000, 1010, NaN, 1020], [0], true), log: () => {} });
  assert.equal(sampleChannel(hw, 'moisture', 8), { raw: 1010, fault: null });
  rmSync(dir, { recursive: true, force: true });
});

sampling('drops a lone rail glitch', () => {
  const dir = tempDir('sampling');
  const hw = createHostHardware({ mac: '02:00:00:00:20:01', dataDir: dir, speed: 1, source: sequenceSource([4095, 2000, 2000, 2000], [0], true), log: () => {} });
  assert.equal(sampleChannel(hw, 'moisture', 8), { raw: 2000, fault: null });
  rmSync(dir, { recursive: true, force: true });
});

sampling('flags rails and missing values', () => {
  const dir = tempDir('sampling');
  const cases: [number[], boolean, object][] = [
    [[NaN], true, { raw: null, fault: 'moisture_nan' }],
    [[0], true, { raw: null, fault: 'moisture_rail' }],
    [[4095], true, { raw: null, fault: 'moisture_rail' }],
    [[0, 4095, 100, 200], true, { raw: null, fault: 'moisture_rail' }],
    [[0], false, { raw: 0, fault: null }],
  ];
  for (const [values, zeroIsFault, expected] of cases) {
    const hw = createHostHardware({ mac: '02:00:00:00:20:01', dataDir: dir, speed: 1, source: sequenceSource(values, [0], zeroIsFault), log: () => {} });
    assert.equal(sampleChannel(hw, 'moisture', 8), expected, `${values} with zero ${zeroIsFault ? 'a fault' : 'a reading'}`);
  }
  rmSync(dir, { recursive: true, force: true });
});

sampling.run();

// ---

interface Context {
  broker: Broker;
  recorder: Recorder;
  dataDir: string;
}

const published = suite<Context>('published faults', {} as Context);

published.before(async (context) => {
  context.broker = await startMosquitto();
  context.recorder = await record(context.broker.url, 'poco/+/telemetry');
  context.dataDir = tempDir('faults');
});

published.after(async (context) => {
  await context.recorder.client.endAsync();
  await context.broker.stop();
  removeBrokerDir(context.broker);
  rmSync(context.dataDir, { recursive: true, force: true });
});

published('nulls raws and lists faults', async (context) => {
  const source = sequenceSource([NaN], [4095], true);
  const pot = startTestPot('02:00:00:00:20:02', context.dataDir, source, 100, { brokerUrl: context.broker.url, intervalS: 10, calibration: { dry: 3000, wet: 1000 } });
  await context.recorder.until((m) => m.length >= 1, 3000, 'a reading');
  await pot.stop();

  const payload = context.recorder.messages[0]!.text;
  const reading = JSON.parse(payload) as Reading;
  assert.is(reading.moisture_raw, null);
  assert.is(reading.light_raw, null);
  assert.is(reading.moisture, null);
  assert.equal(reading.faults, ['moisture_nan', 'light_rail']);
});

published('marks clamped moisture', async (context) => {
  const source = sequenceSource([3500], [300], true);
  const pot = startTestPot('02:00:00:00:20:03', context.dataDir, source, 100, { brokerUrl: context.broker.url, intervalS: 10, calibration: { dry: 3000, wet: 1000 } });
  await context.recorder.until((m) => m.some((r) => r.topic.includes('020000002003')), 3000, 'a reading');
  await pot.stop();

  const payload = context.recorder.messages.find((r) => r.topic.includes('020000002003'))!.text;
  const reading = JSON.parse(payload) as Reading;
  assert.is(reading.moisture_raw, 3500);
  assert.is(reading.moisture, 0);
  assert.is(reading.moisture_clamped, true);
  assert.equal(reading.faults, undefined);
  assert.ok(decodeReading(new TextEncoder().encode(payload)).ok, 'the reading passes the hub schema');
});

published.run();
