// The hub's storage: pot registry, settings and reading history in one data folder, which
// this process locks for as long as it runs.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import { isPotId, type PotId } from '../../domain/pot-id.js';
import type { Calibration } from '../../domain/calibration.js';
import type { ChartSeries } from '../../domain/chart-series.js';
import type { AnnouncedStatus } from '../../domain/pot-status.js';
import { dedupKey, type StoredReading } from '../../domain/reading.js';
import { DAY_MS } from '../../domain/rollup.js';
import { recomputeStoredMoisture, type RecomputeSummary } from './care-recompute.js';
import { DEDUP_WINDOW, Dedup } from './dedup.js';
import { Checkpoint, DiskState, durableHooks, replayWal, type DiskStatus } from './durability.js';
import { dayOf, History } from './history.js';
import { openJsonFile } from './json-file.js';
import { lockDataDir, type DataDirLock } from './lock.js';
import { Registry, type Pot } from './registry.js';
import { RetentionJob, type RetentionSummary } from './retention-job.js';
import { rebuildPot, repairRollups, rollupHooks, type RollupHooks } from './rollup-sync.js';
import { Rollups } from './rollups.js';
import { loadSeries } from './series.js';
import { Wal } from './wal.js';

export type Language = 'fr' | 'en';

export interface Settings {
  language: Language;
}

export interface StoreOptions {
  dataDir: string;
  flushMs: number;
  flushMaxReadings: number;
  /** Days raw readings are kept; rollups are kept for ever. */
  rawRetentionDays: number;
  /** Readings kept in memory while the disk fails; beyond it new readings are dropped and counted. */
  maxPendingReadings?: number;
  /** Milliseconds between two fsyncs of the write-ahead log. */
  walFsyncMs?: number;
  /** Minimum milliseconds between two writes of the rollup files; 0 writes them at every flush. */
  rollupSaveMs?: number;
  /** Maximum milliseconds between a change of the pot registry and its save. */
  stateSaveMs?: number;
  /** Milliseconds between two fsyncs of the written day files, after which the log files they cover are deleted. */
  checkpointMs?: number;
}

/** Defaults of the optional store settings; hub/config.ts documents the same values. */
export const STORE_DEFAULTS = { maxPendingReadings: 100_000, walFsyncMs: 1000, rollupSaveMs: 300_000, stateSaveMs: 10_000, checkpointMs: 30_000 };

/** `dropped`: the memory bound was reached while the disk fails; the loss is counted. */
export type AddResult = 'stored' | 'duplicate' | 'dropped';

/** `expired`: the day's raw file was deleted by retention and its rollups already count it. */
export type ImportResult = 'stored' | 'duplicate' | 'expired';

/** State of one import: the reading keys of the days it touched, for deduplication. */
export class ImportSession {
  readonly days = new Map<string, Set<string> | 'expired'>();
}

export interface SeriesQuery {
  from: number;
  to: number;
  maxPoints: number;
  now: number;
}

/** Day files whose reading keys an import keeps at once; imports are usually in time order. */
const IMPORT_OPEN_DAYS = 8;
/** While the disk fails, how often a flush is tried again when no reading arrives. */
const RETRY_MS = 1000;

/** The write-ahead log and disk state the store is opened with. */
interface Durability {
  wal: Wal;
  checkpoint: Checkpoint;
  checkpointTimer: NodeJS.Timeout;
  rollupHooks: RollupHooks;
  disk: DiskState;
  retry: NodeJS.Timeout;
  observers: Array<(seconds: number) => void>;
}

function isSettings(value: unknown): value is Settings {
  const language = (value as { language?: unknown } | null)?.language;
  return language === 'fr' || language === 'en';
}

export class Store {
  readonly #lock: DataDirLock;
  readonly #registry: Registry;
  readonly #settings: Low<Settings>;
  readonly #history: History;
  readonly #rollups: Rollups;
  readonly #dedup: Dedup;
  readonly #retention: RetentionJob;
  readonly #options: Required<StoreOptions>;
  readonly #durability: Durability;
  /** Name chosen by the user (plant care), else null for the registry's MAC. */
  #chosenName: (potId: PotId) => string | null = () => null;

