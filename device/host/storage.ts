// A pot's flash storage on Node: one file per name in a folder, replaced atomically so a pot
// killed mid-write keeps either the old or the new text.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Espruino Storage names are at most 28 characters; the same limit keeps file names portable.
const NAME = /^[A-Za-z0-9_.-]{1,28}$/;

export interface FolderStorage {
  dir: string;
  read(name: string): string | null;
  write(name: string, text: string): void;
}

function checkName(name: string): void {
  if (!NAME.test(name) || name.startsWith('.')) {
    throw new Error(`invalid storage name "${name.slice(0, 40)}": use 1 to 28 letters, digits, '_', '.' or '-', not starting with '.'`);
  }
}

export function createFolderStorage(dir: string): FolderStorage {
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    read(name) {
      checkName(name);
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    write(name, text) {
      checkName(name);
      // Espruino's Storage.write throws on an empty file, so the host does too.
      if (text.length === 0) throw new Error(`cannot write storage file "${name}": Espruino rejects zero-length files, write a placeholder instead`);
      const temp = join(dir, `.${name}.${process.pid}.tmp`);
      writeFileSync(temp, text);
      renameSync(temp, join(dir, name));
    },
  };
}
