// Retention of raw history: which day files of a pot may be deleted. Rollups are kept for ever,
// so charts of old ranges still work after the raw readings are gone.
import { DAY_MS } from './rollup.js';

export const DEFAULT_RAW_DAYS = 90;

/** Day partition name, `YYYY-MM-DD` with or without `.json`. */
const DAY_NAME = /^(\d{4})-(\d{2})-(\d{2})(?:\.json)?$/;

export interface RetentionResult {
  /** Days whose readings are all older than `rawDays` days, in input order. */
  expired: string[];
  /** Days that may still contain a reading younger than `rawDays` days, future days included. */
  retained: string[];
  /** Names that are not day partitions, such as temporary files. They never expire. */
  unrecognised: string[];
}

/** Returns the start of the UTC day a partition name denotes, or null for any other name. */
export function dayStartOf(name: string): number | null {
  const match = DAY_NAME.exec(name);
  if (!match) return null;

  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2026-02-30 over into March, which no longer prints as the name.
  return new Date(start).toISOString().slice(0, 10) === name.slice(0, 10) ? start : null;
}

/**
 * Sorts a pot's raw day partitions by whether they may be deleted at `now`. A day expires once
 * its last millisecond is more than `rawDays` days old, that is at midnight UTC `rawDays` + 1
 * days after its start. So an expired day contains no reading younger than `rawDays` days.
 */
export function expiredDays(names: readonly string[], now: number, rawDays: number = DEFAULT_RAW_DAYS): RetentionResult {
  if (!Number.isFinite(now)) {
    throw new RangeError('invalid time ' + now + ': pass now as Unix milliseconds');
  }
  if (!Number.isInteger(rawDays) || rawDays < 1) {
    throw new RangeError('invalid raw retention of ' + rawDays + ' days: pass a whole number of days, at least 1');
  }

  const result: RetentionResult = { expired: [], retained: [], unrecognised: [] };
  for (const name of names) {
    const start = dayStartOf(name);
    if (start === null) result.unrecognised.push(name);
    else if (start + (rawDays + 1) * DAY_MS <= now) result.expired.push(name);
    else result.retained.push(name);
  }
  return result;
}
