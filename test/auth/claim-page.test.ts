// The Profil tab's "Ajouter un pot" form in Chromium: each refusal the hub sends with a `code`
// is shown in the page's language without the hub's English text, and a claim is confirmed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { buildTestWeb, screenshot } from '../web/helpers.js';
import { bootPot, member, ownPot, PASSWORD, startAuthStack, stopAuthStack, testClaimCode, type AuthStack, type Client } from './support.js';

const FREE = 'a4cf12b3c4e1';
const TAKEN = 'a4cf12b3c4e2';
const STATUS = '.account [data-field="claim-status"]';

interface Context {
  stack?: AuthStack;
  webDir?: string;
  browser?: TestBrowser;
  alice?: Client;
  page?: Page;
}

const context: Context = {};

/** Submits the claim form and returns the status line once it shows a refusal with a code. */
async function claimRefused(page: Page, mac: string, code: string, expectedCode: string): Promise<string> {
  await page.fill('#field-mac', mac);
  await page.fill('#field-code', code);
  await page.press('#field-code', 'Enter');
  await page.waitForSelector(`${STATUS} [data-code="${expectedCode}"]`);
  return page.innerText(STATUS);
}

const claim = suite('claim form texts, in Chromium');

claim.before(async () => {
  context.webDir = await buildTestWeb();
  const stack = await startAuthStack({ POCO_LOG_LEVEL: 'warn' }, context.webDir);
  context.stack = stack;
  context.alice = await member(stack, 'alice');
  const bob = await member(stack, 'bob');
  await ownPot(stack, bob, TAKEN);
  await bootPot(stack, FREE);
  context.browser = await launchBrowser();
  const page = await context.browser.context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`${stack.hub.url}/login`);
  await page.fill('#name', 'alice');
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${stack.hub.url}/`), page.click('button[type=submit]')]);
  await page.goto(`${stack.hub.url}/#/profil`);
  await page.waitForSelector('#field-mac');
  context.page = page;
});

claim.after(async () => {
  await context.browser?.close();
  await stopAuthStack(context.stack);
  if (context.webDir) rmSync(context.webDir, { recursive: true, force: true });
});

claim('hub sends a code beside its English error', async () => {
  const answers = [
    [await context.alice!.request('POST', '/api/claim', { body: { mac: 'pas-une-mac', code: 'ABCD-EFGH' } }), 400, 'mac_format'],
    [await context.alice!.request('POST', '/api/claim', { body: { mac: 'ff:ff:ff:ff:ff:ff', code: 'ABCD-EFGH' } }), 400, 'mac_multicast'],
    [await context.alice!.request('POST', '/api/claim', { body: { mac: '00:00:00:00:00:00', code: 'ABCD-EFGH' } }), 400, 'mac_all_zero'],
    [await context.alice!.request('POST', '/api/claim', { body: { mac: TAKEN, code: testClaimCode(TAKEN) } }), 409, 'claim_taken'],
    [await context.alice!.request('GET', '/api/pots/a4cf12b3c4ee'), 404, 'pot_not_found'],
    [await context.alice!.request('GET', '/api/pots/ffffffffffff'), 400, 'mac_multicast'],
  ] as const;
  for (const [answer, status, code] of answers) {
    assert.is(answer.status, status, answer.text);
    assert.is(answer.body.code, code, answer.text);
    assert.type(answer.body.error, 'string');
  }
});

claim('explains each rejected MAC in French', async () => {
  const page = context.page!;
  const cases: Array<[string, string, RegExp]> = [
    ['pas-une-mac', 'mac_format', /Adresse MAC invalide : écrivez 6 octets hexadécimaux/],
    ['FF:FF:FF:FF:FF:FF', 'mac_multicast', /adresse de groupe \(multicast\)/],
    ['00:00:00:00:00:00', 'mac_all_zero', /L’adresse 00:00:00:00:00:00 ne peut pas désigner un pot/],
  ];
  for (const [mac, code, expected] of cases) {
    const shown = await claimRefused(page, mac, 'ABCD-EFGH', code);
    assert.match(shown, expected, mac);
    assert.not.match(shown, /invalid MAC/, mac);
  }
  await screenshot(page, 'claim-invalid-mac-fr');
});

claim('explains a wrong code and a pot owned by another account', async () => {
  const page = context.page!;
  const wrong = await claimRefused(page, FREE, 'AAAA-AAAA', 'claim_code_wrong');
  assert.match(wrong, /Code faux pour ce pot : vérifiez le code/);
  assert.not.match(wrong, /wrong code/);

  const taken = await claimRefused(page, TAKEN, testClaimCode(TAKEN), 'claim_taken');
  assert.match(taken, /appartient déjà à un autre compte/);
  assert.not.match(taken, /belongs to another account/);
});

claim('confirms a claim', async () => {
  const page = context.page!;
  await page.fill('#field-mac', 'A4:CF:12:B3:C4:E1');
  await page.fill('#field-code', testClaimCode(FREE));
  await page.press('#field-code', 'Enter');
  await page.waitForSelector(`.account [data-pot="${FREE}"]`);
  await page.waitForFunction((selector) => /ajouté/.test(document.querySelector(selector)?.textContent ?? ''), STATUS);
  assert.match(await page.innerText(STATUS), /Pot A4:CF:12:B3:C4:E1 ajouté\. Il apparaît dans « Pots du hub »/);
  await screenshot(page, 'claim-done-fr');
});

claim('explains a refusal in English', async () => {
  const page = context.page!;
  await page.click('button[data-language="en"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForSelector('#field-mac');
  const shown = await claimRefused(page, TAKEN, testClaimCode(TAKEN), 'claim_taken');
  assert.match(shown, /This pot already belongs to another account: ask its owner to release it\./);
  assert.not.match(shown, /appartient/);
});

claim.run();
