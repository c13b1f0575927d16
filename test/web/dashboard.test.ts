// The dashboard in Chromium against the real hub and a real Mosquitto: language, live cards,
// the pot page chart, untrusted text and the phone layout.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { getJson } from '../support/hub.js';
import { openDashboard, publishReading, screenshot, startStack, stopStack, type Stack } from './helpers.js';

/** The spec allows one second from broker to page; the wait adds no slack on top of it. */
const LIVE_TIMEOUT_MS = 1000;

function cardSelector(potId: string): string {
  return `a[data-pot-id="${potId}"]`;
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** Sets a flag on the window; it survives live updates but not a reload. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => { (window as unknown as { pocoMark: number }).pocoMark = 1; });
}

async function pageWasReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { pocoMark?: number }).pocoMark !== 1);
}

// ---

const language = suite<{ stack?: Stack; page?: Page }>('dashboard language');

language.before(async (context) => {
  context.stack = await startStack();
  context.page = await openDashboard(context.stack);
});

language.after(async (context) => {
  await stopStack(context.stack);
});

language('opens in French', async ({ page }) => {
  assert.is(await text(page!, 'h1'), 'Mes pots');
  assert.is(await page!.getAttribute('html', 'lang'), 'fr');
  assert.is(await text(page!, 'nav a[href="#/profil"]'), 'Profil');
  assert.is(await page!.getAttribute('button[data-language="fr"]', 'aria-pressed'), 'true');
  await screenshot(page!, 'pots-empty-fr');
});

language('shows how to start a pot when empty', async ({ page }) => {
  const empty = await text(page!, '.empty');
  assert.match(empty, 'Aucun pot');
  assert.match(empty, 'npm run pot');
});

language('skip link keeps the current page', async ({ page }) => {
  const hash = await page!.evaluate(() => location.hash);
  await page!.keyboard.press('Tab');
  assert.is(await page!.evaluate(() => document.activeElement?.id), 'skip-link');
  await page!.keyboard.press('Enter');
  assert.is(await page!.evaluate(() => document.activeElement?.id), 'app');
  assert.is(await page!.evaluate(() => location.hash), hash);
  assert.is(await text(page!, 'h1'), 'Mes pots');
});

language('switches to English and keeps it', async ({ stack, page }) => {
  await page!.click('button[data-language="en"]');
  await page!.waitForFunction(() => document.querySelector('h1')?.textContent === 'My pots');
  assert.is(await page!.getAttribute('html', 'lang'), 'en');
  assert.is(await text(page!, 'nav a[href="#/profil"]'), 'Profile');

  await page!.reload();
  await page!.waitForSelector('h1');
  assert.is(await text(page!, 'h1'), 'My pots');
  assert.is(await page!.getAttribute('html', 'lang'), 'en');

  const settings = await getJson<{ language: string }>(stack!.hub, '/api/settings');
  assert.is(settings.body.language, 'en');
  await page!.goto(`${stack!.hub.url}/#/profil`);
  await page!.waitForSelector('#language-en');
  assert.ok(await page!.isChecked('#language-en'));
  await screenshot(page!, 'profile-en');
});

language('follows the hub setting when the browser never chose', async ({ stack, page }) => {
  await page!.evaluate(() => localStorage.clear());
  await page!.goto(`${stack!.hub.url}/#/`);
  await page!.reload();
  await page!.waitForSelector('h1');
  assert.is(await text(page!, 'h1'), 'My pots');
});

language('switches back from the profile page', async ({ stack, page }) => {
  await page!.goto(`${stack!.hub.url}/#/profil`);
  await page!.check('#language-fr');
  await page!.waitForFunction(() => document.querySelector('h1')?.textContent === 'Profil');
  assert.is(await page!.getAttribute('html', 'lang'), 'fr');
  assert.ok(await page!.isChecked('#language-fr'));
  const settings = await getJson<{ language: string }>(stack!.hub, '/api/settings');
  assert.is(settings.body.language, 'fr');
});

language.run();

// ---

const cards = suite<{ stack?: Stack; page?: Page }>('pot cards, live');
const CARD_POT = 'a4cf12b3c4d5';

cards.before(async (context) => {
  context.stack = await startStack();
  context.page = await openDashboard(context.stack);
});

cards.after(async (context) => {
  await stopStack(context.stack);
});

cards('adds a card for a new pot without reload', async ({ stack, page }) => {
  await markPage(page!);
  await publishReading(stack!, CARD_POT, 1, { moisture_raw: 2710, light_raw: 1630 });
  await page!.waitForSelector(cardSelector(CARD_POT), { timeout: LIVE_TIMEOUT_MS });
  assert.not.ok(await pageWasReloaded(page!));

  const card = cardSelector(CARD_POT);
  assert.is(await text(page!, `${card} .card-title`), 'A4:CF:12:B3:C4:D5');
  assert.match(await text(page!, `${card} [data-field="moisture"]`), /2\s710 \(brut\)/);
  assert.match(await text(page!, `${card} [data-field="moisture"]`), 'non étalonné');
  assert.is(await text(page!, `${card} [data-field="status"]`), 'en ligne');
  assert.match(await text(page!, `${card} [data-field="seen"]`), /^vu il y a \d+\ss/);
  assert.is(await page!.locator('.empty').count(), 0);
});

