// The dashboard when the hub goes away and comes back: the banner, the reconnection, and the
// readings that arrived meanwhile.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { buildApp } from '../../hub/app.js';
import { loadConfig } from '../../hub/config.js';
import { openDashboard, publishReading, screenshot, startStack, stopStack, type Stack } from './helpers.js';

const POT = 'a4cf12b3c510';

const connection = suite<{ stack?: Stack; page?: Page }>('hub connection');

connection.before(async (context) => {
  context.stack = await startStack();
  await publishReading(context.stack, POT, 1, { moisture: 42, light: 100 });
  context.page = await openDashboard(context.stack);
  await context.page.waitForSelector(`a[data-pot-id="${POT}"]`);
});

connection.after(async (context) => {
  await stopStack(context.stack);
});

connection('hides the banner while connected', async ({ page }) => {
  assert.ok(await page!.locator('#live-banner').isHidden());
});

connection('shows a banner when the hub stops', async ({ stack, page }) => {
  await stack!.hub.close();
  await page!.waitForSelector('#live-banner', { state: 'visible', timeout: 5000 });
  assert.is(await page!.locator('#live-banner').textContent(), 'Connexion au hub perdue. Nouvelle tentative…');
  assert.is(await page!.getAttribute('#live-banner', 'role'), 'status');
  await screenshot(page!, 'hub-lost-fr');
});

connection('reconnects and shows readings sent meanwhile', async ({ stack, page }) => {
  // Sent while the hub is down: the broker queues it for the hub's persistent session.
  await publishReading(stack!, POT, 2, { moisture: 37.5, light: 150 });

  const port = Number(new URL(stack!.hub.url).port);
  const config = loadConfig({
    POCO_DATA_DIR: stack!.hub.dataDir,
    POCO_MQTT_URL: stack!.broker.url,
    POCO_FLUSH_MS: '100',
    POCO_LOG_LEVEL: 'warn',
  });
  const app = await buildApp(config, { webDir: stack!.webDir, logger: false, auth: false });
  await app.listen({ host: '127.0.0.1', port });
  stack!.hub = { ...stack!.hub, app, close: () => app.close() };

  // Chromium retries after the 3 s that the hub's stream requests with `retry:`.
  await page!.waitForSelector('#live-banner', { state: 'hidden', timeout: 10_000 });
  await page!.waitForFunction(
    (selector) => /37,5\s%/.test(document.querySelector(selector)?.textContent ?? ''),
    `a[data-pot-id="${POT}"] [data-field="moisture"]`,
    { timeout: 5000 },
  );
  assert.is(await page!.evaluate(() => document.documentElement.dataset['live']), 'open');
});

connection.run();
