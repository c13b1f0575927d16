// Dashboard strings and locale-aware formatting. Strings live in web/i18n/<language>.json; numbers
// and dates go through Intl in the chosen language and the browser's time zone.

export type Language = 'fr' | 'en';

export const LANGUAGES: readonly Language[] = ['fr', 'en'];
export const DEFAULT_LANGUAGE: Language = 'fr';

const STORAGE_KEY = 'poco.language';

let language: Language = DEFAULT_LANGUAGE;
let messages: Record<string, string> = {};
const reportedMissing = new Set<string>();

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function currentLanguage(): Language {
  return language;
}

/** Fetches the strings of a language and makes it current; <html lang> follows. */
export async function loadLanguage(next: Language): Promise<void> {
  const response = await fetch(`i18n/${next}.json`);
  if (!response.ok) throw new Error(`strings for "${next}" not found (HTTP ${response.status}): rebuild with npm run build:web`);
  messages = (await response.json()) as Record<string, string>;
  language = next;
  document.documentElement.lang = next;
}

/** Returns the language this browser chose before, or null when it never chose. */
export function storedLanguage(): Language | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

export function storeLanguage(value: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // Storage can be disabled (private mode); the hub setting still keeps the choice.
  }
}

/** Looks up a string and fills its `{name}` placeholders; a missing key shows as the key itself. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const template = messages[key];
  if (template === undefined) {
    if (!reportedMissing.has(key)) {
      reportedMissing.add(key);
      console.warn(`missing string "${key}" in web/i18n/${language}.json`);
    }
    return key;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/**
 * Looks up the plural form of `key` for `count` (`key.one`, `key.other`… chosen by
 * Intl.PluralRules in the current language) and fills it like t(). `{count}` is `count` formatted,
 * unless `params` sets it. A form the JSON lacks falls back to `key.other`.
 */
export function plural(key: string, count: number, params: Record<string, string | number> = {}): string {
  const form = `${key}.${new Intl.PluralRules(language).select(count)}`;
  return t(form in messages ? form : `${key}.other`, { count: formatNumber(count, 1), ...params });
}

/** Formats a number of days with the unit in words, singular or plural as the language needs ("1 jour", "2,5 days"). */
export function formatDays(days: number, maxFractionDigits = 0): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'day', unitDisplay: 'long', maximumFractionDigits: maxFractionDigits }).format(days);
}

export function formatNumber(value: number, maxFractionDigits = 0): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: maxFractionDigits }).format(value);
}

/** Date and time of a Unix-millisecond instant, in the browser's time zone. */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'medium' }).format(ms);
}

export function formatClock(ms: number): string {
  return new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(ms);
}

const AGO_STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', Infinity],
];

/** Relative time such as "il y a 12 s" or "12 sec. ago"; instants in the future read as now. */
export function formatAgo(ms: number, now: number): string {
  let amount = Math.max(0, Math.round((now - ms) / 1000));
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'always', style: 'short' });
  for (const [unit, size] of AGO_STEPS) {
    if (amount < size) return format.format(-amount, unit);
    amount = Math.floor(amount / size);
  }
  return format.format(-amount, 'day');
}

/** Sets the text of every element marked with data-i18n="key" (the static parts of index.html). */
export function translateStatic(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = element.dataset['i18n'];
    if (key) element.textContent = t(key);
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    const key = element.dataset['i18nLabel'];
    if (key) element.setAttribute('aria-label', t(key));
  }
}
