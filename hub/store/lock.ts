// One hub per data folder: a lock file holding the owner's pid. A lock whose pid is no longer
// running is stale and taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'hub.lock';

export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `data folder ${dataDir} is in use by another hub (pid ${pid}): stop that hub, ` +
        'or set POCO_DATA_DIR to another folder',
    );
    this.name = 'DataDirLockedError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  release(): void;
}

// Locks taken by this process, so a second hub inside the same process (tests) is rejected too.
const heldHere = new Set<string>();

/** Takes the lock on `dataDir` or throws DataDirLockedError. */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  if (heldHere.has(file)) throw new DataDirLockedError(dataDir, process.pid);

  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    // NOTE: a pid reused by an unrelated process after a crash keeps the lock until the file is removed.
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw new DataDirLockedError(dataDir, pid);
    }
    writeFileSync(file, `${process.pid}\n`);
  }

  heldHere.add(file);
  return {
    release() {
      if (!heldHere.delete(file)) return;
      try {
        unlinkSync(file);
      } catch {
        // Already removed by hand: nothing left to release.
      }
    },
  };
}
