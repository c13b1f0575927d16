// `npm run history:rebuild -- --pot ID`: recomputes a pot's rollups from its raw day files, with
// the hub stopped (the data folder lock keeps the two apart). A running hub does the same through
// POST /api/pots/:id/rollups/rebuild.
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { parsePotId } from '../../domain/pot-id.js';
import { ConfigError, loadConfig } from '../config.js';
import { DataDirLockedError } from '../store/lock.js';
import { Store } from '../store/store.js';

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

const index = process.argv.indexOf('--pot');
const text = index >= 0 ? process.argv[index + 1] : undefined;
if (text === undefined) fail('Usage: npm run history:rebuild -- --pot <id ou MAC / id or MAC>');
const parsed = parsePotId(text);
if (!parsed.ok || !parsed.id) fail(`Pot invalide / Invalid pot: ${parsed.error}`);

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) fail('Configuration invalide / Invalid configuration:\n  - ' + err.problems.join('\n  - '));
  throw err;
}

const log = pino({ level: config.logLevel }) as unknown as FastifyBaseLogger;
let store: Store;
try {
  store = await Store.open({ dataDir: config.dataDir, flushMs: config.flushMs, flushMaxReadings: config.flushMaxReadings, rawRetentionDays: config.rawRetentionDays }, log);
} catch (err) {
  if (err instanceof DataDirLockedError) fail('Arrêtez le hub d\'abord / Stop the hub first: ' + err.message);
  throw err;
}
try {
  const days = await store.rebuildRollups(parsed.id);
  process.stdout.write(`Moyennes recalculées / Rollups rebuilt: pot ${parsed.id}, ${days} jour(s) / day(s)\n`);
} finally {
  await store.close();
}
