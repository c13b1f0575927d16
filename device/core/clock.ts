// When a pot may trust its clock. A reading carries `ts` only when the clock passes these checks,
// so a clock that was never set (1970 after a power-on without NTP), or one that went backwards
// or far ahead, never dates a reading. Pure and in the Espruino subset.
import { MIN_DEVICE_TS } from '../../domain/reading.js';

/** Latest year a clock may show (2099-01-01, Unix seconds); later means a corrupt clock. */
export const MAX_DEVICE_TS = 4070908800;

/**
 * Returns the clock in whole Unix seconds when it is sane, else null. Sane means on or after
 * 2024-01-01, before 2099 and not before `lastTs`, the latest sane time this pot stored (0 when
 * none), because wall time never runs backwards across the pot's cycles.
 */
export function saneTimestamp(nowMs: number, lastTs: number): number | null {
  if (typeof nowMs !== 'number' || !isFinite(nowMs)) return null;
  const seconds = Math.floor(nowMs / 1000);
  if (seconds < MIN_DEVICE_TS || seconds >= MAX_DEVICE_TS) return null;
  if (seconds < lastTs) return null;
  return seconds;
}
