// Starts the system Chromium through playwright-core for page tests, with a fresh profile in a
// temporary folder. Playwright's own browser downloads are not used: the tests run offline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env['POCO_CHROMIUM'] ?? '/usr/bin/chromium';

// No GPU, no background traffic to Google services, no first-run dialogs: the browser only
// talks to the loopback servers the test started.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** Viewport in CSS pixels; 1280 × 800 by default. */
  viewport?: { width: number; height: number };
  /** Browser locale and time zone, so dates in screenshots do not depend on the machine. */
  locale?: string;
  timezoneId?: string;
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'poco-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      locale: options.locale ?? 'fr-FR',
      timezoneId: options.timezoneId ?? 'Europe/Paris',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium did not start from ${CHROMIUM_PATH} (set POCO_CHROMIUM to another path): ${(err as Error).message}`);
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
