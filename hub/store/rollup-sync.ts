// Keeps the rollup files in step with the raw day files: the flush hooks, the repair of dirty
// days at start, and the rebuild of a whole pot from its raw files.
import type { FastifyBaseLogger } from 'fastify';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';
import type { FlushHooks, History } from './history.js';
import { splitDayKey, type Rollups } from './rollups.js';

/**
 * Flush hooks: days are recorded dirty before their raw files are written, the flushed readings
 * are added to the rollups, and the record is cleared once the rollup files are written too. A
 * crash anywhere in between leaves the days in the record for `repairDirtyDays`.
 */
export function rollupHooks(rollups: Rollups): FlushHooks {
  return {
    beforeWrite: (keys) => rollups.markDirty(keys),
    async afterWrite(merged: Map<string, StoredReading[]>, written: string[]) {
      for (const [key, batch] of merged) await rollups.add(splitDayKey(key).potId, batch);
      if (await rollups.save()) await rollups.clearDirty(written);
    },
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
