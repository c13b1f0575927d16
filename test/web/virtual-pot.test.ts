// The dashboard fed by a virtual pot: the device core on host hardware, publishing through the
// real Mosquitto to the real hub, as `npm run pot` does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { DEFAULT_MAC, DEFAULT_TRACE, startVirtualPots, type VirtualPots } from '../../device/host/virtual-pots.js';
import { openDashboard, screenshot, startStack, stopStack, type Stack } from './helpers.js';

const POT = '02504f434f01';
/** The shortest interval a pot accepts (domain/pot-config.ts), so two readings arrive within the test. */
const INTERVAL_S = 10;

interface Context {
  stack?: Stack;
  pots?: VirtualPots;
  potDir: string;
  page?: Page;
}

const virtual = suite<Context>('virtual pot on the dashboard', { potDir: '' });

virtual.before(async (context) => {
  context.stack = await startStack();
  context.page = await openDashboard(context.stack);
  context.potDir = mkdtempSync(join(tmpdir(), 'poco-virtual-pot-'));
  context.pots = startVirtualPots({
    brokerUrl: context.stack.broker.url,
    prefix: 'poco',
    count: 1,
    mac: DEFAULT_MAC,
    mode: 'synthetic',
    tracePath: DEFAULT_TRACE,
    speed: 1,
    intervalS: INTERVAL_S,
    dataDir: context.potDir,
    print: () => {},
    logger: pino({ level: 'silent' }),
  });
});

virtual.after(async (context) => {
  await context.pots?.stop();
  await stopStack(context.stack);
  rmSync(context.potDir, { recursive: true, force: true });
});

virtual('shows the pot with calibrated moisture', async ({ page }) => {
  const card = `a[data-pot-id="${POT}"]`;
  await page!.waitForSelector(card, { timeout: 5000 });
  assert.match(await page!.locator(`${card} [data-field="moisture"]`).textContent() ?? '', /\d\s%/);
  assert.match(await page!.locator(`${card} [data-field="light"]`).textContent() ?? '', /\slx/);
  assert.is(await page!.locator(`${card} [data-field="status"]`).textContent(), 'en ligne');
});

virtual('extends the chart with its next reading', async ({ stack, page }) => {
  await page!.goto(`${stack!.hub.url}/#/pot/${POT}`);
  await page!.waitForSelector('.chart canvas');
  const before = Number(await page!.getAttribute('.chart', 'data-points'));
  assert.ok(before >= 1, `chart starts with ${before} points`);

  await page!.waitForFunction(
    (count) => Number(document.querySelector('.chart')?.getAttribute('data-points')) > count,
    before,
    { timeout: (INTERVAL_S + 5) * 1000 },
  );
  assert.match(await page!.locator('.details').textContent() ?? '', '02:50:4F:43:4F:01');
  await screenshot(page!, 'virtual-pot-page');
});

virtual.run();
