// Whether a pot is online, from when the hub last heard it and what the pot announced.
// Pure: the caller passes `now`.

export type PotStatus = 'online' | 'offline' | 'unknown';
export type AnnouncedStatus = 'online' | 'offline';

/** Readings a pot may miss before it counts as offline. */
export const MISSED_INTERVALS = 3;
/** Extra time allowed on top of the missed intervals, for Wi-Fi joins and broker queues. */
export const STATUS_SLACK_MS = 30 * 1000;

export interface StatusInput {
  /** When the hub last received a reading from the pot, Unix ms, or null before any reading. */
  lastSeen: number | null;
  /** Seconds between the pot's readings. */
  intervalS: number;
  /** The pot's retained status message, or null when it sent none. */
  announced: AnnouncedStatus | null;
  /** When the hub received that status message, Unix ms. */
  announcedAt: number | null;
}

/**
 * Computes a pot's status. A pot is online while its last reading is younger than
 * MISSED_INTERVALS intervals plus STATUS_SLACK_MS, unless it announced `offline` (its last
 * will, or a clean sleep) after that reading.
 */
export function potStatus(input: StatusInput, now: number): PotStatus {
  if (input.lastSeen === null) return 'unknown';

  const announcedOfflineAfter =
    input.announced === 'offline' && input.announcedAt !== null && input.announcedAt >= input.lastSeen;
  if (announcedOfflineAfter) return 'offline';

  const silenceMs = now - input.lastSeen;
  const limitMs = MISSED_INTERVALS * input.intervalS * 1000 + STATUS_SLACK_MS;
  return silenceMs <= limitMs ? 'online' : 'offline';
}

/** Sending-interval estimate in seconds: the median gap between reading times, or `fallbackS`. */
export function estimateIntervalS(times: number[], fallbackS: number): number {
  const sorted = times.slice().sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]! - sorted[i - 1]!;
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length === 0) return fallbackS;

  gaps.sort((a, b) => a - b);
  const middle = Math.floor(gaps.length / 2);
  const median = gaps.length % 2 === 1 ? gaps[middle]! : (gaps[middle - 1]! + gaps[middle]!) / 2;
  return Math.max(1, Math.round(median / 1000));
}
