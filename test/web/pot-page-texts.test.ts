// Texts of the pot page in Chromium, in French and English: a rejected address per reason of the
// pot-id parser, a watering detected on an uncalibrated pot, the "Arroser" panel's heading and
// its message once a command is sent, and the 1-year chart legend named by bucket size.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/hub.js';
import { openDashboard, publishReading, screenshot, startStack, stopStack, type Stack } from './helpers.js';

const POT = '02000000b701';

interface Context {
  stack: Stack;
}

async function openIn(stack: Stack, hash: string, language: 'fr' | 'en'): Promise<Page> {
  await stack.browser.context.addInitScript((lang) => localStorage.setItem('poco.language', lang), language);
  return openDashboard(stack, hash);
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().innerText()).trim();
}

const texts = suite<Context>('pot page texts', {} as Context);

texts.before(async (context) => {
  context.stack = await startStack({ locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  await publishReading(context.stack, POT, 1, { pump: true, interval_s: 60 });
  await waitFor(`pot ${POT} on the hub`, () => context.stack.hub.app.store.pot(POT, Date.now()) !== null, 10000);
});

texts.after(async (context) => {
  await stopStack(context.stack);
});

texts('explains each rejected address in French', async ({ stack }) => {
  const cases: Array<[string, string, RegExp]> = [
    ['pas-une-mac', 'mac_format', /écrivez 6 octets hexadécimaux/],
    ['ffffffffffff', 'mac_multicast', /adresse de groupe \(multicast\)/],
    ['000000000000', 'mac_all_zero', /ne peut pas désigner un pot/],
  ];
  const page = await openIn(stack, '#/', 'fr');
  for (const [address, code, expected] of cases) {
    await page.goto(`${stack.hub.url}/#/pot/${address}`);
    const error = page.locator(`.error[data-code="${code}"]`);
    await error.waitFor();
    assert.match(await error.innerText(), expected, address);
    assert.not.match(await error.innerText(), /invalid MAC/, address);
    assert.is(await text(page, 'h1'), 'Adresse de pot invalide');
  }
  await screenshot(page, 'pot-invalid-address-fr');
  await page.close();
});

texts('explains a rejected address in English', async ({ stack }) => {
  const page = await openIn(stack, '#/pot/ffffffffffff', 'en');
  const error = page.locator('.error[data-code="mac_multicast"]');
  await error.waitFor();
  assert.match(await error.innerText(), /group \(multicast\) address and cannot identify a pot/);
  assert.is(await text(page, 'h1'), 'Invalid pot address');
  await page.close();
});

texts('shows raw counts of an uncalibrated watering', async ({ stack }) => {
  const at = Date.now() - 60_000;
  await stack.hub.app.care.timelines.add(POT, {
    at, kind: 'watering',
    data: { lastDryAt: at - 3600_000, rawBefore: 2400, rawAfter: 1500, risePercent: null, acrossGap: false, afterProbeOut: false },
  });
  for (const [language, expected] of [['fr', /Arrosage détecté \(mesure brute 2\s400 → 1\s500, pot non étalonné\)/], ['en', /Watering detected \(raw reading 2,400 → 1,500, pot not calibrated\)/]] as const) {
    const page = await openIn(stack, `#/pot/${POT}`, language);
    const event = page.locator('[data-field="care-timeline"] .event-watering');
    await event.first().waitFor({ timeout: 10000 });
    const shown = await event.first().innerText();
    assert.match(shown, expected, language);
    assert.not.match(shown, /\?/, language);
    if (language === 'fr') await screenshot(page, 'care-timeline-uncalibrated-fr');
    await page.close();
  }
});

texts('names the watering panel and its sent command', async ({ stack }) => {
  const english = await openIn(stack, `#/pot/${POT}`, 'en');
  await english.waitForSelector('[data-panel="watering"] [data-action="water"]');
  assert.is(await text(english, '[data-panel="watering"] h2'), 'Water');
  await english.close();

  const page = await openIn(stack, `#/pot/${POT}`, 'fr');
  await page.waitForSelector('[data-panel="watering"] [data-action="water"]');
  assert.is(await text(page, '[data-panel="watering"] h2'), 'Arroser');
  await page.fill('[data-field="water-duration"]', '2');
  await page.click('[data-action="water"]');
  await page.waitForFunction(() => /Commande envoyée/.test(document.querySelector('[data-panel="watering"]')?.textContent ?? ''));
  const panel = await text(page, '[data-panel="watering"]');
  assert.match(panel, /toujours éveillé l’exécute tout de suite/);
  assert.match(panel, /sur batterie qui dort à son prochain réveil/);
  await screenshot(page, 'watering-sent-fr');
  await page.close();
});

texts('labels the 1-year legend by bucket size', async ({ stack }) => {
  for (const [language, label] of [['fr', 'Jour'], ['en', 'Day']] as const) {
    const page = await openIn(stack, `#/pot/${POT}`, language);
    await page.click('button[data-period="1y"]');
    await page.waitForSelector('[data-kind="buckets"] .u-legend');
    const stepS = Number(await page.locator('[data-kind="buckets"]').first().getAttribute('data-step-s'));
    assert.is(stepS, 24 * 3600, 'bucket length of the 1-year series');
    assert.is(await text(page, '[data-kind="buckets"] .u-legend .u-series:first-child .u-label'), label, language);
    if (language === 'fr') await screenshot(page, 'history-1y-legend-fr');
    await page.close();
  }
});

texts.run();
