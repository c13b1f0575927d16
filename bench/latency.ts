// Live latency: publish → the browser receives the reading over the hub's Server-Sent Events and
// paints its next frame, versus the bare broker hop publish → mqtt.js subscriber. Chromium runs
// the built dashboard (npm run build:web) through test/support/browser.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, DEFAULT_WEB_DIR } from '../hub/app.js';
import { loadConfig } from '../hub/config.js';
import { launchBrowser } from '../test/support/browser.js';
import { connect, fixed, percentile, removeBrokerDir, report, startMosquitto } from './common.js';

const SAMPLES = 200;
const PAUSE_MS = 25;
const POT = 'e0b1c2d3e4f5';
const TOPIC = `poco/${POT}/telemetry`;

function payload(seq: number): string {
  return JSON.stringify({ v: 1, seq, moisture_raw: 2000 + seq, light_raw: 500, fw: '0.1.0' });
}

function summary(values: number[]): string {
  return `p50 ${fixed(percentile(values, 50), 1)} ms, p95 ${fixed(percentile(values, 95), 1)} ms`;
}

const broker = await startMosquitto();
const dataDir = mkdtempSync(join(tmpdir(), 'poco-bench-latency-'));
const config = loadConfig({ POCO_DATA_DIR: dataDir, POCO_MQTT_URL: broker.url, POCO_PORT: '0', POCO_EMBEDDED_BROKER: 'off', POCO_MQTT_CLIENT_ID: 'bench-latency-hub' });
// NOTE: accounts are off here, so the per-user filter of the live stream is not in the measured path.
const app = await buildApp(config, { logger: { level: 'error' }, webDir: DEFAULT_WEB_DIR, auth: false });
const browser = await launchBrowser();
try {
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await app.mqtt.ready;
  const publisher = await connect(broker.url, 'bench-latency-pub');
  const subscriber = await connect(broker.url, 'bench-latency-sub');
  await subscriber.subscribeAsync(TOPIC, { qos: 1 });
  await publisher.publishAsync(TOPIC, payload(0), { qos: 1 });

  const page = await browser.context.newPage();
  await page.goto(url + '/');
  // A second stream in the page, beside the dashboard's own: it notes when each reading arrives
  // and when the browser paints the frame after it.
  await page.evaluate(() => {
    const w = window as unknown as { arrivals: Record<number, [number, number]> };
    w.arrivals = {};
    const source = new EventSource('/api/events');
    source.addEventListener('reading', (event) => {
      const seq = (JSON.parse((event as MessageEvent).data) as { reading: { seq: number } }).reading.seq;
      const arrived = Date.now();
      requestAnimationFrame(() => (w.arrivals[seq] = [arrived, Date.now()]));
    });
    return new Promise((resolve) => source.addEventListener('open', resolve));
  });

  const sent = new Map<number, number>();
  const bare: number[] = [];
  subscriber.on('message', (_topic, message) => {
    const seq = (JSON.parse(message.toString()) as { seq: number }).seq;
    const at = sent.get(seq);
    if (at !== undefined) bare.push(Date.now() - at);
  });
  for (let seq = 1; seq <= SAMPLES; seq++) {
    sent.set(seq, Date.now());
    await publisher.publishAsync(TOPIC, payload(seq), { qos: 1 });
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const arrivals = (await page.evaluate(() => (window as unknown as { arrivals: Record<number, [number, number]> }).arrivals)) as Record<number, [number, number]>;
  const event: number[] = [];
  const painted: number[] = [];
  for (const [seq, at] of sent) {
    const arrival = arrivals[seq];
    if (!arrival) continue;
    event.push(arrival[0] - at);
    painted.push(arrival[1] - at);
  }
  report(`live latency (${SAMPLES} readings, one every ${PAUSE_MS} ms)`, {
    'bare broker hop (publish → mqtt.js subscriber)': summary(bare) + `, ${bare.length} received`,
    'publish → SSE event in Chromium': summary(event) + `, ${event.length} received`,
    'publish → next painted frame': summary(painted),
  });
  await publisher.endAsync();
  await subscriber.endAsync();
} finally {
  await browser.close();
  await app.close();
  await broker.stop();
  removeBrokerDir(broker);
  rmSync(dataDir, { recursive: true, force: true });
}
