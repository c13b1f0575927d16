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
const ROUNDS = 5;
/** Batch sizes measured beside the default, to show what the setting costs and gains. */
const OTHER_BATCHES = [500, 5000];

/**
 * One measured run: readings per second of wall time, and this process's CPU time (user and
 * system) per reading. The publisher runs in this process on both sides, the broker does not.
 * CPU time moves much less than wall time when other jobs load the machine.
 */
interface Run {
  rate: number;
  cpuUs: number;
}

function finish(start: number, cpuStart: NodeJS.CpuUsage): Run {
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  return { rate: COUNT / seconds, cpuUs: (cpu.user + cpu.system) / COUNT };
}

async function bareRate(url: string, round: number): Promise<Run> {
  const topic = `poco/b0b1c2d3e4f${round}/telemetry`;
  const subscriber = await connect(url, 'bench-bare-' + round);
  await subscriber.subscribeAsync('poco/+/telemetry', { qos: 1 });
  const publisher = await connect(url, 'bench-pub-bare-' + round);
  let received = 0;
  const done = new Promise<void>((resolve) => subscriber.on('message', () => ++received === COUNT && resolve()));

  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await publishStream(publisher, topic, COUNT);
  await done;
  const run = finish(start, cpuStart);
  await publisher.endAsync();
  await subscriber.endAsync();
  return run;
}

/** Measures the hub with `flushMaxReadings`, or with the configuration's default when it is null. */
async function hubRate(url: string, round: number, flushMaxReadings: number | null): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'poco-bench-ingest-'));
  const batch = flushMaxReadings === null ? {} : { POCO_FLUSH_MAX_READINGS: String(flushMaxReadings) };
  const config = loadConfig({
    POCO_DATA_DIR: dataDir, POCO_MQTT_URL: url, POCO_PORT: '0', POCO_EMBEDDED_BROKER: 'off',
    POCO_MQTT_CLIENT_ID: `bench-hub-${round}-${flushMaxReadings ?? 'default'}`, ...batch,
  });
  const app = await buildApp(config, { logger: { level: 'error' }, webDir: join(dataDir, 'no-web'), auth: false });
  // This app never listens for HTTP, so it opens the broker connection itself.
  app.mqtt.connect();
  await app.mqtt.ready;
  const publisher = await connect(url, `bench-pub-hub-${round}-${flushMaxReadings}`);

  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await publishStream(publisher, `poco/c0b1c2d3e4f${round}/telemetry`, COUNT);
  while (app.mqtt.counters.stored + app.mqtt.counters.duplicates < COUNT) await new Promise((r) => setTimeout(r, 5));
  await app.store.flush();
  const run = finish(start, cpuStart);

  const stored = app.mqtt.counters.stored;
  await publisher.endAsync();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  if (stored !== COUNT) throw new Error(`hub stored ${stored} of ${COUNT} readings`);
  return run;
}

const broker = await startMosquitto();
try {
  const defaults = loadConfig({});
  const bare: Run[] = [];
  const hub: Run[] = [];
  const others = OTHER_BATCHES.map(() => [] as Run[]);
  // Alternated, so a slow moment of the shared machine hits every side.
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await bareRate(broker.url, round));
    hub.push(await hubRate(broker.url, round, null));
    for (const [index, batch] of OTHER_BATCHES.entries()) others[index]!.push(await hubRate(broker.url, round, batch));
  }
  const rates = (runs: Run[]) => runs.map((run) => run.rate);
  const cpu = (runs: Run[]) => runs.map((run) => run.cpuUs);
  const list = (runs: Run[]) => fixed(median(rates(runs)), 0) + ' readings/s  (' + rates(runs).map((r) => fixed(r, 0)).join(', ') + ')'
    + `, CPU ${fixed(median(cpu(runs)), 1)} µs per reading`;
  const ratio = (runs: Run[]) => fixed((100 * median(rates(runs))) / median(rates(bare)), 0) + ' %';
  const cpuRatio = (runs: Run[]) => fixed((100 * median(cpu(bare))) / median(cpu(runs)), 0) + ' %';
  // Each round's hub run next to its bare run, so a slow moment of the machine cancels out.
  const roundRatios = hub.map((run, round) => (100 * run.rate) / bare[round]!.rate);

  const lines: Record<string, string> = {
    'bare mqtt.js subscriber': list(bare),
    [`hub, default flush (${defaults.flushMaxReadings} readings or ${defaults.flushMs} ms)`]: list(hub),
  };
  OTHER_BATCHES.forEach((batch, index) => { lines[`hub, POCO_FLUSH_MAX_READINGS=${batch}`] = list(others[index]!); });
  lines['hub / bare, default'] = ratio(hub) + '  (target >= 60 %)';
  lines['hub / bare, default, median of the rounds'] = fixed(median(roundRatios), 0) + ' %  (' + roundRatios.map((r) => fixed(r, 0)).join(', ') + ')';
  lines['bare CPU / hub CPU per reading, default'] = cpuRatio(hub);
  OTHER_BATCHES.forEach((batch, index) => { lines[`hub / bare, ${batch}`] = ratio(others[index]!) + ', CPU ' + cpuRatio(others[index]!); });
  report('ingest (QoS 1, one pot, ' + COUNT + ' readings, median of ' + ROUNDS + ')', lines);
} finally {
  await broker.stop();
  removeBrokerDir(broker);
}
