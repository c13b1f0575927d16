// Reads and writes Mosquitto's password_file (`user:hash` per line). Writes go to a temporary file
// in the same folder that is then renamed over the old one, so Mosquitto never reads half a file.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

export type PasswordEntries = Map<string, string>;

/** Parses a password file; a missing file is empty. Blank lines and `#` comments are skipped. */
export async function readPasswordFile(file: string): Promise<PasswordEntries> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const entries: PasswordEntries = new Map();
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`${file}:${index + 1}: invalid password line: expected user:hash; fix or remove the line`);
    entries.set(line.slice(0, colon), line.slice(colon + 1));
  });
  return entries;
}

export function formatPasswordFile(entries: PasswordEntries): string {
  return [...entries].map(([user, hash]) => `${user}:${hash}\n`).join('');
}

/** Writes `text` to `file` atomically, readable by its owner only (mode 0600). */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
