// Plant-care data, data/care.json: user species, per-pot care settings, the care engine's
// trackers, recent alerts and the alert outbox. Opened like every lowdb file of the hub (a damaged
// file is moved aside), and saved a short while after each change so a burst costs one write.
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import type { Species } from '../../domain/species.js';
import { DEFAULT_FAULT_OPTIONS } from '../../domain/sensor-faults.js';
import type { AlertRecord, CareFile, Delivery, EngineState, PotCare } from '../care/types.js';
import { openJsonFile } from './json-file.js';

/** Alerts kept for the dashboard list. */
export const MAX_RECENT_ALERTS = 200;
/** Sent or failed deliveries kept for the dashboard, beside the pending ones. */
export const MAX_DONE_DELIVERIES = 200;

function isCareFile(value: unknown): value is CareFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Partial<CareFile>;
  const isMap = (x: unknown): boolean => typeof x === 'object' && x !== null && !Array.isArray(x);
  return file.version === 1 && Array.isArray(file.species) && isMap(file.pots) && isMap(file.engine) &&
    Array.isArray(file.recent) && Array.isArray(file.outbox);
}

function emptyFile(): CareFile {
  return { version: 1, species: [], pots: {}, engine: {}, recent: [], outbox: [] };
}

export function defaultPotCare(): PotCare {
  return {
    name: null,
    speciesId: null,
    thresholds: {},
    channels: [],
    quietHours: null,
    sensor: { moistureAdcMax: DEFAULT_FAULT_OPTIONS.moistureAdcMax, lightAdcMax: DEFAULT_FAULT_OPTIONS.lightAdcMax },
    calibrations: [],
    intervalS: null,
    photo: null,
  };
}

export class CareStore {
  readonly #db: Low<CareFile>;
  readonly #saveDelayMs: number;
  readonly #log: FastifyBaseLogger;
  #timer: NodeJS.Timeout | null = null;

  private constructor(db: Low<CareFile>, saveDelayMs: number, log: FastifyBaseLogger) {
    this.#db = db;
    this.#saveDelayMs = saveDelayMs;
    this.#log = log;
  }

  static async open(dataDir: string, saveDelayMs: number, log: FastifyBaseLogger): Promise<CareStore> {
    const db = await openJsonFile(join(dataDir, 'care.json'), isCareFile, emptyFile, log);
    return new CareStore(db, saveDelayMs, log);
  }

  userSpecies(): Species[] {
    return this.#db.data.species;
  }

  /** Adds a user species, or replaces the user's entry with the same id. */
  putSpecies(entry: Species): void {
    const list = this.#db.data.species;
    const index = list.findIndex((existing) => existing.id === entry.id);
    if (index >= 0) list[index] = entry;
    else list.push(entry);
    this.changed();
  }

  /** Care settings of a pot; a pot never configured gets the defaults (not saved until changed). */
  potCare(potId: string): PotCare {
    return this.#db.data.pots[potId] ?? defaultPotCare();
  }

  configuredPots(): string[] {
    return Object.keys(this.#db.data.pots);
  }

  setPotCare(potId: string, care: PotCare): void {
    this.#db.data.pots[potId] = care;
    this.changed();
  }

  engineState(potId: string): EngineState | null {
    return this.#db.data.engine[potId] ?? null;
  }

  setEngineState(potId: string, state: EngineState): void {
    this.#db.data.engine[potId] = state;
    this.changed();
  }

  enginePots(): string[] {
    return Object.keys(this.#db.data.engine);
  }

  recentAlerts(): AlertRecord[] {
    return this.#db.data.recent;
  }

  addRecentAlert(record: AlertRecord): void {
    const recent = this.#db.data.recent;
    recent.push(record);
    if (recent.length > MAX_RECENT_ALERTS) recent.splice(0, recent.length - MAX_RECENT_ALERTS);
    this.changed();
  }

  outbox(): Delivery[] {
    return this.#db.data.outbox;
  }

  /** Drops the oldest finished deliveries beyond MAX_DONE_DELIVERIES; pending ones always stay. */
  trimOutbox(): void {
    const outbox = this.#db.data.outbox;
    let done = outbox.filter((d) => d.status !== 'pending').length;
    for (let i = 0; i < outbox.length && done > MAX_DONE_DELIVERIES; ) {
      if (outbox[i]!.status !== 'pending') {
        outbox.splice(i, 1);
        done--;
      } else {
        i++;
      }
    }
  }

  /** Schedules a save; callers change the data in place and then call this. */
  changed(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.save().catch((err: unknown) => this.#log.error({ err }, 'failed to save data/care.json; retrying at the next change'));
    }, this.#saveDelayMs);
  }

  async save(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#db.write();
  }
}
