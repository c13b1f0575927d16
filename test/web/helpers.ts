// The whole chain for page tests: a real Mosquitto, the real hub serving a fresh build of the
// dashboard, an MQTT publisher playing the pots, and Chromium.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.js';
import { launchBrowser, type BrowserOptions, type TestBrowser } from '../support/browser.js';
import { connectPublisher, readingPayload, removeDir, startHub, type TestHub } from '../support/hub.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';

export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

export interface Stack {
  broker: Broker;
  hub: TestHub;
  /** Temporary folder holding this run's build of the dashboard. */
  webDir: string;
  publisher: MqttClient;
  browser: TestBrowser;
}

/** Builds the dashboard into a temporary folder, so a stale web/dist is never tested. */
export async function buildTestWeb(): Promise<string> {
  return buildWeb({ outDir: mkdtempSync(join(tmpdir(), 'poco-web-')) });
}

export async function startStack(browserOptions: BrowserOptions = {}): Promise<Stack> {
  const webDir = await buildTestWeb();
  const broker = await startMosquitto();
  const hub = await startHub({ brokerUrl: broker.url, webDir, env: { POCO_LOG_LEVEL: 'warn' } });
  const publisher = await connectPublisher(broker.url);
  const browser = await launchBrowser(browserOptions);
  return { broker, hub, webDir, publisher, browser };
}

export async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.browser.close();
  await stack.publisher.endAsync();
  await stack.hub.close();
  await stack.broker.stop();
  removeBrokerDir(stack.broker);
  removeDir(stack.hub.dataDir);
  rmSync(stack.webDir, { recursive: true, force: true });
}

/** Publishes one reading as a pot would (QoS 1); `fields` override the defaults. */
export async function publishReading(stack: Stack, potId: string, seq: number, fields: Record<string, unknown> = {}): Promise<void> {
  await stack.publisher.publishAsync(`poco/${potId}/telemetry`, readingPayload(seq, fields), { qos: 1 });
}

/** Opens the dashboard at a hash route and waits until its event stream is connected. */
export async function openDashboard(stack: Stack, hash = '#/'): Promise<Page> {
  const page = await stack.browser.context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`${stack.hub.url}/${hash}`);
  await page.waitForFunction(() => document.documentElement.dataset['live'] === 'open');
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
