// The care panels in Chromium: a pot replaying the shipped trace until it is too dry, a pot with a
// dead probe and a hostile name, the alert badges (polled and live), photos, and the calibration
// wizard. Screenshots go to test-output/screenshots.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { connectPublisher, getJson, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { buildTestWeb, screenshot } from '../web/helpers.js';
import { loadShippedTrace, onePixelPng, publishReadings, sendJson } from './support.js';

const THIRSTY = '02504f43ee01';
const DEAD = '02504f43ee02';
const DAY = 24 * 3600 * 1000;
const LIVE = '02504f43ee03';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>Ficus';

interface Context {
  broker: Broker;
  hub: TestHub;
  webDir: string;
  publisher: MqttClient;
  browser: TestBrowser;
  /** Dialogs any page opened, such as an alert() run from a pot name. */
  dialogs: string[];
}

const test = suite<Context>('care pages');

async function preparePot(context: Context, potId: string, body: Record<string, unknown>, calibration: { dry: number; wet: number }, readings: Parameters<typeof publishReadings>[2]): Promise<void> {
  await publishReadings(context.publisher, potId, readings.slice(0, 1));
  await waitFor(`pot ${potId} registered`, async () => (await getJson(context.hub, `/api/pots/${potId}`)).status === 200);
  assert.is((await sendJson(`${context.hub.url}/api/pots/${potId}`, 'PUT', body)).status, 200);
  assert.is((await sendJson(`${context.hub.url}/api/pots/${potId}/calibration`, 'POST', calibration)).status, 201);
  const before = context.hub.app.mqtt.counters.stored;
  await publishReadings(context.publisher, potId, readings.slice(1), 2);
  await waitFor('readings stored', () => context.hub.app.mqtt.counters.stored >= before + readings.length - 1, 60000);
  await context.hub.app.care.engine.idle();
}

test.before(async (context) => {
  context.webDir = await buildTestWeb();
  context.broker = await startMosquitto();
  context.hub = await startHub({ brokerUrl: context.broker.url, webDir: context.webDir, env: { POCO_TIME_ZONE: 'UTC', POCO_LOG_LEVEL: 'warn' } });
  context.publisher = await connectPublisher(context.broker.url);
  context.browser = await launchBrowser({ timezoneId: 'UTC', viewport: { width: 1100, height: 900 } });

  // The trace up to 24 September: too dry since the 22nd, two days after the last forecast point.
  const trace = loadShippedTrace();
  const end = Date.parse('2025-09-24T12:00:00Z');
  const shift = Math.floor((Date.now() - 60000 - end) / DAY) * DAY;
  const rows = trace.rows.filter((row) => row.timeMs <= end);
  await preparePot(context, THIRSTY, { name: 'Pothos du CDI', speciesId: 'pothos', channels: [], sensor: { moistureAdcMax: 32767, lightAdcMax: 65535 } },
    trace.calibration, rows.map((row) => ({ at: row.timeMs + shift, moisture_raw: row.moistureRaw, light_raw: row.lightRaw, light: row.light })));

  const start = Math.floor(Date.now() / 1000) * 1000 - 3 * 3600 * 1000;
  const dead = Array.from({ length: 30 }, (_, i) => ({ at: start + i * 5 * 60000, moisture_raw: i < 2 ? 2100 : 4095, battery_mv: 3950, light_raw: 300 + i, light: 250 + i }));
  await preparePot(context, DEAD, { name: HOSTILE_NAME, speciesId: 'weeping-fig' }, { dry: 3000, wet: 1200 }, dead);

  const photo = await fetch(`${context.hub.url}/api/pots/${THIRSTY}/photo`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array(onePixelPng(30, 140, 50)) });
  assert.is(photo.status, 200, await photo.text());
  context.dialogs = [];
});

test.after(async (context) => {
  await context.browser?.close();
  await context.publisher?.endAsync();
  await context.hub?.close();
  await context.broker?.stop();
  if (context.broker) removeBrokerDir(context.broker);
  if (context.hub) removeDir(context.hub.dataDir);
  if (context.webDir) rmSync(context.webDir, { recursive: true, force: true });
});

