// The alert outbox on a real data file and a local ntfy stand-in: quiet hours hold a delivery
// until they end, then it is sent once; a failing channel is retried, then marked failed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { makeSenders } from '../../hub/care/channels.js';
import { MAX_ATTEMPTS, Outbox } from '../../hub/care/outbox.js';
import type { AlertRecord } from '../../hub/care/types.js';
import { loadConfig } from '../../hub/config.js';
import { CareStore, defaultPotCare } from '../../hub/store/care-store.js';
import { removeDir, tempDataDir } from '../support/hub.js';
import { startReceiver, type Receiver } from './support.js';

interface Context {
  dataDir: string;
  ntfy: Receiver;
  care: CareStore;
  clock: { now: number };
  outbox: Outbox;
}

const ALERT: AlertRecord = { key: 'too_dry', kind: 'too_dry', potId: '02504f43dd01', since: 0, at: 0, detail: 'test', clearedAt: null };

const test = suite<Context>('alert outbox');

test.before(async (context) => {
  context.dataDir = tempDataDir();
  context.ntfy = await startReceiver();
  const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
  context.care = await CareStore.open(context.dataDir, 50, log);
  const config = loadConfig({ POCO_DATA_DIR: context.dataDir, POCO_NTFY_URL: context.ntfy.url });
  context.clock = { now: Date.parse('2026-01-10T23:30:00Z') };
  context.outbox = new Outbox({ care: context.care, senders: makeSenders(config), timeZone: 'UTC', retryMs: 1000, log, now: () => context.clock.now });
});

test.after(async (context) => {
  await context.outbox?.stop();
  await context.care?.save();
  await context.ntfy?.close();
  if (context.dataDir) removeDir(context.dataDir);
});

test('quiet hours hold, then send once', async (context) => {
  const care = { ...defaultPotCare(), channels: ['ntfy' as const], quietHours: { start: '22:00', end: '07:00' } };
  context.outbox.enqueue({ ...ALERT }, 'raised', care, 'Basilic');
  await context.outbox.runDue();
  assert.is(context.ntfy.received.length, 0, 'nothing during quiet hours');
  const held = context.care.outbox()[0]!;
  assert.is(held.nextAt, Date.parse('2026-01-11T07:00:00Z'));

  context.clock.now = Date.parse('2026-01-11T07:00:30Z');
  await context.outbox.runDue();
  await context.outbox.runDue();
  assert.is(context.ntfy.received.length, 1);
  assert.is(context.ntfy.received[0]!.body.split('\n')[0], 'Le pot « Basilic » signale : trop sec (depuis le 01/01/1970 00:00). Arrosez la plante.');
});

test('failing channel retried then failed', async (context) => {
  const care = { ...defaultPotCare(), channels: ['ntfy' as const] };
  context.ntfy.failNext.push(...Array(MAX_ATTEMPTS).fill(503));
  context.outbox.enqueue({ ...ALERT, key: 'too_wet', kind: 'too_wet' }, 'raised', care, 'Basilic');
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    await context.outbox.runDue();
    context.clock.now += 1000 * 2 ** attempt;
  }
  const delivery = context.care.outbox().find((d) => d.alert.key === 'too_wet')!;
  assert.is(delivery.status, 'failed');
  assert.is(delivery.attempts, MAX_ATTEMPTS);
  assert.match(delivery.lastError ?? '', 'HTTP 503');
  assert.is(context.ntfy.received.length, 1, 'only the earlier alert arrived');
});

test.run();
