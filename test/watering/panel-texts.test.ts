// The "Arroser" panel's texts in Chromium, in French: refusal reasons from the pot's reason code,
// the notice for a pot without a pump (and the hub's 409), and plural forms of counts. The test's
// MQTT publisher plays the pots: it sends their readings and acknowledges their commands.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { openDashboard, publishReading, screenshot, startStack, stopStack, type Stack } from '../web/helpers.js';
import { waitUntil } from './support.js';

const WITH_PUMP = '02000000a801';
const WITHOUT_PUMP = '02000000a802';
const NEVER_SAID = '02000000a803';

interface Context {
  stack: Stack;
  page: Page | null;
}

async function potKnown(stack: Stack, id: string): Promise<boolean> {
  return (await fetch(`${stack.hub.url}/api/pots/${id}`)).status === 200;
}

/** Presses "Arroser" for `seconds` and returns the id of the command the hub created. */
async function waterFromPage(tab: Page, stack: Stack, seconds: number, before: number): Promise<string> {
  await tab.fill('[data-field="water-duration"]', String(seconds));
  await tab.click('[data-action="water"]');
  let id = '';
  await waitUntil(async () => {
    const view = (await (await fetch(`${stack.hub.url}/api/pots/${WITH_PUMP}/commands`)).json()) as { commands: Array<{ id: string }> };
    id = view.commands.length > before ? view.commands[0]!.id : '';
    return id !== '';
  }, 10000, 'the command on the hub');
  return id;
}

async function acknowledge(stack: Stack, ack: Record<string, unknown>): Promise<void> {
  await stack.publisher.publishAsync(`poco/${WITH_PUMP}/cmd/ack`, JSON.stringify({ v: 1, ...ack }), { qos: 1 });
}

function commandText(tab: Page, id: string): Promise<string> {
  return tab.locator(`[data-command="${id}"]`).innerText();
}

const panel = suite<Context>('Arroser panel texts', {} as Context);

