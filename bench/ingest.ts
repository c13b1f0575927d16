// Ingest: readings durably stored per second by the real hub (MQTT → decode → dedup → day files
// and rollups flushed to disk) versus a bare mqtt.js subscriber on the same QoS 1 stream from the
// same publisher, against a Mosquitto started here on a free loopback port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../hub/app.js';
import { loadConfig } from '../hub/config.js';
import { connect, fixed, median, publishStream, removeBrokerDir, report, startMosquitto } from './common.js';

const COUNT = 20000;
const ROUNDS = 3;

async function bareRate(url: string, round: number): Promise<number> {
  const topic = `poco/b0b1c2d3e4f${round}/telemetry`;
  const subscriber = await connect(url, 'bench-bare-' + round);
  await subscriber.subscribeAsync('poco/+/telemetry', { qos: 1 });
  const publisher = await connect(url, 'bench-pub-bare-' + round);
  let received = 0;
  const done = new Promise<void>((resolve) => subscriber.on('message', () => ++received === COUNT && resolve()));

  const start = performance.now();
  await publishStream(publisher, topic, COUNT);
  await done;
  const seconds = (performance.now() - start) / 1000;
  await publisher.endAsync();
  await subscriber.endAsync();
  return COUNT / seconds;
}

async function hubRate(url: string, round: number, flushMaxReadings: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'poco-bench-ingest-'));
  const config = loadConfig({
    POCO_DATA_DIR: dataDir, POCO_MQTT_URL: url, POCO_PORT: '0', POCO_EMBEDDED_BROKER: 'off',
    POCO_MQTT_CLIENT_ID: `bench-hub-${round}-${flushMaxReadings}`, POCO_FLUSH_MAX_READINGS: String(flushMaxReadings),
  });
  const app = await buildApp(config, { logger: { level: 'error' }, webDir: join(dataDir, 'no-web') });
  await app.mqtt.ready;
  const publisher = await connect(url, `bench-pub-hub-${round}-${flushMaxReadings}`);

  const start = performance.now();
  await publishStream(publisher, `poco/c0b1c2d3e4f${round}/telemetry`, COUNT);
  while (app.mqtt.counters.stored + app.mqtt.counters.duplicates < COUNT) await new Promise((r) => setTimeout(r, 5));
  await app.store.flush();
  const seconds = (performance.now() - start) / 1000;

  const stored = app.mqtt.counters.stored;
  await publisher.endAsync();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (stored !== COUNT) throw new Error(`hub stored ${stored} of ${COUNT} readings`);
  return COUNT / seconds;
}

const broker = await startMosquitto();
try {
  const bare: number[] = [];
  const hub: number[] = [];
  const bigBatch: number[] = [];
  // Alternated, so a slow moment of the shared machine hits every side.
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareRate(broker.url, round));
    hub.push(await hubRate(broker.url, round, 500));
    bigBatch.push(await hubRate(broker.url, round, 5000));
  }
  const list = (rates: number[]) => fixed(median(rates), 0) + ' readings/s  (' + rates.map((r) => fixed(r, 0)).join(', ') + ')';
  report('ingest (QoS 1, one pot, ' + COUNT + ' readings, median of ' + ROUNDS + ')', {
    'bare mqtt.js subscriber': list(bare),
    'hub, default flush (500 readings or 1 s)': list(hub),
    'hub, POCO_FLUSH_MAX_READINGS=5000': list(bigBatch),
    'hub / bare, default': fixed((100 * median(hub)) / median(bare), 0) + ' %  (target >= 60 %)',
    'hub / bare, 5000': fixed((100 * median(bigBatch)) / median(bare), 0) + ' %',
  });
} finally {
  await broker.stop();
  removeBrokerDir(broker);
}
