// Shared pieces of the device suites: a pot on host hardware, and a subscriber that records
// what the broker delivers.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { startPot, potOptions, type Pot, type PotOptions } from '../../device/core/pot.js';
import { createHostHardware, type HostHardware } from '../../device/host/hardware.js';
import type { SensorSource } from '../../device/host/sensors.js';

export interface Received {
  topic: string;
  text: string;
  retain: boolean;
}

export interface Recorder {
  client: MqttClient;
  messages: Received[];
  on(topic: string): Received[];
  /** Resolves once `predicate` holds for the messages received, or rejects after `timeoutMs`. */
  until(predicate: (messages: Received[]) => boolean, timeoutMs: number, what: string): Promise<void>;
}

export async function record(url: string, filter: string, clientId?: string): Promise<Recorder> {
  const client = await connectAsync(url, { clientId, clean: clientId === undefined, reconnectPeriod: 100 });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, text: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(filter, { qos: 1 });
  return {
    client,
    messages,
    on: (topic) => messages.filter((m) => m.topic === topic),
    until(predicate, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = (): void => {
          if (predicate(messages)) return resolve();
          if (Date.now() > deadline) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${messages.length} messages`));
          setTimeout(poll, 10);
        };
        poll();
      });
    },
  };
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `poco-${name}-`));
}

export interface TestPot {
  pot: Pot;
  hw: HostHardware;
  stop(): Promise<void>;
}

/**
 * Starts a pot on host hardware with a set clock, so readings carry `ts`. Each MAC gets its own
 * folder under `dataDir`, as each real pot has its own flash: a shared one would hand one pot's
 * buffered readings to the next.
 */
export function startTestPot(mac: string, dataDir: string, source: SensorSource, speed: number, options: Partial<PotOptions>): TestPot {
  const hw = createHostHardware({ mac, dataDir: join(dataDir, mac.replace(/[:-]/g, '')), speed, clockSet: true, source, log: () => {} });
  const pot = startPot(hw, potOptions(options));
  return {
    pot,
    hw,
    stop: () => new Promise<void>((resolve) => pot.stop(() => { hw.release(); resolve(); })),
  };
}

/** A source with fixed counts: 2000 moisture, 300 light. */
export function steadySource(): SensorSource {
  return {
    read: (channel) => (channel === 'moisture' ? 2000 : 300),
    adcMax: () => 4095,
    lowRailIsFault: () => true,
    luxFromRaw: null,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
