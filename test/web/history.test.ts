// The pot page's history periods in Chromium against the real hub and a real Mosquitto: 36 days of
// readings every 5 minutes are imported as CSV, then each period, the custom range, the export
// link, the retention note and the phone layout are checked.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { formatHistoryCsvRow, historyCsvHeader } from '../../domain/history-csv.js';
import { waitFor } from '../support/hub.js';
import { DAY_MS, generateReadings } from '../hub/history-helpers.js';
import { openDashboard, publishReading, screenshot, startStack, stopStack, type Stack } from './helpers.js';

const POT = 'a0b1c2d3e4a7';
const STEP_MS = 5 * 60 * 1000;
const DAYS = 36;

interface Context {
  stack?: Stack;
  page?: Page;
  imported: number;
}

async function chartData(page: Page): Promise<Record<string, string | undefined>> {
  return page.$eval('.history .chart', (host) => ({ ...(host as HTMLElement).dataset }));
}

/** Clicks a period button and waits until the chart shows a series of `kind` spanning about `spanS`. */
async function choosePeriod(page: Page, period: string, kind: string): Promise<Record<string, string | undefined>> {
  await page.click(`button[data-period="${period}"]`);
  await page.waitForFunction((expected) => document.querySelector<HTMLElement>('.history .chart')?.dataset['kind'] === expected, kind);
  return chartData(page);
}

