// The hub's storage: pot registry, settings and reading history in one data folder, which
// this process locks for as long as it runs.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import { isPotId, type PotId } from '../../domain/pot-id.js';
import type { AnnouncedStatus } from '../../domain/pot-status.js';
import type { StoredReading } from '../../domain/reading.js';
import { DEDUP_WINDOW, Dedup } from './dedup.js';
import { History } from './history.js';
import { openJsonFile } from './json-file.js';
import { lockDataDir, type DataDirLock } from './lock.js';
import { Registry, type Pot } from './registry.js';

export type Language = 'fr' | 'en';

export interface Settings {
  language: Language;
}

export interface StoreOptions {
  dataDir: string;
  flushMs: number;
  flushMaxReadings: number;
}

export type AddResult = 'stored' | 'duplicate';

function isSettings(value: unknown): value is Settings {
  const language = (value as { language?: unknown } | null)?.language;
  return language === 'fr' || language === 'en';
}

export class Store {
  readonly #lock: DataDirLock;
  readonly #registry: Registry;
  readonly #settings: Low<Settings>;
  readonly #history: History;
  readonly #dedup: Dedup;

  private constructor(lock: DataDirLock, registry: Registry, settings: Low<Settings>, history: History, dedup: Dedup) {
    this.#lock = lock;
    this.#registry = registry;
    this.#settings = settings;
    this.#history = history;
    this.#dedup = dedup;
  }

  /** Locks the data folder and loads it; throws DataDirLockedError when another hub uses it. */
  static async open(options: StoreOptions, log: FastifyBaseLogger): Promise<Store> {
    await mkdir(options.dataDir, { recursive: true });
    const lock = lockDataDir(options.dataDir);
    try {
      const registry = await Registry.open(join(options.dataDir, 'pots.json'), options.flushMs, log);
      const settings = await openJsonFile(join(options.dataDir, 'settings.json'), isSettings, () => ({ language: 'fr' as const }), log);
      const history = new History(options.dataDir, options, log);
      const dedup = await rebuildDedup(history);
      return new Store(lock, registry, settings, history, dedup);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** Stores a reading unless the same measurement is in the pot's recent window. */
  addReading(potId: PotId, reading: StoredReading): AddResult {
    if (!this.#dedup.add(potId, reading)) {
      this.#registry.recordDuplicate(potId);
      return 'duplicate';
    }
    this.#history.append(potId, reading);
    this.#registry.recordReading(potId, reading);
    return 'stored';
  }

  /** Records a pot's status message; returns false for a pot that never sent a reading. */
  setAnnounced(potId: PotId, status: AnnouncedStatus, at: number): boolean {
    return this.#registry.recordAnnounced(potId, status, at);
  }

  pot(potId: PotId, now: number): Pot | null {
    return this.#registry.view(potId, now);
  }

  pots(now: number): Pot[] {
    return this.#registry.ids().map((id) => this.#registry.view(id, now)!);
  }

  readings(potId: PotId, from: number, to: number): Promise<StoredReading[]> {
    return this.#history.query(potId, from, to);
  }

  settings(): Settings {
    return { ...this.#settings.data };
  }

  async updateSettings(settings: Settings): Promise<Settings> {
    this.#settings.data = { ...settings };
    await this.#settings.write();
    return this.settings();
  }

  /** Writes everything pending; resolves once it is on disk. */
  async flush(): Promise<void> {
    await this.#history.flush();
    await this.#registry.save();
  }

  async close(): Promise<void> {
    try {
      await this.#history.close();
      await this.#registry.save();
    } finally {
      this.#lock.release();
    }
  }
}

/** Fills the dedup windows from each pot's newest day files, so a redelivery after a restart is caught. */
async function rebuildDedup(history: History): Promise<Dedup> {
  const dedup = new Dedup();
  for (const potId of (await history.potIds()).filter(isPotId)) {
    for (const reading of await history.newest(potId, DEDUP_WINDOW)) dedup.add(potId, reading);
  }
  return dedup;
}
