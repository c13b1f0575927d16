// The first-start link. While the hub has no owner, each start makes a new one-time setup token,
// prints the link on standard output (never through the log) and keeps it in
// <data>/setup-link.txt, readable by its owner only, for `npm run hub -- --setup-link`. The file
// is deleted once the owner exists.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountsDb } from './store.js';
import { hasOwner, startSetup } from './users.js';

export const SETUP_LINK_FILE = 'setup-link.txt';

/** Creates a setup token when no owner exists and returns the link, else null. */
export async function prepareSetupLink(db: AccountsDb, dataDir: string, baseUrl: string, now: number): Promise<string | null> {
  if (hasOwner(db)) {
    await forgetSetupLink(dataDir);
    return null;
  }
  const link = `${baseUrl}/setup?token=${await startSetup(db, now)}`;
  await writeFile(join(dataDir, SETUP_LINK_FILE), link + '\n', { mode: 0o600 });
  return link;
}

export async function forgetSetupLink(dataDir: string): Promise<void> {
  await rm(join(dataDir, SETUP_LINK_FILE), { force: true });
}

/** Reads the link the running hub printed; returns null when no setup is pending. */
export async function readSetupLink(dataDir: string): Promise<string | null> {
  try {
    return (await readFile(join(dataDir, SETUP_LINK_FILE), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
