// Keeps the rollup files in step with the raw day files: the flush hooks, the repair of dirty
// days at start, and the rebuild of a whole pot from its raw files.
import type { FastifyBaseLogger } from 'fastify';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';
import type { FlushHooks, History } from './history.js';
import { splitDayKey, type Rollups } from './rollups.js';

/** Flush hooks that can also write the rollup files on request. */
export interface RollupHooks extends FlushHooks {
  /**
   * Writes the rollup files changed since the last save and clears the days they cover. Call it
   * between two flushes (History.runExclusive), so no flush adds readings while it runs.
   */
  saveNow(): Promise<void>;
}

/**
 * Flush hooks: days are recorded dirty before their raw files are written, and the flushed
 * readings are added to the rollups in memory at once, so charts see them. The rollup files are
 * written at most every `saveMs` (0: at every flush), because each save rewrites whole partition
 * files. The record is cleared once they are on disk: a crash before that leaves the days in it
 * for `repairRollups`, which rebuilds them from the raw files at the next start.
 */
export function rollupHooks(rollups: Rollups, saveMs: number, now: () => number = Date.now): RollupHooks {
  /** Days whose raw readings are on disk while their rollups may not be. */
  const rawWritten = new Set<string>();
  let flushKeys: readonly string[] = [];
  let lastSave = now();

  const saveNow = async () => {
    lastSave = now();
    const keys = [...rawWritten];
    if (!(await rollups.save())) return;
    await rollups.clearDirty(keys);
    for (const key of keys) rawWritten.delete(key);
  };

  return {
    async beforeWrite(keys) {
      flushKeys = keys;
      await rollups.markDirty(keys);
    },
    async afterWrite(merged: Map<string, StoredReading[]>, written: string[]) {
      for (const [key, batch] of merged) await rollups.add(splitDayKey(key).potId, batch);
      // A day whose raw write failed has readings in its rollups that its file lacks, so it stays dirty.
      const ok = new Set(written);
      for (const key of flushKeys) {
        if (ok.has(key)) rawWritten.add(key);
        else rawWritten.delete(key);
      }
      if (now() - lastSave >= saveMs) await saveNow();
    },
    saveNow,
  };
}

/** Rebuilds the given days from their raw files and writes them; returns how many were rebuilt. */
async function rebuildDays(history: History, rollups: Rollups, keys: readonly string[]): Promise<number> {
  for (const key of keys) {
    const { potId, day, dayStart } = splitDayKey(key);
    // Pending readings are left out: the next flush adds them to the rollups.
    await rollups.rebuildDay(potId, dayStart, await history.readDay(potId, day, false));
  }
  if (!(await rollups.save())) throw new Error('failed to write rebuilt rollup files: see the errors above, fix the data folder and restart');
  return keys.length;
}

/**
 * Rebuilds the days left dirty by a crash, and every day of a pot that has raw files but no
 * rollups yet (a data folder from before rollups existed). Runs at start, before any flush.
 */
export async function repairRollups(history: History, rollups: Rollups, log: FastifyBaseLogger): Promise<void> {
  const dirty = rollups.dirtyDays();
  if (dirty.length > 0) {
    await rebuildDays(history, rollups, dirty);
    await rollups.clearDirty(dirty);
    log.warn({ days: dirty }, 'rebuilt the rollups of days an interrupted flush left dirty');
  }

  const withRollups = new Set(await rollups.potIds());
  for (const potId of await history.potIds()) {
    if (withRollups.has(potId)) continue;
    const days = await rebuildPot(history, rollups, potId);
    if (days > 0) log.info({ potId, days }, 'built the rollups of a pot from its raw history');
  }
}

/**
 * Rebuilds the rollups of every day that has a raw file. Days whose raw file was deleted by
 * retention keep their rollups, which are then the only record of them. Returns the day count.
 */
export async function rebuildPot(history: History, rollups: Rollups, potId: PotId): Promise<number> {
  // Between two flushes, so no reading reaches a raw file and the rollups during the rebuild.
  return history.runExclusive(async () => {
    const keys = (await history.days(potId)).map((day) => potId + '/' + day);
    await rollups.markDirty(keys);
    await rebuildDays(history, rollups, keys);
    await rollups.clearDirty(keys);
    return keys.length;
  });
}
