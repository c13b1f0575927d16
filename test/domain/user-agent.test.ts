// Short names for the User-Agent headers of the sessions list, over headers sent by real browsers
// and HTTP tools.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { summarizeUserAgent } from '../../domain/user-agent.js';

// [header, client, operating system]
const HEADERS: ReadonlyArray<[string, string, string | null]> = [
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox', 'Windows'],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0', 'Firefox', 'Linux'],
  ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0', 'Firefox', 'Linux'],
  ['Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0', 'Firefox', 'Android'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15', 'Safari', 'macOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1', 'Safari', 'iOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1', 'Chrome', 'iOS'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0', 'Edge', 'Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0', 'Opera', 'Windows'],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36', 'Chrome', 'Android'],
  ['Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36', 'Samsung Internet', 'Android'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu Chromium/79.0.3945.79 Chrome/79.0.3945.79 Safari/537.36', 'Chromium', 'Linux'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36', 'Chrome (headless)', 'Linux'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Chrome', 'ChromeOS'],
  ['curl/8.5.0', 'curl', null],
  ['Wget/1.21.4', 'Wget', null],
  ['python-requests/2.31.0', 'Python requests', null],
  ['HTTPie/3.2.2', 'HTTPie', null],
  ['PostmanRuntime/7.36.0', 'Postman', null],
  ['node', 'Node.js', null],
  ['Go-http-client/1.1', 'Go', null],
];

// ---

const agents = suite('user agent summary');

agents('names client and system of real headers', () => {
  for (const [header, client, os] of HEADERS) {
    const summary = summarizeUserAgent(header);
    assert.is(summary.client, client, header);
    assert.is(summary.os, os, header);
  }
});

agents('falls back to the first product name', () => {
  assert.equal(summarizeUserAgent('MyScript/2.1 (+https://example.invalid/bot)'), { client: 'MyScript', os: null });
  assert.equal(summarizeUserAgent('  poco-sync '), { client: 'poco-sync', os: null });
});

agents('cuts a long unknown product name', () => {
  assert.is(summarizeUserAgent(`${'x'.repeat(300)}/1.0`).client.length, 40);
});

agents('gives an empty name for an empty header', () => {
  assert.equal(summarizeUserAgent(''), { client: '', os: null });
});

agents.run();
