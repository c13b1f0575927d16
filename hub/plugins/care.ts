// Plant care as `app.care`: species, per-pot care settings, the care engine fed by the MQTT
// ingest hooks, alerts with their outbox, and the care timelines. Depends on the store (history),
// live (alert events) and mqtt (ingest hooks, retained config) plugins.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import { mergeSpecies, parseSpeciesFile, type Species } from '../../domain/species.js';
import { AlertBook } from '../care/alerts.js';
import { makeSenders } from '../care/channels.js';
import { CareEngine } from '../care/engine.js';
import { Outbox } from '../care/outbox.js';
import { CareStore } from '../store/care-store.js';
import { Timelines } from '../store/care-timeline.js';

export const SPECIES_FILE = new URL('../../domain/data/species.json', import.meta.url);
/** How often the engine looks for pots that went silent, ms. */
export const SILENCE_CHECK_MS = 15000;

export interface Care {
  store: CareStore;
  timelines: Timelines;
  engine: CareEngine;
  /** Raises and clears alerts; the watering rules raise `no_rise` through it. */
  alerts: AlertBook;
  outbox: Outbox;
  /** Shipped species merged with the user's. */
  species(): Species[];
  baseSpecies: Species[];
  /** Folder of the pot photos, data/photos. */
  photosDir: string;
  /** Display name of a pot: the user's name, else its MAC. */
  potName(potId: string): string;
}

declare module 'fastify' {
  interface FastifyInstance {
    care: Care;
  }
}

async function loadBaseSpecies(): Promise<Species[]> {
  const parsed = parseSpeciesFile(JSON.parse(await readFile(SPECIES_FILE, 'utf8')));
  if (!parsed.ok) throw new Error('domain/data/species.json is invalid: ' + parsed.errors.join('; '));
  return parsed.species;
}

export default fp(
  async (app) => {
    const { config } = app;
    const baseSpecies = await loadBaseSpecies();
    const store = await CareStore.open(config.dataDir, config.stateSaveMs, app.log);
    const timelines = new Timelines(config.dataDir, app.log);
    const senders = makeSenders(config);
    const outbox = new Outbox({ care: store, senders, timeZone: config.timeZone, retryMs: config.alertRetryMs, log: app.log });
    const species = (): Species[] => mergeSpecies(baseSpecies, store.userSpecies());
    // The care name is the pot's one displayed name: the registry view (REST, live events) reads it here.
    app.store.setNameSource((potId) => store.potCare(potId).name);
    const potName = (potId: string): string => app.store.pot(potId, Date.now())?.name ?? potId;
    const alerts = new AlertBook({ care: store, timelines, outbox, live: app.live, log: app.log, potName });
    const engine = new CareEngine({
      store: app.store, care: store, alerts, timelines, species,
      timeZone: config.timeZone, batteryLowMv: config.batteryLowMv, log: app.log,
    });

    app.mqtt.setIngestHooks({
      beforeStore: (potId, reading) => engine.enrich(potId, reading),
      afterStore: (potId, reading) => engine.accept(potId, reading),
    });
    // Before the hub connects to the broker, so these readings are judged ahead of new ones.
    app.addHook('onReady', async () => {
      const queued = await engine.catchUp(Date.now());
      if (queued > 0) app.log.info({ readings: queued }, 'plant care queued the stored readings it had not judged (stopped before saving its state)');
    });
    outbox.start();
    const silenceTimer = setInterval(() => engine.checkSilence(Date.now()), SILENCE_CHECK_MS);
    silenceTimer.unref();
    app.log.info({ channels: Object.keys(senders), timeZone: config.timeZone }, 'plant care started');

    app.decorate('care', {
      store, timelines, engine, alerts, outbox, species, baseSpecies, potName,
      photosDir: join(config.dataDir, 'photos'),
    });

    app.addHook('onClose', async () => {
      clearInterval(silenceTimer);
      await engine.idle();
      await outbox.stop();
      await timelines.flush();
      await store.save();
    });
  },
  { name: 'poco-care', dependencies: ['poco-config', 'poco-store', 'poco-live', 'poco-mqtt'] },
);
