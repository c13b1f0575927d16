// Builds the hub for a test: a temp data folder (unless given), the suite's broker URL, HTTP on
// a free loopback port, and every log line captured for assertions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import mqtt, { type MqttClient } from 'mqtt';
import { buildApp } from '../../hub/app.js';
import { loadConfig } from '../../hub/config.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface TestHub {
  app: FastifyInstance;
  /** HTTP base URL, such as http://127.0.0.1:41234. */
  url: string;
  dataDir: string;
  logs: LogLine[];
  close(): Promise<void>;
}

export interface TestHubOptions {
  brokerUrl: string;
  /** Reuse a data folder (restart tests); a fresh temp folder otherwise. */
  dataDir?: string;
  /** Extra POCO_* settings. */
  env?: Record<string, string>;
  webDir?: string;
  /** Wait until the hub is subscribed at the broker (default true). */
  waitForBroker?: boolean;
  /**
   * Accounts and access checks; off by default so suites of other features call routes without
   * logging in. Suites under test/auth turn it on (docs/security.md gives the reason).
   */
  auth?: boolean;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'poco-hub-data-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startHub(options: TestHubOptions): Promise<TestHub> {
  const dataDir = options.dataDir ?? tempDataDir();
  const config = loadConfig({
    POCO_DATA_DIR: dataDir,
    POCO_MQTT_URL: options.brokerUrl,
    POCO_PORT: '0',
    POCO_FLUSH_MS: '100',
    ...options.env,
  });

  const logs: LogLine[] = [];
  const stream = { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) };
  const app = await buildApp(config, { logger: { level: 'debug', stream }, webDir: options.webDir ?? join(dataDir, 'no-web'), auth: options.auth ?? false });
  // The hub connects to the broker once it listens (hub/plugins/mqtt.ts).
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  if (options.waitForBroker !== false) await app.mqtt.ready;
  return { app, url, dataDir, logs, close: () => app.close() };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Connects a test publisher (MQTT 5, clean session) to the suite's broker. */
export function connectPublisher(brokerUrl: string, clientId = 'test-pub-' + Math.random().toString(16).slice(2, 10)): Promise<MqttClient> {
  return mqtt.connectAsync(brokerUrl, { clientId, protocolVersion: 5, reconnectPeriod: 0 });
}

/** Builds a valid telemetry payload; `fields` override or add fields. */
export function readingPayload(seq: number, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, seq, moisture_raw: 2000 + seq, light_raw: 500, fw: '0.1.0', ts: Math.floor(Date.now() / 1000), ...fields });
}

export async function getJson<T = any>(hub: TestHub, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(hub.url + path);
  return { status: response.status, body: (await response.json()) as T };
}