  private constructor(lock: DataDirLock, registry: Registry, settings: Low<Settings>, history: History, rollups: Rollups, dedup: Dedup, durability: Durability, options: Required<StoreOptions>, log: FastifyBaseLogger) {
    this.#durability = durability;
    this.#lock = lock;
    this.#registry = registry;
    this.#settings = settings;
    this.#history = history;
    this.#rollups = rollups;
    this.#dedup = dedup;
    this.#options = options;
    this.#retention = new RetentionJob(history, rollups, options.rawRetentionDays, log);
  }

  /** Locks the data folder and loads it; throws DataDirLockedError when another hub uses it. */
  static async open(settings: StoreOptions, log: FastifyBaseLogger): Promise<Store> {
    const options = { ...STORE_DEFAULTS, ...settings };
    await mkdir(options.dataDir, { recursive: true });
    const lock = lockDataDir(options.dataDir);
    try {
      const registry = await Registry.open(join(options.dataDir, 'pots.json'), options.stateSaveMs, log);
      const settings = await openJsonFile(join(options.dataDir, 'settings.json'), isSettings, () => ({ language: 'fr' as const }), log);
      const history = new History(options.dataDir, options, log);
      const rollups = await Rollups.open(options.dataDir, log);
      await repairRollups(history, rollups, log);
      const dedup = await rebuildDedup(history);
      await restoreMissingPots(history, registry, log);
      const durability = await openDurability(options, history, rollups, dedup, registry, log);
      return new Store(lock, registry, settings, history, rollups, dedup, durability, options, log);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /**
   * Stores a reading unless the same measurement is in the pot's recent window. The reading is
   * in the write-ahead log when this returns, so the caller may acknowledge it.
   */
  addReading(potId: PotId, reading: StoredReading, now: number = Date.now()): AddResult {
    if (this.#dedup.has(potId, reading)) {
      this.#registry.recordDuplicate(potId);
      return 'duplicate';
    }
    const { wal, disk } = this.#durability;
    if (wal.unconfirmed >= this.#options.maxPendingReadings) {
      disk.lose(potId, this.#options.maxPendingReadings, now);
      return 'dropped';
    }

    this.#dedup.add(potId, reading);
    if (!wal.append(potId, reading)) disk.fail('write-ahead log', new Error('append failed'));
    this.#history.append(potId, reading);
    this.#registry.recordReading(potId, reading);
    return 'stored';
  }

  /**
   * Stores a reading from an import. Duplicates are found against every stored reading of its
   * day, not only the recent window. Waits for a flush when many readings are pending, so a long
   * import does not pile up in memory.
   */
  async importReading(potId: PotId, reading: StoredReading, session: ImportSession, now: number): Promise<ImportResult> {
    const day = dayOf(reading.at);
    let keys = session.days.get(day);
    if (keys === undefined) {
      keys = await this.#importDayKeys(potId, day, now);
      if (session.days.size >= IMPORT_OPEN_DAYS) session.days.delete(session.days.keys().next().value!);
      session.days.set(day, keys);
    }
    if (keys === 'expired') return 'expired';

    const key = dedupKey(reading);
    if (keys.has(key)) return 'duplicate';
    keys.add(key);
    this.#history.append(potId, reading);
    this.#registry.recordReading(potId, reading);
    if (this.#history.pendingCount >= this.#options.flushMaxReadings) await this.#history.flush();
    return 'stored';
  }

  async #importDayKeys(potId: PotId, day: string, now: number): Promise<Set<string> | 'expired'> {
    const readings = await this.#history.readDay(potId, day);
    const dayStart = Date.parse(day + 'T00:00:00Z');
    const expired = dayStart + (this.#options.rawRetentionDays + 1) * DAY_MS <= now;
    // Adding readings to a day that only rollups remember would count them twice.
    if (readings.length === 0 && expired && (await this.#rollups.hasDay(potId, dayStart))) return 'expired';
    return new Set(readings.map(dedupKey));
  }

  /** Records the calibration an import states was in force, for later exports. */
  setCalibration(potId: PotId, calibration: Calibration | null): void {
    this.#registry.recordCalibration(potId, calibration);
  }

  calibration(potId: PotId): Calibration | null {
    return this.#registry.calibration(potId);
  }

  /** Records a pot's status message; returns false for a pot that never sent a reading. */
  setAnnounced(potId: PotId, status: AnnouncedStatus, at: number): boolean {
    return this.#registry.recordAnnounced(potId, status, at);
  }

  /** Sets where a pot's displayed name comes from; `name` in every Pot view is then that name. */
  setNameSource(chosenName: (potId: PotId) => string | null): void {
    this.#chosenName = chosenName;
  }

  pot(potId: PotId, now: number): Pot | null {
    const pot = this.#registry.view(potId, now);
    return pot === null ? null : { ...pot, name: this.#chosenName(potId) ?? pot.name };
  }

  pots(now: number): Pot[] {
    return this.#registry.ids().map((id) => this.pot(id, now)!);
  }

  readings(potId: PotId, from: number, to: number): Promise<StoredReading[]> {
    return this.#history.query(potId, from, to);
  }

  /** Rewrites each stored reading of a pot through `recompute`, between two flushes (plant care's recalibration). */
  recomputeReadings(potId: PotId, recompute: (reading: StoredReading) => StoredReading): Promise<RecomputeSummary> {
    return recomputeStoredMoisture(this.#history, potId, recompute);
  }

  /** Chart series for [from, to); throws a RangeError naming a bad range or point count. */
  async series(potId: PotId, query: SeriesQuery): Promise<ChartSeries> {
    const pot = this.#registry.view(potId, query.now);
    const intervalMs = (pot?.intervalS ?? 60) * 1000;
    const rawSince = query.now - this.#options.rawRetentionDays * DAY_MS;
    return loadSeries(this.#history, this.#rollups, potId, { from: query.from, to: query.to, maxPoints: query.maxPoints, intervalMs, rawSince });
  }

  /** Days of a pot with raw readings in [from, to), oldest first, for streaming exports. */
  async exportDays(potId: PotId, from: number, to: number): Promise<string[]> {
    const first = dayOf(from);
    const last = dayOf(to - 1);
    return (await this.#history.days(potId)).filter((day) => day >= first && day <= last);
  }

  /** One day of raw readings, read from disk without keeping it in memory. */
  readDay(potId: PotId, day: string): Promise<StoredReading[]> {
    return this.#history.readDay(potId, day);
  }

  /** Rebuilds a pot's rollups from its raw day files; returns the number of days rebuilt. */
  rebuildRollups(potId: PotId): Promise<number> {
    return rebuildPot(this.#history, this.#rollups, potId);
  }

  /** Starts the background deletion of expired raw day files. */
  startRetention(): void {
    this.#retention.start();
  }

  retention(): { rawDays: number } & RetentionSummary {
    return { rawDays: this.#options.rawRetentionDays, ...this.#retention.summary };
  }

  settings(): Settings {
    return { ...this.#settings.data };
  }

  async updateSettings(settings: Settings): Promise<Settings> {
    this.#settings.data = { ...settings };
    await this.#settings.write();
    return this.settings();
  }

  /** Data disk state for /api/health and /metrics. */
  disk(): DiskStatus {
    const { wal, disk } = this.#durability;
    return { failing: disk.failing, error: disk.error, lost: disk.lost, pending: wal.unconfirmed, maxPending: this.#options.maxPendingReadings, walBytes: wal.bytes };
  }

  /** Numbers of history day files and rollup partitions held in memory. */
  openFiles(): { days: number; partitions: number } {
    return { days: this.#history.openDays, partitions: this.#rollups.openPartitions };
  }

  /** Calls `observer` with the duration of each history flush, in seconds. */
  onFlush(observer: (seconds: number) => void): void {
    this.#durability.observers.push(observer);
  }

  /** Writes everything pending; resolves once it is on disk. */
  async flush(): Promise<void> {
    await this.#history.flush();
    await this.#history.runExclusive(() => this.#durability.rollupHooks.saveNow());
    await this.#registry.save();
    await this.#durability.checkpoint.run();
  }

  async close(): Promise<void> {
    clearInterval(this.#durability.retry);
    clearInterval(this.#durability.checkpointTimer);
    try {
      await this.#retention.stop();
      await this.#history.close();
      await this.#history.runExclusive(() => this.#durability.rollupHooks.saveNow());
      await this.#registry.save();
      await this.#durability.checkpoint.run();
    } finally {
      this.#durability.wal.close();
      this.#lock.release();
    }
  }
}

/** Puts back in the registry every pot that has history but no record, so none vanishes from the list. */
async function restoreMissingPots(history: History, registry: Registry, log: FastifyBaseLogger): Promise<void> {
  for (const potId of (await history.potIds()).filter(isPotId)) {
    if (registry.has(potId)) continue;
    const days = await history.days(potId);
    if (days.length === 0) continue;
    const oldest = (await history.readDay(potId, days[0]!))[0];
    const newest = await history.newest(potId, 12);
    if (oldest === undefined || newest.length === 0) continue;
    registry.restore(potId, oldest, newest);
    log.warn({ potId, firstSeen: oldest.rx, lastSeen: Math.max(...newest.map((reading) => reading.rx)) }, 'pot missing from the registry (pots.json) restored from its history; its counters start again from 0');
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

/**
 * Opens the write-ahead log, puts back what a killed process left in it, and writes that to
 * history before the hub subscribes, so the broker's redeliveries meet a complete dedup state.
 */
async function openDurability(options: Required<StoreOptions>, history: History, rollups: Rollups, dedup: Dedup, registry: Registry, log: FastifyBaseLogger): Promise<Durability> {
  const { wal, entries } = Wal.open(join(options.dataDir, 'wal'), { fsyncMs: options.walFsyncMs }, log);
  const disk = new DiskState(log);
  const observers: Array<(seconds: number) => void> = [];
  const rollupSync = rollupHooks(rollups, options.rollupSaveMs);
  const checkpoint = new Checkpoint(wal, log);
  const fileOf = (key: string) => {
    const [potId, day] = key.split('/') as [string, string];
    return history.dayFile(potId, day);
  };
  history.setHooks(durableHooks(rollupSync, wal, disk, checkpoint, fileOf, (seconds) => observers.forEach((observe) => observe(seconds))));

  const replayed = await replayWal(entries, history, dedup, registry);
  if (entries.length > 0) log.warn({ logged: entries.length, replayed }, 'replayed the write-ahead log left by an interrupted run');
  await history.flush();
  if (history.pendingCount === 0 && !disk.failing) {
    // Every logged reading is in a day file now: the checkpoint fsyncs those and deletes the log files.
    checkpoint.add(new Set(entries.filter(({ potId }) => isPotId(potId)).map(({ potId, reading }) => fileOf(potId + '/' + dayOf(reading.at)))));
    wal.markWritten(wal.lastSealed);
  }
  await checkpoint.run();
  const checkpointTimer = setInterval(() => void checkpoint.run(), options.checkpointMs);
  checkpointTimer.unref();

  // A failed flush is retried by the next append; this retries it when no reading comes.
  const retry = setInterval(() => {
    if (disk.needsRetry(Date.now())) void history.flush();
  }, RETRY_MS);
  retry.unref();
  return { wal, checkpoint, checkpointTimer, rollupHooks: rollupSync, disk, retry, observers };
}
