// Local days and quiet hours in the hub's time zone (POCO_TIME_ZONE), through Intl.
import type { QuietHours } from './types.js';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Local calendar day `YYYY-MM-DD` and minutes since local midnight of an instant. */
export function localTime(at: number, timeZone: string): { day: string; minutes: number } {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return { day: `${parts['year']}-${parts['month']}-${parts['day']}`, minutes: Number(parts['hour']) * 60 + Number(parts['minute']) };
}

/** Minutes since midnight of `HH:MM`, or null when the text is not a 24-hour time. */
export function parseClock(text: string): number | null {
  const match = HH_MM.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Whether `at` falls in the quiet hours: from start (included) to end (excluded), across midnight when end < start. */
export function inQuietHours(quiet: QuietHours | null, at: number, timeZone: string): boolean {
  if (quiet === null) return false;
  const start = parseClock(quiet.start);
  const end = parseClock(quiet.end);
  if (start === null || end === null || start === end) return false;

  const { minutes } = localTime(at, timeZone);
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

/**
 * Next end of the quiet hours after `at`, Unix ms.
 * NOTE: counted in local minutes from `at`, so on a daylight-saving change night it can be an hour off.
 */
export function quietHoursEnd(quiet: QuietHours, at: number, timeZone: string): number {
  const end = parseClock(quiet.end) ?? 0;
  const { minutes } = localTime(at, timeZone);
  const wait = (end - minutes + 1440) % 1440;
  return at - (at % 60000) + wait * 60000;
}