panel.before(async (context) => {
  context.stack = await startStack({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  context.page = null;
  await publishReading(context.stack, WITH_PUMP, 1, { pump: true, interval_s: 60 });
  await publishReading(context.stack, WITHOUT_PUMP, 1, { pump: false, interval_s: 60 });
  await publishReading(context.stack, NEVER_SAID, 1, { interval_s: 60 });
  for (const id of [WITH_PUMP, WITHOUT_PUMP, NEVER_SAID]) await waitUntil(() => potKnown(context.stack, id), 10000, `pot ${id} on the hub`);
});

panel.after(async (context) => {
  await context.page?.close();
  await stopStack(context.stack);
});

panel('translates a known refusal reason', async (context) => {
  const tab = await openDashboard(context.stack, `#/pot/${WITH_PUMP}`);
  context.page = tab;
  await tab.waitForSelector('[data-panel="watering"] [data-action="water"]');
  assert.not.ok(await tab.isVisible('[data-field="water-no-pump"]'), 'no-pump notice shown for a pot with a pump');
  const id = await waterFromPage(tab, context.stack, 4, 0);
  await acknowledge(context.stack, { id, result: 'refused', ran_s: 0, reason: 'min_interval', error: 'the pump ran less than 600 s ago: try again in 12 s' });
  await tab.waitForSelector(`[data-command="${id}"][data-state="refused"]`, { timeout: 10000 });
  const text = await commandText(tab, id);
  assert.match(text, /délai minimal entre deux arrosages/);
  assert.not.match(text, /the pump ran/);
  await screenshot(tab, 'watering-refused-reason-fr');
});

panel('folds the raw text of an unknown reason', async (context) => {
  const tab = context.page!;
  const id = await waterFromPage(tab, context.stack, 3, 1);
  await acknowledge(context.stack, { id, result: 'refused', ran_s: 0, reason: 'tank_empty', error: 'float switch reports an empty tank' });
  await tab.waitForSelector(`[data-command="${id}"][data-state="refused"]`, { timeout: 10000 });
  const item = tab.locator(`[data-command="${id}"]`);
  assert.match(await item.innerText(), /raison que ce tableau de bord ne connaît pas/);
  assert.not.ok(await item.locator('details span').isVisible(), 'raw text shown before the reader opens the details');
  await item.locator('details summary').click();
  assert.is(await item.locator('details span').innerText(), 'tank_empty: float switch reports an empty tank');
  await screenshot(tab, 'watering-unknown-reason-fr');
});

panel('writes counts in the singular and plural', async (context) => {
  const tab = context.page!;
  const first = await waterFromPage(tab, context.stack, 1, 2);
  await acknowledge(context.stack, { id: first, result: 'done', ran_s: 1, moisture_before: 30, moisture_after: 35 });
  await tab.waitForSelector(`[data-command="${first}"][data-state="done"]`, { timeout: 10000 });
  const firstText = await commandText(tab, first);
  assert.match(firstText, /1 s demandée(?!s)/);
  assert.match(firstText, /1 s effectuée(?!s)/);
  await tab.waitForFunction(() => /Aujourd’hui : 1 arrosage,/.test(document.querySelector('[data-field="water-usage"]')?.textContent ?? ''));

  const second = await waterFromPage(tab, context.stack, 2, 3);
  await acknowledge(context.stack, { id: second, result: 'done', ran_s: 2 });
  await tab.waitForSelector(`[data-command="${second}"][data-state="done"]`, { timeout: 10000 });
  assert.match(await commandText(tab, second), /2 s effectuées/);
  await tab.waitForFunction(() => /Aujourd’hui : 2 arrosages,/.test(document.querySelector('[data-field="water-usage"]')?.textContent ?? ''));
  assert.not.match(await tab.locator('[data-panel="watering"]').innerText(), /\w\(s\)/);
  await screenshot(tab, 'watering-plurals-fr');
});

panel('explains how to add a pump', async (context) => {
  await context.page?.close();
  const tab = await openDashboard(context.stack, `#/pot/${WITHOUT_PUMP}`);
  context.page = tab;
  await tab.waitForSelector('[data-field="water-no-pump"]', { state: 'visible' });
  assert.match(await tab.locator('[data-field="water-no-pump"]').innerText(), /n’a pas de pompe[\s\S]*--pump-pin[\s\S]*docs\/device\.fr\.md/);
  assert.not.ok(await tab.isVisible('[data-action="water"]'), 'water button offered for a pot without a pump');
  await screenshot(tab, 'watering-no-pump-fr');
});

panel('rejects a command for a pot without a pump', async (context) => {
  const response = await fetch(`${context.stack.hub.url}/api/pots/${WITHOUT_PUMP}/water`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ duration_s: 5 }),
  });
  assert.is(response.status, 409);
  const body = (await response.json()) as { code: string; error: string };
  assert.is(body.code, 'no_pump');
  assert.match(body.error, new RegExp(`pot ${WITHOUT_PUMP} has no pump`));
  const view = (await (await fetch(`${context.stack.hub.url}/api/pots/${WITHOUT_PUMP}/commands`)).json()) as { pump: boolean | null; commands: unknown[] };
  assert.is(view.pump, false);
  assert.is(view.commands.length, 0);
});

panel('keeps the button for a pot that never said', async (context) => {
  await context.page?.close();
  const tab = await openDashboard(context.stack, `#/pot/${NEVER_SAID}`);
  context.page = tab;
  await tab.waitForSelector('[data-panel="watering"] [data-action="water"]', { state: 'visible' });
  assert.not.ok(await tab.isVisible('[data-field="water-no-pump"]'), 'no-pump notice shown for a pot that never said');
  const view = (await (await fetch(`${context.stack.hub.url}/api/pots/${NEVER_SAID}/commands`)).json()) as { pump: boolean | null };
  assert.is(view.pump, null);
});

panel.run();