cards('updates the values within a second', async ({ stack, page }) => {
  const card = cardSelector(CARD_POT);
  await publishReading(stack!, CARD_POT, 2, { moisture_raw: 2400, light_raw: 1700, moisture: 31.6, light: 412 });
  await page!.waitForFunction(
    (selector) => /31,6\s%/.test(document.querySelector(`${selector} [data-field="moisture"]`)?.textContent ?? ''),
    card,
    { timeout: LIVE_TIMEOUT_MS },
  );
  assert.match(await text(page!, `${card} [data-field="light"]`), /412\slx/);
  assert.not.match(await text(page!, `${card} [data-field="moisture"]`), 'brut');
  assert.not.ok(await pageWasReloaded(page!));
});

cards('marks clamped, partial and faulty readings', async ({ stack, page }) => {
  const card = cardSelector(CARD_POT);
  await publishReading(stack!, CARD_POT, 3, {
    moisture_raw: 1400, moisture: 100, moisture_clamped: true, light_raw: null, faults: ['light_nan'],
  });
  await page!.waitForSelector(`${card} .warnings`, { timeout: LIVE_TIMEOUT_MS });
  const warnings = await text(page!, `${card} .warnings`);
  assert.match(warnings, 'mesure partielle');
  assert.match(warnings, 'le capteur de lumière ne répond pas');
  assert.match(await text(page!, `${card} [data-field="moisture"]`), "hors de la plage d'étalonnage");
  assert.is(await text(page!, `${card} [data-field="light"]`), '—');
});

cards('marks a pot offline when its will fires', async ({ stack, page }) => {
  const card = cardSelector(CARD_POT);
  await stack!.publisher.publishAsync(`poco/${CARD_POT}/status`, 'offline', { qos: 1, retain: true });
  await page!.waitForFunction(
    (selector) => document.querySelector(`${selector} [data-field="status"]`)?.textContent === 'hors ligne',
    card,
    { timeout: LIVE_TIMEOUT_MS },
  );
  assert.match((await page!.getAttribute(card, 'class')) ?? '', 'card-offline');

  await publishReading(stack!, CARD_POT, 4, { moisture: 50, light: 200 });
  await page!.waitForFunction(
    (selector) => document.querySelector(`${selector} [data-field="status"]`)?.textContent === 'en ligne',
    card,
    { timeout: LIVE_TIMEOUT_MS },
  );
});

cards('keeps one card per pot', async ({ stack, page }) => {
  await publishReading(stack!, 'a4cf12b3c4d6', 1);
  await page!.waitForSelector(cardSelector('a4cf12b3c4d6'), { timeout: LIVE_TIMEOUT_MS });
  assert.is(await page!.locator('.cards > li').count(), 2);
  await screenshot(page!, 'pots-live-fr');
});

cards.run();

// ---

const potPage = suite<{ stack?: Stack; page?: Page }>('pot page');
const PAGE_POT = 'a4cf12b3c4e0';

potPage.before(async (context) => {
  context.stack = await startStack();
  const nowS = Math.floor(Date.now() / 1000);
  // Three readings a minute apart, then a silence of an hour: the chart must leave a gap.
  await publishReading(context.stack, PAGE_POT, 9, { ts: nowS - 3780, moisture: 40.5, light: 290 });
  await publishReading(context.stack, PAGE_POT, 10, { ts: nowS - 3720, moisture: 40, light: 300 });
  await publishReading(context.stack, PAGE_POT, 11, { ts: nowS - 3660, moisture: 39.5, light: 320 });
  await publishReading(context.stack, PAGE_POT, 12, { ts: nowS - 60, moisture: 35, light: 500 });
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const readings = await getJson<{ readings: unknown[] }>(context.stack.hub, `/api/pots/${PAGE_POT}/readings`);
    if (readings.status === 200 && readings.body.readings.length === 4) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  context.page = await openDashboard(context.stack, `#/pot/${PAGE_POT}`);
});

potPage.after(async (context) => {
  await stopStack(context.stack);
});

potPage('draws the stored readings', async ({ page }) => {
  await page!.waitForSelector('.chart[data-points="4"] canvas');
  const columns = await page!.evaluate(() => document.querySelector('.chart')?.getAttribute('data-columns'));
  assert.is(columns, '5', 'four readings and one gap marker');
  const spanS = Number(await page!.getAttribute('.chart', 'data-span-s'));
  assert.ok(Math.abs(spanS - 24 * 3600) < 60, `x axis spans ${spanS} s`);
  assert.match(await text(page!, '.live-values [data-field="moisture"]'), /35\s%/);
  assert.match(await text(page!, '.live-values [data-field="light"]'), /500\slx/);
});

