// The pot registry, data/pots.json: one record per pot that sent a valid reading. Saved a
// short while after each change, so a burst of readings costs one write.
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import type { Calibration } from '../../domain/calibration.js';
import { formatMac, type PotId } from '../../domain/pot-id.js';
import { estimateIntervalS, potStatus, type AnnouncedStatus, type PotStatus } from '../../domain/pot-status.js';
import { DEFAULT_INTERVAL_S } from '../../domain/pot-config.js';
import type { StoredReading } from '../../domain/reading.js';
import { openJsonFile } from './json-file.js';

/** Reading times kept per pot to estimate its interval. */
const RECENT_TIMES = 12;

export interface PotCounters {
  stored: number;
  duplicates: number;
}

export interface PotRecord {
  name: string;
  firstSeen: number;
  lastSeen: number;
  intervalS: number;
  announced: AnnouncedStatus | null;
  announcedAt: number | null;
  latest: StoredReading | null;
  /** Measurement times of the newest readings, for the interval estimate. */
  recentAt: number[];
  counters: PotCounters;
  /** Calibration in force, as the last import stated it; absent when never known. */
  calibration?: Calibration | null;
  /** Whether the pot has a pump, from its newest reading with `pump`; absent when no reading had the field. */
  pump?: boolean;
}

export interface RegistryFile {
  pots: Record<PotId, PotRecord>;
}

/** A pot as the REST API and the live stream serve it. */
export interface Pot {
  id: PotId;
  mac: string;
  name: string;
  firstSeen: number;
  lastSeen: number;
  intervalS: number;
  status: PotStatus;
  announced: AnnouncedStatus | null;
  latest: StoredReading | null;
  counters: PotCounters;
  /** Whether the pot has a pump, from its readings; null when no reading had the field (older firmware). */
  pump: boolean | null;
}

function isRegistryFile(value: unknown): value is RegistryFile {
  if (typeof value !== 'object' || value === null) return false;
  const pots = (value as { pots?: unknown }).pots;
  if (typeof pots !== 'object' || pots === null || Array.isArray(pots)) return false;
  return Object.values(pots).every(
    (p) => typeof p === 'object' && p !== null && typeof p.lastSeen === 'number' && Array.isArray(p.recentAt),
  );
}

export class Registry {
  readonly #db: Low<RegistryFile>;
  readonly #saveDelayMs: number;
  readonly #log: FastifyBaseLogger;
  #timer: NodeJS.Timeout | null = null;

  private constructor(db: Low<RegistryFile>, saveDelayMs: number, log: FastifyBaseLogger) {
    this.#db = db;
    this.#saveDelayMs = saveDelayMs;
    this.#log = log;
  }

  static async open(file: string, saveDelayMs: number, log: FastifyBaseLogger): Promise<Registry> {
    const db = await openJsonFile(file, isRegistryFile, () => ({ pots: {} }), log);
    return new Registry(db, saveDelayMs, log);
  }

  ids(): PotId[] {
    return Object.keys(this.#db.data.pots);
  }

  has(id: PotId): boolean {
    return Object.hasOwn(this.#db.data.pots, id);
  }

  /** Records a new reading; returns true when the pot was registered by it. */
  recordReading(id: PotId, reading: StoredReading): boolean {
    const isNew = !this.has(id);
    const pot = this.#db.data.pots[id] ?? this.#create(id, reading.rx);
    pot.lastSeen = Math.max(pot.lastSeen, reading.rx);
    if (pot.latest === null || reading.at >= pot.latest.at) pot.latest = reading;

    pot.recentAt.push(reading.at);
    pot.recentAt.sort((a, b) => a - b);
    if (pot.recentAt.length > RECENT_TIMES) pot.recentAt.shift();
    // A pot that states its interval is believed; otherwise the gaps between readings tell it.
    pot.intervalS = typeof reading.interval_s === 'number' ? reading.interval_s : estimateIntervalS(pot.recentAt, DEFAULT_INTERVAL_S);
    if (typeof reading.pump === 'boolean' && reading.at >= (pot.latest?.at ?? 0)) pot.pump = reading.pump;
    pot.counters.stored++;
    this.#scheduleSave();
    return isNew;
  }

  /**
   * Recreates the record of a pot that has history but no record (a damaged pots.json was set
   * aside): first seen from its oldest stored reading, the rest from its newest ones. Its counters
   * start again from 0.
   */
  restore(id: PotId, oldest: StoredReading, newest: readonly StoredReading[]): void {
    if (this.has(id) || newest.length === 0) return;
    const pot = this.#create(id, oldest.rx);
    for (const reading of newest) {
      pot.lastSeen = Math.max(pot.lastSeen, reading.rx);
      if (pot.latest === null || reading.at >= pot.latest.at) pot.latest = reading;
      if (typeof reading.pump === 'boolean') pot.pump = reading.pump;
    }
    pot.recentAt = newest.map((reading) => reading.at).sort((a, b) => a - b).slice(-RECENT_TIMES);
    const last = newest[newest.length - 1]!;
    pot.intervalS = typeof last.interval_s === 'number' ? last.interval_s : estimateIntervalS(pot.recentAt, DEFAULT_INTERVAL_S);
    this.#scheduleSave();
  }

  recordDuplicate(id: PotId): void {
    const pot = this.#db.data.pots[id];
    if (!pot) return;
    pot.counters.duplicates++;
    this.#scheduleSave();
  }

  /** Records the calibration in force for a registered pot. */
  recordCalibration(id: PotId, calibration: Calibration | null): void {
    const pot = this.#db.data.pots[id];
    if (!pot) return;
    pot.calibration = calibration;
    this.#scheduleSave();
  }

  calibration(id: PotId): Calibration | null {
    return this.#db.data.pots[id]?.calibration ?? null;
  }

  /** Records the pot's status message; returns false for a pot that never sent a reading. */
  recordAnnounced(id: PotId, status: AnnouncedStatus, at: number): boolean {
    const pot = this.#db.data.pots[id];
    if (!pot) return false;
    pot.announced = status;
    pot.announcedAt = at;
    this.#scheduleSave();
    return true;
  }

  view(id: PotId, now: number): Pot | null {
    const pot = this.#db.data.pots[id];
    if (!pot) return null;
    return {
      id,
      mac: formatMac(id),
      name: pot.name,
      firstSeen: pot.firstSeen,
      lastSeen: pot.lastSeen,
      intervalS: pot.intervalS,
      status: potStatus(pot, now),
      announced: pot.announced,
      latest: pot.latest,
      counters: { ...pot.counters },
      pump: pot.pump ?? null,
    };
  }

  #create(id: PotId, now: number): PotRecord {
    const pot: PotRecord = {
      name: formatMac(id),
      firstSeen: now,
      lastSeen: now,
      intervalS: DEFAULT_INTERVAL_S,
      announced: null,
      announcedAt: null,
      latest: null,
      recentAt: [],
      counters: { stored: 0, duplicates: 0 },
    };
    this.#db.data.pots[id] = pot;
    return pot;
  }

  #scheduleSave(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.save().catch((err: unknown) => {
        this.#log.error({ err }, 'failed to save the pot registry; retrying at the next change');
      });
    }, this.#saveDelayMs);
  }

  /** Writes the registry now. */
  async save(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#db.write();
  }
}
