import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatHistoryCsvRow, historyCsvHeader } from '../../domain/history-csv.js';
import { buildRollups, bucketStart } from '../../domain/rollup.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { getJson, removeDir, startHub, tempDataDir, type TestHub } from '../support/hub.js';
import { DAY_MS, MINUTE_MS, assertSameRollups, generateReadings, readRawDays, readRollupFiles, writeRawDays } from './history-helpers.js';

const POT = 'a0b1c2d3e5f7';
const COPY = 'a0b1c2d3e5f8';
// Europe/Paris changed clocks on these days: 23 and 25 local hours, 24 UTC hours each.
const SPRING = Date.UTC(2026, 2, 29);
const AUTUMN = Date.UTC(2026, 9, 25);

interface Context {
  broker: Broker;
  hub: TestHub;
}

function postCsv(hub: TestHub, potId: string, text: string): Promise<Response> {
  return fetch(`${hub.url}/api/pots/${potId}/import`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: text });
}

const roundTrip = suite<Context>('export and import');

roundTrip.before(async (context) => {
  context.broker = await startMosquitto();
  // A long retention keeps the fixed daylight-saving days of 2026 as raw files.
  context.hub = await startHub({ brokerUrl: context.broker.url, env: { POCO_RAW_RETENTION_DAYS: '3650' } });
});

roundTrip.after(async (context) => {
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.hub?.dataDir);
  removeBrokerDir(context.broker);
});

roundTrip('import the daylight-saving days', async ({ hub }) => {
  const readings = [...generateReadings(SPRING, 1440), ...generateReadings(AUTUMN, 1440, MINUTE_MS, 5000)];
  const calibration = { dry: 3000, wet: 1000 };
  const text = historyCsvHeader() + readings.map((r) => formatHistoryCsvRow(r, calibration)).join('');
  const response = await postCsv(hub, POT, text);
  const report = await response.json();
  assert.is(response.status, 200);
  assert.is(report.stored, 2880);
  assert.is(report.rejected, 0);
  assertSameRollups(readRollupFiles(hub.dataDir, POT), buildRollups(readRawDays(hub.dataDir, POT)));
});

roundTrip('chart the 25-hour Paris day', async ({ hub }) => {
  // 2026-10-25 00:00 in Paris is 22:00 UTC the day before; the local day ends at 23:00 UTC.
  const from = AUTUMN - 2 * 3600 * 1000;
  const to = AUTUMN + 23 * 3600 * 1000;
  const { body } = await getJson(hub, `/api/pots/${POT}/series?from=${from}&to=${to}&points=300`);
  assert.is(body.stepMs, 5 * MINUTE_MS);
  // The imported UTC day starts two local hours in, and the local day ends at 23:00 UTC.
  assert.is(body.t.length, 276);
  for (let i = 1; i < body.t.length; i++) assert.is(body.t[i] - body.t[i - 1], 5 * MINUTE_MS);
  assert.is(body.t[0], AUTUMN);
  assert.is(body.t.at(-1), to - 5 * MINUTE_MS);
});

roundTrip('give back the same CSV', async ({ hub }) => {
  const exported = await (await fetch(`${hub.url}/api/pots/${POT}/export.csv`)).text();
  const imported = await postCsv(hub, COPY, exported);
  assert.is(imported.status, 200);
  assert.is((await imported.json()).stored, 2880);

  const again = await fetch(`${hub.url}/api/pots/${COPY}/export.csv`);
  assert.is(again.headers.get('content-disposition'), `attachment; filename="poco-${COPY}.csv"`);
  assert.is(await again.text(), exported);
  assert.match(exported.split('\r\n')[1]!, /,3000,1000,/);
});

roundTrip('export a range as JSON', async ({ hub }) => {
  const from = AUTUMN + 3600 * 1000;
  const response = await fetch(`${hub.url}/api/pots/${POT}/export.json?from=${from}&to=${from + 3600 * 1000}`);
  const body = await response.json();
  assert.is(body.potId, POT);
  assert.equal(body.calibration, { dry: 3000, wet: 1000 });
  assert.is(body.readings.length, 60);
  assert.is(body.readings[0].at, from);
});

roundTrip('count a second import as duplicates', async ({ hub }) => {
  const exported = await (await fetch(`${hub.url}/api/pots/${POT}/export.csv`)).text();
  const report = await (await postCsv(hub, POT, exported)).json();
  assert.is(report.stored, 0);
  assert.is(report.duplicates, 2880);
  assert.is(readRawDays(hub.dataDir, POT).length, 2880);
});

roundTrip('report bad rows by line and column', async ({ hub }) => {
  const [good] = generateReadings(AUTUMN + 7 * DAY_MS, 1);
  const bad = formatHistoryCsvRow({ ...good!, seq: 9 }, null).replace('0.1.0', '').replace(/^[^,]+/, '2026-13-01T00:00:00.000Z');
  const text = historyCsvHeader() + formatHistoryCsvRow(good!, null) + bad;
  const report = await (await postCsv(hub, POT, text)).json();
  assert.is(report.stored, 1);
  assert.is(report.rejected, 1);
  const columns = report.errors.map((e: { line: number; column: number; name: string }) => `${e.line}:${e.column}:${e.name}`);
  assert.ok(columns.includes('3:1:at'), columns.join(' '));
  assert.ok(columns.includes('3:10:fw'), columns.join(' '));
});

roundTrip('reject a file with no valid row', async ({ hub }) => {
  const response = await postCsv(hub, POT, 'at,seq\r\n1,2\r\n');
  const body = await response.json();
  assert.is(response.status, 400);
  assert.match(body.error, 'no valid row');
  assert.ok(body.errors.some((e: { code: string }) => e.code === 'missing_column'));
});

roundTrip.run();

// ---

interface StreamContext {
  broker: Broker;
  dataDir: string;
  hub: TestHub;
  days: string[];
}

const stream = suite<StreamContext>('streamed export');

stream.before(async (context) => {
  context.broker = await startMosquitto();
  context.dataDir = tempDataDir();
  const start = bucketStart(Date.now(), DAY_MS) - 30 * DAY_MS;
  const readings = generateReadings(start, 30 * 1440);
  context.days = writeRawDays(context.dataDir, POT, readings);
  const latest = readings.at(-1)!;
  const record = { name: POT, firstSeen: latest.rx, lastSeen: latest.rx, intervalS: 60, announced: null, announcedAt: null, latest, recentAt: [latest.at], counters: { stored: 0, duplicates: 0 } };
  writeFileSync(join(context.dataDir, 'pots.json'), JSON.stringify({ pots: { [POT]: record } }));
  context.hub = await startHub({ brokerUrl: context.broker.url, dataDir: context.dataDir });
});

stream.after(async (context) => {
  await context.hub?.close();
  await context.broker?.stop();
  removeDir(context.dataDir);
  removeBrokerDir(context.broker);
});

stream('read day files while sending', async ({ hub, dataDir, days }) => {
  const response = await fetch(`${hub.url}/api/pots/${POT}/export.csv`);
  const reader = response.body!.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0, 'first bytes arrived');

  // Days the route has not read yet disappear: a route that built the file first would still send them.
  const late = days.slice(20, 28);
  for (const day of late) unlinkSync(join(dataDir, 'history', POT, day + '.json'));
  let text = new TextDecoder().decode(first.value);
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    text += new TextDecoder().decode(next.value);
  }
  for (const day of late.slice(2)) assert.not.ok(text.includes('\r\n' + day + 'T'), `rows of the deleted day ${day} were not sent`);
  assert.ok(text.includes('\r\n' + days[29] + 'T'), 'the last day was sent');
});

stream.run();
