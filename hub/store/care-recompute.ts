// Rewrites the stored readings of a pot after a new calibration, so the derived moisture of old
// readings follows the new dry and wet points. Runs between two flushes of the history, so no
// batch write races the rewrite, and each rewritten file replaces the old one atomically.
import { DataFile } from 'lowdb/node';
import type { PotId } from '../../domain/pot-id.js';
import type { StoredReading } from '../../domain/reading.js';
import type { DayFile, History } from './history.js';

export interface RecomputeSummary {
  /** Day files read. */
  days: number;
  readings: number;
  /** Readings whose stored form changed. */
  changed: number;
  /** Days left as they were because their last write failed; recompute again later. */
  skippedDays: string[];
}

function sameReading(a: StoredReading, b: StoredReading): boolean {
  return a.moisture === b.moisture && a.moisture_clamped === b.moisture_clamped;
}

/**
 * Passes every stored reading of a pot through `recompute` and writes back the days that changed.
 * Readings still waiting for a flush are flushed first, so they are rewritten too.
 */
export async function recomputeStoredMoisture(
  history: History,
  potId: PotId,
  recompute: (reading: StoredReading) => StoredReading,
): Promise<RecomputeSummary> {
  await history.flush();
  return history.runExclusive(async () => {
    const summary: RecomputeSummary = { days: 0, readings: 0, changed: 0, skippedDays: [] };
    for (const day of await history.days(potId)) {
      const readings = await history.readDay(potId, day, false);
      summary.days++;
      summary.readings += readings.length;
      const rewritten = readings.map(recompute);
      const changed = rewritten.filter((reading, i) => !sameReading(reading, readings[i]!)).length;
      if (changed === 0) continue;

      // A day whose merged readings are not on disk yet would lose them if its copy were dropped.
      if (!history.forgetDay(potId, day)) {
        summary.skippedDays.push(day);
        continue;
      }
      // Compact JSON, as the history writes its day files.
      await new DataFile<DayFile>(history.dayFile(potId, day), { parse: JSON.parse, stringify: (data) => JSON.stringify(data) }).write({ readings: rewritten });
      history.forgetDay(potId, day);
      summary.changed += changed;
    }
    return summary;
  });
}
