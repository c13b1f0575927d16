// The dashboard with accounts on, in Chromium: the login form, the Content-Security-Policy with
// the chart still drawn under it, untrusted pot names and notes shown as text only, a note added
// through the page (so the care views send the CSRF token), and the Profil tab's account panels.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../hub/plugins/static.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { readingPayload } from '../support/hub.js';
import { buildTestWeb } from '../web/helpers.js';
import { bootPot, member, ownPot, PASSWORD, startAuthStack, stopAuthStack, testClaimCode, type AuthStack, type Client } from './support.js';

const POT = 'a4cf12b3c4d5';
const XSS = '<img src=x onerror=alert(1)>';
const SECOND = 'a4cf12b3c4d6';

interface Context {
  stack?: AuthStack;
  webDir?: string;
  browser?: TestBrowser;
  alice?: Client;
  page?: Page;
  dialogs: string[];
  violations: string[];
}

const context: Context = { dialogs: [], violations: [] };

const pages = suite('dashboard with accounts, in Chromium');

pages.before(async () => {
  context.webDir = await buildTestWeb();
  const stack = await startAuthStack({ POCO_LOG_LEVEL: 'warn' }, context.webDir);
  context.stack = stack;
  context.alice = await member(stack, 'alice');
  await ownPot(stack, context.alice, POT);
  for (let seq = 2; seq < 8; seq++) await stack.publisher.publishAsync(`poco/${POT}/telemetry`, readingPayload(seq, { ts: Math.floor(Date.now() / 1000) - 600 + seq * 60 }), { qos: 1 });
  const renamed = await context.alice.request('PUT', `/api/pots/${POT}`, { body: { name: XSS } });
  assert.is(renamed.status, 200, renamed.text);
  context.browser = await launchBrowser();
  const page = await context.browser.context.newPage();
  page.on('dialog', (dialog) => { context.dialogs.push(dialog.message()); void dialog.dismiss(); });
  page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) context.violations.push(message.text()); });
  page.on('pageerror', (err) => console.error('page error:', err.message));
  context.page = page;
});

pages.after(async () => {
  await context.browser?.close();
  await stopAuthStack(context.stack);
  if (context.webDir) rmSync(context.webDir, { recursive: true, force: true });
});

pages('a visitor logs in through the form and reaches the dashboard', async () => {
  const page = context.page!;
  const first = await page.goto(`${context.stack!.hub.url}/`);
  assert.match(page.url(), /\/login$/);
  assert.is(first?.headers()['content-security-policy'], CONTENT_SECURITY_POLICY);
  await page.fill('#name', 'alice');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${context.stack!.hub.url}/`), page.click('button[type=submit]')]);
  await page.waitForFunction(() => document.documentElement.dataset['live'] === 'open');
  await page.waitForSelector(`[data-pot-id="${POT}"] .card-title`);
});

pages('a pot name with markup runs nothing on the pot list', async () => {
  const page = context.page!;
  await page.waitForSelector(`[data-pot-id="${POT}"] .card-title`);
  assert.is(await page.locator('img[src=x]').count(), 0);
  assert.equal(context.dialogs, []);
});

pages('the pot page draws its chart under the CSP and takes a note as text', async () => {
  const page = context.page!;
  await page.goto(`${context.stack!.hub.url}/#/pot/${POT}`);
  await page.waitForSelector('.uplot canvas');
  await page.fill('[data-field="care-note"]', XSS);
  await page.press('[data-field="care-note"]', 'Enter');
  await page.waitForSelector('[data-field="care-timeline"] .event-note');
  assert.match(await page.textContent('[data-field="care-timeline"] .event-note') ?? '', XSS);
  assert.is(await page.locator('img[src=x]').count(), 0);
  assert.equal(context.dialogs, []);
  assert.equal(context.violations, []);
});

pages('the Profil tab shows the account, its pots and sessions', async () => {
  const page = context.page!;
  await page.goto(`${context.stack!.hub.url}/#/profil`);
  await page.waitForSelector(`.account [data-pot="${POT}"]`);
  assert.is(await page.textContent(`.account [data-pot="${POT}"] a`), XSS);
  assert.ok(await page.locator('.account .auth-list li').count() >= 1);
  assert.is(await page.locator('img[src=x]').count(), 0);
  assert.equal(context.violations, []);
});

pages('the Profil forms claim a pot and start a class', async () => {
  const page = context.page!;
  await bootPot(context.stack!, SECOND);
  await page.fill('#field-mac', 'A4:CF:12:B3:C4:D6');
  await page.fill('#field-code', testClaimCode(SECOND));
  await page.press('#field-code', 'Enter');
  await page.waitForSelector(`.account [data-pot="${SECOND}"]`);

  await page.fill('#field-class-name', 'Classe 3B');
  await page.press('#field-class-name', 'Enter');
  await page.waitForSelector('.account .class h3');
  assert.is(await page.textContent('.account .class h3'), 'Classe 3B');
  assert.equal(context.violations, []);
});

pages('logout leads back to the login page', async () => {
  const page = context.page!;
  await Promise.all([page.waitForURL(/\/login$/), page.click('.account .buttons button >> nth=0')]);
  const answer = await page.goto(`${context.stack!.hub.url}/api/pots`);
  assert.is(answer?.status(), 401);
});

pages.run();