potPage('adds a live reading to the chart', async ({ stack, page }) => {
  await markPage(page!);
  await publishReading(stack!, PAGE_POT, 13, { moisture: 34.2, light: 510, rssi: -64, battery_mv: 3940 });
  await page!.waitForSelector('.chart[data-points="5"]', { timeout: LIVE_TIMEOUT_MS });
  assert.match(await text(page!, '.live-values [data-field="moisture"]'), /34,2\s%/);
  assert.not.ok(await pageWasReloaded(page!));
});

potPage('shows the pot details', async ({ page }) => {
  const details = await text(page!, '.details');
  assert.match(details, 'A4:CF:12:B3:C4:E0');
  assert.match(details, '0.1.0');
  assert.match(details, /[-−]64\sdBm/);
  assert.match(details, /3,94\sV/);
  assert.match(details, '13');
  await screenshot(page!, 'pot-page-fr');
});

potPage('reports an unknown pot', async ({ stack, page }) => {
  await page!.goto(`${stack!.hub.url}/#/pot/02-00-00-00-00-99`);
  await page!.waitForSelector('.error');
  assert.is(await text(page!, 'h1'), 'Pot introuvable');
  assert.match(await text(page!, '.error'), '02:00:00:00:00:99');
});

potPage.run();

// ---

const untrusted = suite<{ stack?: Stack; page?: Page; dialogs: string[] }>('untrusted text', { dialogs: [] });
const MARKUP_POT = 'a4cf12b3c4f0';
const MARKUP = '<img src=x onerror=alert(1)>';

untrusted.before(async (context) => {
  context.stack = await startStack();
  context.page = await openDashboard(context.stack, `#/pot/${MARKUP_POT}`);
  context.page.on('dialog', (dialog) => {
    context.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

untrusted.after(async (context) => {
  await stopStack(context.stack);
});

untrusted('shows markup in a firmware string as text', async ({ stack, page, dialogs }) => {
  await publishReading(stack!, MARKUP_POT, 1, { fw: MARKUP });
  await page!.goto(`${stack!.hub.url}/#/`);
  await page!.waitForSelector(cardSelector(MARKUP_POT));
  await page!.goto(`${stack!.hub.url}/#/pot/${MARKUP_POT}`);
  await page!.waitForSelector('.details');
  await page!.waitForTimeout(300);

  assert.match(await text(page!, '.details'), MARKUP);
  assert.is(await page!.locator('img[src="x"]').count(), 0);
  assert.equal(dialogs, []);
});

untrusted.run();

// ---

const phone = suite<{ stack?: Stack; page?: Page }>('phone layout');
const PHONE_POT = 'a4cf12b3c500';

phone.before(async (context) => {
  context.stack = await startStack({ viewport: { width: 360, height: 740 } });
  await publishReading(context.stack, PHONE_POT, 1, { moisture: 55.5, light: 12000, rssi: -70 });
  context.page = await openDashboard(context.stack);
});

phone.after(async (context) => {
  await stopStack(context.stack);
});

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

phone('fits the pot list in 360 px', async ({ page }) => {
  await page!.waitForSelector(cardSelector(PHONE_POT));
  assert.is(await horizontalOverflow(page!), 0);
  await screenshot(page!, 'phone-pots');
});

phone('fits the pot page in 360 px', async ({ stack, page }) => {
  await page!.goto(`${stack!.hub.url}/#/pot/${PHONE_POT}`);
  await page!.waitForSelector('.chart[data-points="1"] canvas');
  assert.is(await horizontalOverflow(page!), 0);
  const spanS = Number(await page!.getAttribute('.chart', 'data-span-s'));
  assert.ok(Math.abs(spanS - 24 * 3600) < 60, `x axis spans ${spanS} s with one reading`);
  assert.is(await page!.title(), 'A4:CF:12:B3:C5:00 – POCO');
  const chartWidth = await page!.evaluate(() => document.querySelector('.chart .uplot')?.getBoundingClientRect().width ?? 0);
  assert.ok(chartWidth > 0, 'chart is drawn');
  assert.ok(chartWidth <= 360, `chart is ${chartWidth} px wide`);
  await screenshot(page!, 'phone-pot-page');
});

phone('fits the profile page in 360 px', async ({ stack, page }) => {
  await page!.goto(`${stack!.hub.url}/#/profil`);
  await page!.waitForSelector(`.pot-list a[href="#/pot/${PHONE_POT}"]`);
  assert.is(await horizontalOverflow(page!), 0);
  await screenshot(page!, 'phone-profile');
});

phone.run();
