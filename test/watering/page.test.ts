// The "Arroser" panel in Chromium: a battery pot with a pump is watered from the page while it
// sleeps, and the command's states appear live.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { tempDir } from '../device/helpers.js';
import { openDashboard, screenshot, startStack, stopStack, type Stack } from '../web/helpers.js';
import { startPumpPot, waitUntil, type PumpPot } from './support.js';

interface Context {
  stack: Stack;
  dir: string;
  pot: PumpPot;
  page: Page | null;
}

const page = suite<Context>('the Arroser panel', {} as Context);

page.before(async (context) => {
  context.stack = await startStack({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  context.dir = tempDir('watering-page');
  context.pot = startPumpPot(context.stack.broker.url, context.dir, '02:00:00:00:79:01', 30);
  context.page = null;
  await waitUntil(async () => (await fetch(`${context.stack.hub.url}/api/pots/${context.pot.id}`)).status === 200, 20000, 'the pot on the hub');
});

page.after(async (context) => {
  await context.page?.close();
  await context.pot.pot.stop();
  await stopStack(context.stack);
  rmSync(context.dir, { recursive: true, force: true });
});

page('waters a sleeping pot and shows each step', async (context) => {
  const tab = await openDashboard(context.stack, `#/pot/${context.pot.id}`);
  context.page = tab;
  await tab.waitForSelector('[data-panel="watering"] [data-action="water"]');
  // Records every state the list shows, so a step that passed quickly is still seen.
  await tab.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenStates: string[] }).seenStates = seen;
    const list = document.querySelector('[data-field="water-commands"]')!;
    new MutationObserver(() => {
      const state = list.querySelector('[data-state]')?.getAttribute('data-state');
      if (state && seen[seen.length - 1] !== state) seen.push(state);
    }).observe(list, { childList: true, subtree: true, attributes: true });
  });
  await waitUntil(() => context.pot.pot.sleeping(), 15000, 'the pot to sleep');
  await tab.fill('[data-field="water-duration"]', '4');
  await tab.click('[data-action="water"]');
  await tab.waitForSelector('[data-field="water-commands"] [data-state="sent"]', { timeout: 15000 });
  assert.ok(context.pot.pot.sleeping() || context.pot.soil.runs.length === 0, 'sent while the pot still slept');
  await screenshot(tab, 'watering-sent-fr');
  await tab.waitForSelector('[data-field="water-commands"] [data-state="done"]', { timeout: 30000 });
  const seen = await tab.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
  assert.ok(seen.includes('sent') && seen.indexOf('sent') < seen.indexOf('done'), seen.join(' → '));
  const item = await tab.textContent('[data-field="water-commands"] [data-state="done"]');
  assert.match(item ?? '', /effectuée/);
  assert.match(item ?? '', /4 s effectuées/);
  await tab.waitForFunction(() => /1 arrosage/.test(document.querySelector('[data-field="water-usage"]')?.textContent ?? ''));
  await screenshot(tab, 'watering-done-fr');
  assert.is(context.pot.soil.runs.length, 1);
  await tab.waitForFunction(() => /Arrosage 4 s \(à la main\) : effectuée/.test(document.querySelector('[data-field="care-timeline"]')?.textContent ?? ''));
});

page('shows quiet hours on a 24-hour clock', async (context) => {
  const tab = context.page!;
  const start = tab.locator('[data-field="rule-quietStart"]');
  assert.is(await start.inputValue(), '22:00');
  assert.is(await tab.locator('[data-field="rule-quietEnd"]').inputValue(), '07:00');
  await start.scrollIntoViewIfNeeded();
  await screenshot(tab, 'watering-quiet-hours-fr');
  await start.fill('25:00');
  assert.not.ok(await start.evaluate((input) => (input as HTMLInputElement).checkValidity()), '25:00 accepted');
  await start.fill('22:00');
});

page('refuses a duration beyond the limit on the page', async (context) => {
  const tab = context.page!;
  await tab.fill('[data-field="water-duration"]', '900');
  await tab.click('[data-action="water"]');
  await tab.waitForFunction(() => /de 1 à 600/.test(document.querySelector('[data-field="water-message"]')?.textContent ?? ''));
});

page.run();
