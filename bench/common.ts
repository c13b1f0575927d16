// Helpers shared by the benchmarks: a silent logger, percentiles, generated readings, a Mosquitto
// on a free loopback port (the tests' helper), and a QoS 1 publisher with a bounded window.
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import type { StoredReading } from '../domain/reading.js';

export { startMosquitto, removeBrokerDir, freePort } from '../test/support/mosquitto.js';

export const MINUTE_MS = 60 * 1000;
export const DAY_MS = 24 * 3600 * 1000;

export const silentLog = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Formats a number with `digits` decimals. */
export function fixed(value: number, digits = 1): string {
  return value.toFixed(digits);
}

/** Readings once a minute from `from`, shaped like the protocol example. */
export function minuteReadings(from: number, count: number, firstSeq = 0): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let i = 0; i < count; i++) {
    const at = from + i * MINUTE_MS;
    const moistureRaw = 2000 + Math.round(800 * Math.sin(i / 700)) + (i % 7);
    readings.push({
      at, rx: at + 40, clock: 'device', seq: firstSeq + i, ts: at / 1000, rssi: -61, battery_mv: 3950, fw: 'poco-0.1.0',
      moisture_raw: moistureRaw, light_raw: 1000 + (i % 500),
      moisture: Math.round(((3280 - moistureRaw) / (3280 - 1475)) * 1000) / 10, light: (i % 500) * 2.5,
    });
  }
  return readings;
}

export function connect(url: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId, protocolVersion: 5, reconnectPeriod: 0 });
}

/** Publishes `count` telemetry messages at QoS 1 with at most `window` unacknowledged at once. */
export async function publishStream(client: MqttClient, topic: string, count: number, window = 100): Promise<void> {
  const ts = Math.floor(Date.now() / 1000);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const seq = next++;
      await client.publishAsync(topic, JSON.stringify({ v: 1, seq, moisture_raw: 2000 + (seq % 900), light_raw: 500, fw: '0.1.0', ts }), { qos: 1 });
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

export function report(name: string, lines: Record<string, string>): void {
  process.stdout.write(`\n== ${name}\n`);
  for (const [key, value] of Object.entries(lines)) process.stdout.write(`  ${key}: ${value}\n`);
}
