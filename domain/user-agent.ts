// A short, readable name for an HTTP User-Agent header ("Firefox" on "Windows", "curl"), for the
// list of open sessions. It recognises the common browsers, operating systems and HTTP tools by
// their product tokens, and falls back to the first product name. Pure, no I/O.

/** Client and operating system named by a User-Agent; `os` is null when the header names none. */
export interface AgentSummary {
  client: string;
  os: string | null;
}

// Order matters: Edge, Opera and Samsung Internet also carry "Chrome/", Chrome carries "Safari/",
// and headless Chromium carries "HeadlessChrome/".
// NOTE: most Chromium builds send the same "Chrome/" token as Google Chrome, so they show as Chrome.
// Only builds that add "Chromium/", such as older Ubuntu packages, show as Chromium.
const CLIENTS: ReadonlyArray<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Chrome (headless)'],
  [/\bChromium\//, 'Chromium'],
  [/\b(?:Chrome|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/^Wget\//, 'Wget'],
  [/^python-requests\//, 'Python requests'],
  [/^python-httpx\//, 'Python httpx'],
  [/^Python-urllib\//, 'Python urllib'],
  [/^HTTPie\//, 'HTTPie'],
  [/^PostmanRuntime\//, 'Postman'],
  [/^node-fetch\b/, 'Node.js'],
  [/^(?:node|undici)$/, 'Node.js'],
  [/^Go-http-client\//, 'Go'],
  [/^okhttp\//, 'OkHttp'],
];

// iOS before macOS ("like Mac OS X"), Android and ChromeOS before Linux.
const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/** Maximum length of the name taken from an unknown header, in characters. */
const MAX_FALLBACK_LENGTH = 40;

function firstMatch(table: ReadonlyArray<[RegExp, string]>, text: string): string | null {
  for (const [pattern, name] of table) {
    if (pattern.test(text)) return name;
  }
  return null;
}

/** Returns the product name before the first "/" or space ("MyScript/2.1 …" gives "MyScript"). */
function firstProduct(text: string): string {
  const product = /^[^\s/;()]+/.exec(text)?.[0] ?? '';
  return product.slice(0, MAX_FALLBACK_LENGTH);
}

/**
 * Summarises a User-Agent header. A header that names no known client gives its first product
 * name, and an empty one gives an empty client name.
 */
export function summarizeUserAgent(header: string): AgentSummary {
  const text = header.trim();
  const client = firstMatch(CLIENTS, text) ?? firstProduct(text);
  // Browsers name the system inside "Mozilla/5.0 (…)"; tools such as curl name none.
  const os = text.startsWith('Mozilla/') ? firstMatch(SYSTEMS, text) : null;
  return { client, os };
}
