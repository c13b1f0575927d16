// Chart periods of the pot page: the preset spans, the custom range typed in two date inputs, and
// the export links of a range. Pure, so it is tested without a browser. Dates typed by the user
// are local calendar days of the browser's time zone; ranges sent to the hub are Unix ms UTC.

export type PeriodId = '24h' | '7d' | '30d' | '1y' | 'custom';

export const DAY_MS = 24 * 3600 * 1000;

/** Preset periods in the order of their buttons, with their spans. */
export const PRESETS: ReadonlyArray<{ id: Exclude<PeriodId, 'custom'>; spanMs: number }> = [
  { id: '24h', spanMs: DAY_MS },
  { id: '7d', spanMs: 7 * DAY_MS },
  { id: '30d', spanMs: 30 * DAY_MS },
  { id: '1y', spanMs: 365 * DAY_MS },
];

/** Maximum range the hub's series route accepts, in days. */
export const MAX_RANGE_DAYS = 3660;

export interface TimeRange {
  /** Unix milliseconds UTC, included. */
  from: number;
  /** Unix milliseconds UTC, excluded. */
  to: number;
}

/** Reason a custom range is rejected; each code has a translated message `history.error.<code>`. */
export type RangeProblem = 'missing' | 'invalid' | 'order' | 'future' | 'too_long';

export type CustomRangeResult = { ok: true; range: TimeRange } | { ok: false; error: RangeProblem };

export function presetRange(spanMs: number, now: number): TimeRange {
  return { from: now - spanMs, to: now };
}

/** Local midnight starting the day `text` (`YYYY-MM-DD`), or null when it is not a real date. */
export function localDayStart(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  // The Date constructor rolls 2026-02-30 over to March; such a day does not exist.
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return date.getTime();
}

/** Formats a Unix-ms instant as the local day `YYYY-MM-DD`, the value of an `<input type="date">`. */
export function localDayText(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Turns two typed days into a range from the first day's local midnight to the end of the last day,
 * both days included. The last day may be today, not later, and comes after or on the first day.
 * Ends of days are local midnights, so a range across a daylight-saving change has 23 or 25 hours more.
 */
export function parseCustomRange(fromText: string, toText: string, now: number): CustomRangeResult {
  if (fromText === '' || toText === '') return { ok: false, error: 'missing' };
  const from = localDayStart(fromText);
  const lastDay = localDayStart(toText);
  if (from === null || lastDay === null) return { ok: false, error: 'invalid' };
  if (from > lastDay) return { ok: false, error: 'order' };
  if (toText > localDayText(now)) return { ok: false, error: 'future' };

  const last = new Date(lastDay);
  const to = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1).getTime();
  if (to - from > MAX_RANGE_DAYS * DAY_MS) return { ok: false, error: 'too_long' };
  return { ok: true, range: { from, to } };
}

/** Relative URL of the export of a range in `format`, as the hub's export routes take it. */
export function exportUrl(potId: string, format: 'csv' | 'json', range: TimeRange): string {
  return `api/pots/${encodeURIComponent(potId)}/export.${format}?from=${Math.floor(range.from)}&to=${Math.ceil(range.to)}`;
}