async function openPage(context: Context, hash: string, language: 'fr' | 'en' = 'fr'): Promise<Page> {
  const page = await context.browser.context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  page.on('dialog', (dialog) => {
    context.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.addInitScript((lang) => localStorage.setItem('poco.language', lang), language);
  await page.goto(`${context.hub.url}/${hash}`);
  await page.waitForFunction(() => document.documentElement.dataset['live'] === 'open');
  return page;
}

test('thirsty pot shows state and forecast', async (context) => {
  const page = await openPage(context, `#/pot/${THIRSTY}`);
  await page.waitForSelector('[data-field="care-state"] strong');
  const state = await page.textContent('[data-field="care-state"]');
  assert.match(state ?? '', 'trop sec');
  assert.match(await page.textContent('[data-field="care-alerts"]') ?? '', 'Trop sec');
  await page.waitForSelector('[data-field="care-timeline"] .event-watering');
  assert.match(await page.textContent('[data-field="care-timeline"]') ?? '', 'Arrosage détecté');
  assert.match(await page.textContent('[data-field="care-forecast"]') ?? '', 'arrosez maintenant');
  assert.match(await page.textContent('[data-panel="calibration"]') ?? '', 'pas dans l’air ni dans un verre d’eau');
  await screenshot(page, 'care-pot-thirsty-fr');
  await page.close();
});

test('dead probe shows a fault', async (context) => {
  const page = await openPage(context, `#/pot/${DEAD}`, 'en');
  await page.waitForSelector('[data-field="care-faults"] li');
  assert.match(await page.textContent('[data-field="care-faults"]') ?? '', 'value pinned at a rail');
  const state = await page.textContent('[data-field="care-state"]');
  assert.match(state ?? '', 'not judged');
  assert.not.match(state ?? '', 'too dry');
  assert.is(await page.locator('img[src=x]').count(), 0, 'the pot name is shown as text');
  await screenshot(page, 'care-pot-dead-sensor-en');
  await page.close();
});

test('cards carry alert badges', async (context) => {
  const page = await openPage(context, '#/');
  await page.waitForSelector(`[data-care-pot="${THIRSTY}"].care-badge-on`);
  assert.match(await page.textContent(`[data-care-pot="${THIRSTY}"]`) ?? '', 'Trop sec');
  assert.match(await page.textContent(`[data-care-pot="${DEAD}"]`) ?? '', 'Capteur en panne');
  await screenshot(page, 'care-cards-fr');
  await page.close();
});

test('pot name is text on card and page', async (context) => {
  const cards = await openPage(context, '#/');
  await cards.waitForSelector(`[data-pot-id="${DEAD}"] .card-title`);
  assert.is(await cards.textContent(`[data-pot-id="${DEAD}"] .card-title`), HOSTILE_NAME);
  assert.is(await cards.textContent(`[data-pot-id="${THIRSTY}"] .card-title`), 'Pothos du CDI');
  assert.is(await cards.locator('img[src=x]').count(), 0);
  await cards.close();

  const page = await openPage(context, `#/pot/${DEAD}`);
  await page.waitForSelector('[data-field="care-name"]');
  assert.is(await page.textContent('main h1, #app h1'), HOSTILE_NAME);
  assert.match(await page.title(), HOSTILE_NAME);
  assert.is(await page.inputValue('[data-field="care-name"]'), HOSTILE_NAME);
  assert.is(await page.locator('img[src=x]').count(), 0);
  await page.close();
  assert.equal(context.dialogs, [], 'no script ran from the name');
});

test('photos show on card, page and timeline', async (context) => {
  const cards = await openPage(context, '#/');
  const cardImage = cards.locator(`[data-care-photo="${THIRSTY}"] img.card-photo`);
  await cardImage.waitFor();
  await cards.waitForFunction((id) => (document.querySelector(`[data-care-photo="${id}"] img`) as HTMLImageElement | null)?.naturalWidth === 1, THIRSTY);
  assert.is(await cards.locator(`[data-care-photo="${DEAD}"] img`).count(), 0, 'a pot without a photo shows none');
  await cards.close();

  const page = await openPage(context, `#/pot/${THIRSTY}`);
  await page.waitForFunction(() => (document.querySelector('[data-field="care-photo"] img') as HTMLImageElement | null)?.naturalWidth === 1);
  assert.is(await page.getAttribute('[data-field="care-photo"] img', 'alt'), 'Pothos du CDI');
  // A timeline photo chosen in the page's own file input, as a student would.
  await page.setInputFiles('[data-field="photo-file"]', { name: 'feuille.png', mimeType: 'image/png', buffer: onePixelPng(220, 40, 40) });
  await page.fill('[data-field="photo-caption"]', 'Nouvelle feuille');
  await page.click('[data-action="photo-timeline"]');
  await page.waitForFunction(() => (document.querySelector('[data-field="care-timeline"] img.care-timeline-photo[alt="Nouvelle feuille"]') as HTMLImageElement | null)?.naturalWidth === 1);
  assert.match(await page.textContent('[data-field="care-timeline"]') ?? '', 'Photo ajoutée : Nouvelle feuille');
  await screenshot(page, 'care-photo-fr');

  // An HTML file given a .png name is rejected with the hub's reason.
  await page.setInputFiles('[data-field="photo-file"]', { name: 'page.png', mimeType: 'image/png', buffer: Buffer.from('<html><body>hello</body></html>') });
  await page.click('[data-action="photo-pot"]');
  await page.waitForFunction(() => (document.querySelector('[data-field="photo-status"]')?.textContent ?? '').includes('not a JPEG, PNG or WebP'));
  await page.close();
});

test('badge follows live alert events', async (context) => {
  const start = Date.now() - 10 * 60000;
  await publishReadings(context.publisher, LIVE, [{ at: start, moisture_raw: 2100 }]);
  await waitFor(`pot ${LIVE} registered`, async () => (await getJson(context.hub, `/api/pots/${LIVE}`)).status === 200);
  const page = await openPage(context, '#/');
  await page.waitForSelector(`[data-care-pot="${LIVE}"]`, { state: 'attached' });
  await page.waitForSelector(`[data-care-pot="${THIRSTY}"].care-badge-on`);
  assert.is(await page.locator(`[data-care-pot="${LIVE}"].care-badge-on`).count(), 0);
  // From here the 15-second poll gets nothing, so only the live stream can change the badge.
  await page.route('**/api/care', (route) => route.abort());

  await publishReadings(context.publisher, LIVE, [1, 2, 3].map((i) => ({ at: start + i * 60000, moisture_raw: 4095 })), 2);
  await page.waitForSelector(`[data-care-pot="${LIVE}"].care-badge-on`, { timeout: 10000 });
  assert.match(await page.textContent(`[data-care-pot="${LIVE}"]`) ?? '', 'Capteur en panne');

  await publishReadings(context.publisher, LIVE, [4, 5, 6].map((i) => ({ at: start + i * 60000, moisture_raw: 2100 + i })), 5);
  await page.waitForSelector(`[data-care-pot="${LIVE}"]:not(.care-badge-on)`, { state: 'attached', timeout: 10000 });
  await page.close();
});

test('wizard rejects equal points', async (context) => {
  const page = await openPage(context, `#/pot/${DEAD}`);
  await page.waitForSelector('[data-action="capture-dry"]');
  await page.click('[data-action="capture-dry"]');
  await page.waitForFunction(() => document.querySelector('[data-field="wizard-dry"]')?.textContent !== '—');
  await page.click('[data-action="capture-wet"]');
  await page.waitForFunction(() => document.querySelector('[data-field="wizard-wet"]')?.textContent !== '—');
  await page.click('[data-action="save-calibration"]');
  // Both captures read the same value at the rail, so the hub rejects the points and the wizard says why.
  await page.waitForFunction(() => (document.querySelector('[data-field="wizard-status"]')?.textContent ?? '').includes('equal'));
  await screenshot(page, 'care-wizard-fr');
  const versions = (await getJson(context.hub, `/api/pots/${DEAD}/calibration`)).body.versions;
  assert.is(versions.length, 1, 'rejected points are not saved');
  await page.close();
});

test.run();