/** Imports readings every 5 minutes over DAYS days, ending 5 minutes ago, through the hub's CSV import. */
async function importHistory(stack: Stack): Promise<number> {
  const end = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const count = (DAYS * DAY_MS) / STEP_MS;
  // Some jitter around the smooth curve, so buckets have a visible min/max band.
  const readings = generateReadings(end - count * STEP_MS, count, STEP_MS, 10).map((reading) => ({
    ...reading,
    moisture: Math.min(100, Math.max(0, reading.moisture! + ((reading.seq * 7) % 5) - 2)),
  }));
  const body = historyCsvHeader() + readings.map((reading) => formatHistoryCsvRow(reading, null)).join('');
  const response = await fetch(`${stack.hub.url}/api/pots/${POT}/import`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
  const result = (await response.json()) as { stored: number; rejected: number };
  if (response.status !== 200 || result.rejected !== 0) throw new Error(`import failed: HTTP ${response.status} ${JSON.stringify(result)}`);
  return result.stored;
}

const history = suite<Context>('pot page history', { imported: 0 });

history.before(async (context) => {
  context.stack = await startStack();
  // A live reading registers the pot, so the import and the page find it.
  await publishReading(context.stack, POT, 1);
  await waitFor('pot registered', () => context.stack!.hub.app.mqtt.counters.stored === 1);
  context.imported = await importHistory(context.stack);
  context.page = await openDashboard(context.stack, `#/pot/${POT}`);
  await context.page.waitForSelector('.history .chart canvas');
});

history.after(async (context) => {
  await stopStack(context.stack);
});

history('imports 36 days of readings', ({ imported }) => {
  assert.is(imported, (DAYS * DAY_MS) / STEP_MS);
});

history('opens on the live 24 hours', async ({ page }) => {
  assert.is(await page!.getAttribute('button[data-period="24h"]', 'aria-pressed'), 'true');
  await page!.waitForFunction(() => Number(document.querySelector<HTMLElement>('.history .chart')?.dataset['points']) > 200);
  const data = await chartData(page!);
  assert.ok(Number(data['points']) <= 2000, `${data['points']} points`);
  assert.is(await page!.textContent('button[data-period="1y"]'), '1 an');
});

history('extends 24 hours with live readings', async ({ stack, page }) => {
  const before = Number((await chartData(page!))['points']);
  await publishReading(stack!, POT, 2);
  await page!.waitForFunction((count) => Number(document.querySelector<HTMLElement>('.history .chart')?.dataset['points']) === count + 1, before);
});

history('draws 7 days as a band', async ({ page }) => {
  const data = await choosePeriod(page!, '7d', 'buckets');
  assert.ok(Number(data['points']) <= 2000, `${data['points']} points`);
  assert.ok(Number(data['points']) > 900, `${data['points']} points`);
  assert.is(data['stepS'], '600');
  // The band's edges are series of their own, hidden from the legend.
  assert.is(await page!.locator('.history .u-legend .band-edge').count(), 4);
  assert.ok(await page!.isVisible('.history-note >> text=zone ombrée'));
  await screenshot(page!, 'history-7d');
});

history('keeps 30 days bounded', async ({ page }) => {
  const data = await choosePeriod(page!, '30d', 'buckets');
  assert.ok(Number(data['points']) <= 2000, `${data['points']} points`);
  assert.is(data['stepS'], String(30 * 60));
  assert.is(await page!.locator('.history .u-legend .band-edge').count(), 4);
});

history('charts a year in daily buckets', async ({ page }) => {
  const data = await choosePeriod(page!, '1y', 'buckets');
  assert.is(data['stepS'], '86400');
  assert.ok(Number(data['points']) >= DAYS, `${data['points']} points`);
  assert.ok(Number(data['points']) <= DAYS + 1, `${data['points']} points`);
  assert.is(data['spanS'], String(365 * 86400));
  await screenshot(page!, 'history-1y');
});

history('rejects a reversed custom range', async ({ page }) => {
  await page!.click('button[data-period="custom"]');
  await page!.fill('#history-from', '2026-03-10');
  await page!.fill('#history-to', '2026-03-01');
  await page!.click('.history-custom button[type="submit"]');
  assert.match(await page!.textContent('.history-custom .form-error') ?? '', 'doit précéder');
});

history('rejects an end after today', async ({ page }) => {
  const tomorrow = await page!.evaluate(() => {
    const date = new Date();
    date.setDate(date.getDate() + 1);
    return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  });
  await page!.fill('#history-from', '2026-03-01');
  await page!.fill('#history-to', tomorrow);
  await page!.click('.history-custom button[type="submit"]');
  assert.match(await page!.textContent('.history-custom .form-error') ?? '', "aujourd'hui");
});

history('charts a custom range', async ({ page }) => {
  // Local days of the browser, 20 and 11 days ago.
  const [fromDay, toDay] = await page!.evaluate((offsets) => offsets.map((offset) => {
    const date = new Date();
    date.setDate(date.getDate() - offset);
    return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  }), [20, 11]);
  const days = { from: fromDay!, to: toDay! };
  await page!.fill('#history-from', days.from);
  await page!.fill('#history-to', days.to);
  await page!.click('.history-custom button[type="submit"]');
  await page!.waitForFunction(() => Math.abs(Number(document.querySelector<HTMLElement>('.history .chart')?.dataset['spanS']) - 10 * 86400) <= 3600);
  const data = await chartData(page!);
  assert.is(await page!.textContent('.history-custom .form-error'), '');
  // Ten local days, one hour more or less when they cross a daylight-saving change.
  assert.ok(Math.abs(Number(data['spanS']) - 10 * 86400) <= 3600, `span ${data['spanS']} s`);
  assert.is(data['kind'], 'buckets');
  assert.ok(Number(data['points']) <= 2000, `${data['points']} points`);

  const href = (await page!.getAttribute('a[data-export="csv"]', 'href')) ?? '';
  const from = Number(new URL(href, 'http://x/').searchParams.get('from'));
  assert.is(from, await page!.evaluate((day) => new Date(`${day}T00:00:00`).getTime(), days.from));
  await screenshot(page!, 'history-custom');
});

history('downloads the shown range as CSV', async ({ page }) => {
  const [download] = await Promise.all([page!.waitForEvent('download'), page!.click('a[data-export="csv"]')]);
  const text = readFileSync((await download.path())!, 'utf8');
  const lines = text.split('\r\n').filter((line) => line !== '');
  assert.is(lines[0] + '\r\n', historyCsvHeader());
  // Ten days of readings every 5 minutes.
  assert.ok(Math.abs(lines.length - 1 - 10 * 288) <= 12, `${lines.length - 1} rows`);
});

history('states the retention policy', async ({ page }) => {
  // Intl writes the days with a no-break space between the number and the unit.
  assert.match(await page!.textContent('[data-field="retention"]') ?? '', 'Mesures brutes gardées 90\u00a0jours, moyennes conservées pour toujours');
});

history('fits a 360-pixel screen', async ({ page }) => {
  await page!.setViewportSize({ width: 360, height: 780 });
  await choosePeriod(page!, '30d', 'buckets');
  await page!.waitForTimeout(200);
  // The history panel only: other panels of the page have their own tests.
  const widest = await page!.$$eval('.history, .history *', (elements) => Math.max(...elements.map((e) => e.getBoundingClientRect().right)));
  assert.ok(widest <= 360, `history panel reaches ${widest} px`);
  const buttonTops = await page!.$$eval('.periods button', (buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().top)));
  assert.is(new Set(buttonTops).size, 1, `period buttons on ${new Set(buttonTops).size} lines`);
  const chartWidth = await page!.$eval('.history canvas', (canvas) => canvas.getBoundingClientRect().width);
  assert.ok(chartWidth <= 360, `chart is ${chartWidth} px wide`);
  await screenshot(page!, 'history-360');
  await page!.setViewportSize({ width: 1280, height: 800 });
});

history.run();
