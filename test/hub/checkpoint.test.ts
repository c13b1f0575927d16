// The write-ahead log keeps its files until a checkpoint has fsynced the day files that hold
// their readings. A stop between a flush and the next checkpoint replays them at the next start,
// and deduplication keeps each reading once.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LOCK_FILE } from '../../hub/store/lock.js';
import { Store } from '../../hub/store/store.js';
import { waitFor } from '../support/hub.js';
import { generateReadings } from './history-helpers.js';

const POT = 'a0b1c2d3e631';
const silent = pino({ level: 'silent' });

interface Context {
  root: string;
  store: Store | null;
}

const checkpoint = suite<Context>('log checkpoint');

checkpoint.before.each((context) => {
  context.root = mkdtempSync(join(tmpdir(), 'poco-checkpoint-'));
  context.store = null;
});

checkpoint.after.each(async (context) => {
  await context.store?.close();
  rmSync(context.root, { recursive: true, force: true });
});

function sealedLogs(dataDir: string): string[] {
  return readdirSync(join(dataDir, 'wal')).filter((name) => /^\d+\.log$/.test(name));
}

function openStore(dataDir: string): Promise<Store> {
  return Store.open({ dataDir, flushMs: 20, flushMaxReadings: 1000, rawRetentionDays: 36500, checkpointMs: 600_000 }, silent);
}

checkpoint('keep log files until the checkpoint', async (context) => {
  const dataDir = join(context.root, 'hub');
  const store = (context.store = await openStore(dataDir));
  const readings = generateReadings(Date.now() - 3600_000, 10);
  for (const reading of readings) assert.is(store.addReading(POT, reading), 'stored');
  await waitFor('readings in the day file', () => store.disk().pending === 0);

  // Written to the day file, not yet fsynced by a checkpoint: the log still covers them.
  assert.ok(sealedLogs(dataDir).length > 0);
  assert.ok(store.disk().walBytes > 0);

  await store.flush();
  assert.equal(sealedLogs(dataDir), []);
  assert.is(store.disk().walBytes, 0);
});

checkpoint('replay written readings once', async (context) => {
  const dataDir = join(context.root, 'hub');
  const store = (context.store = await openStore(dataDir));
  const from = Date.now() - 3600_000;
  for (const reading of generateReadings(from, 10)) store.addReading(POT, reading);
  await waitFor('readings in the day file', () => store.disk().pending === 0);

  // The folder as a power cut would leave it, if the kernel had written everything: day files
  // with the readings, and the log files that cover them.
  const copy = join(context.root, 'copy');
  cpSync(dataDir, copy, { recursive: true });
  rmSync(join(copy, LOCK_FILE));
  assert.ok(sealedLogs(copy).length > 0);

  const reopened = await openStore(copy);
  try {
    const readings = await reopened.readings(POT, from, Date.now());
    assert.equal(readings.map((reading) => reading.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(sealedLogs(copy), []);
  } finally {
    await reopened.close();
  }
});

checkpoint('delete log files of a removed pot folder', async (context) => {
  const dataDir = join(context.root, 'hub');
  const store = (context.store = await openStore(dataDir));
  for (const reading of generateReadings(Date.now() - 3600_000, 5)) store.addReading(POT, reading);
  await waitFor('readings in the day file', () => store.disk().pending === 0);

  // Someone removes the pot's folder by hand before the checkpoint: it must not block the log for ever.
  rmSync(join(dataDir, 'history', POT), { recursive: true });
  await store.flush();
  assert.equal(sealedLogs(dataDir), []);
});

checkpoint.run();
