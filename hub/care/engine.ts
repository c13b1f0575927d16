// The care engine: takes each stored reading in measurement order, per pot, keeps a window of
// recent readings for the fault and watering rules, and runs hub/care/judge.ts on it. Also raises
// "pot silent" from the registry's online status, and derives moisture for firmwares that send raw
// values only.
import type { FastifyBaseLogger } from 'fastify';
import type { Calibration } from '../../domain/calibration.js';
import { thresholdsFor, type PlantThresholds } from '../../domain/plant-state.js';
import type { StoredReading } from '../../domain/reading.js';
import { findSpecies, type Species } from '../../domain/species.js';
import type { CareStore } from '../store/care-store.js';
import type { Timelines } from '../store/care-timeline.js';
import type { Store } from '../store/store.js';
import type { AlertBook } from './alerts.js';
import { localTime } from './clock.js';
import { deriveMoisture, judgeReading, newEngineState, newWindowChecks, type JudgeContext, type WindowChecks } from './judge.js';
import type { EngineState } from './types.js';

/** Span of recent readings kept per pot for the fault and watering rules, ms. */
export const WINDOW_MS = 12 * 3600 * 1000;
/** Readings kept per pot at most, whatever their span. */
export const MAX_WINDOW_READINGS = 3000;
/** Span of history judged at start for a pot with no judged reading on record, ms. */
export const CATCH_UP_MS = 24 * 3600 * 1000;

export interface EngineDeps {
  store: Store;
  care: CareStore;
  alerts: AlertBook;
  timelines: Timelines;
  species: () => Species[];
  timeZone: string;
  batteryLowMv: number;
  log: FastifyBaseLogger;
}

interface PotMemory {
  window: StoredReading[];
  /** True once readings older than the window exist (dropped, or left in the history). */
  trimmed: boolean;
  daySamples: { at: number; lux: number | null }[];
  checks: WindowChecks;
}

export class CareEngine {
  readonly #deps: EngineDeps;
  readonly #memory = new Map<string, PotMemory>();
  readonly #queues = new Map<string, Promise<void>>();

  constructor(deps: EngineDeps) {
    this.#deps = deps;
  }

  calibration(potId: string): Calibration | null {
    const last = this.#deps.care.potCare(potId).calibrations.at(-1);
    return last ? { dry: last.dry, wet: last.wet } : null;
  }

  /** The pot's thresholds, or null while it has no species (or an unknown one). */
  thresholds(potId: string): PlantThresholds | null {
    const care = this.#deps.care.potCare(potId);
    const species = care.speciesId === null ? null : findSpecies(this.#deps.species(), care.speciesId);
    if (species === null) return null;
    const result = thresholdsFor(species, care.thresholds);
    return result.ok ? result.thresholds : null;
  }

  /** Fills in derived moisture before the reading is stored (an ingest hook). */
  enrich(potId: string, reading: StoredReading): void {
    const derived = deriveMoisture(reading, this.calibration(potId));
    if (derived !== reading) Object.assign(reading, derived);
  }

  /** Queues a stored reading for judging; readings of one pot are judged one at a time, in arrival order. */
  accept(potId: string, reading: StoredReading): void {
    const previous = this.#queues.get(potId) ?? Promise.resolve();
    const next = previous.then(() => this.#process(potId, reading)).catch((err: unknown) => {
      this.#deps.log.error({ err, potId, at: reading.at }, 'care engine failed on a reading; its plant state may lag');
    });
    this.#queues.set(potId, next);
  }

  /**
   * Queues the stored readings that plant care has not judged: those after each pot's last judged
   * reading, at most CATCH_UP_MS old. Plant care saves its state every few seconds, so after a kill
   * this judges the readings of those seconds and those the write-ahead log put back. Returns
   * the number of readings queued.
   */
  async catchUp(now: number): Promise<number> {
    let queued = 0;
    for (const pot of this.#deps.store.pots(now)) {
      const lastAt = this.state(pot.id).lastAt;
      const from = lastAt === null ? now - CATCH_UP_MS : Math.max(now - CATCH_UP_MS, lastAt + 1);
      // A day ahead: a pot's clock may run slightly ahead of the hub's.
      for (const reading of await this.#deps.store.readings(pot.id, from, now + 24 * 3600 * 1000)) {
        this.accept(pot.id, reading);
        queued++;
      }
    }
    return queued;
  }

  /** Resolves once every queued reading was judged. */
  async idle(): Promise<void> {
    while ([...this.#queues.values()].length > 0) {
      const pending = [...this.#queues.entries()];
      await Promise.all(pending.map(([, p]) => p));
      for (const [potId, p] of pending) if (this.#queues.get(potId) === p) this.#queues.delete(potId);
    }
  }

  /** Returns the recent readings of a pot in the engine's window, oldest first. */
  window(potId: string): StoredReading[] {
    return this.#memory.get(potId)?.window ?? [];
  }

  state(potId: string): EngineState {
    return this.#deps.care.engineState(potId) ?? newEngineState();
  }

  /** Raises "pot silent" for each pot whose registry status is offline at `now`. */
  checkSilence(now: number): void {
    for (const pot of this.#deps.store.pots(now)) {
      if (pot.status !== 'offline') continue;
      const state = this.state(pot.id);
      if (state.alerts['pot_silent']) continue;
      const detail = pot.announced === 'offline' ? 'the pot announced offline' : `no reading since ${new Date(pot.lastSeen).toISOString()}`;
      this.#deps.alerts.raise(state, pot.id, { kind: 'pot_silent', since: pot.lastSeen, at: now, detail });
      this.#deps.care.setEngineState(pot.id, state);
    }
  }

  /** Forgets the in-memory window of a pot, so the next reading reloads it from the history. */
  forget(potId: string): void {
    this.#memory.delete(potId);
  }

  async #load(potId: string, at: number): Promise<PotMemory> {
    let memory = this.#memory.get(potId);
    if (memory) return memory;

    // After a restart, the window and today's light samples come back from the history.
    const dayStart = at - 24 * 3600 * 1000;
    const before = (await this.#deps.store.readings(potId, dayStart, at)).map((r) => deriveMoisture(r, this.calibration(potId)));
    const today = localTime(at, this.#deps.timeZone).day;
    const state = this.#deps.care.engineState(potId);
    const sameDay = state?.day === today;
    memory = {
      window: before.filter((r) => r.at >= at - WINDOW_MS),
      trimmed: before.some((r) => r.at < at - WINDOW_MS),
      daySamples: sameDay ? before.filter((r) => localTime(r.at, this.#deps.timeZone).day === today).map((r) => ({ at: r.at, lux: r.light })) : [],
      checks: newWindowChecks(),
    };
    this.#memory.set(potId, memory);
    return memory;
  }

  async #process(potId: string, reading: StoredReading): Promise<void> {
    const memory = await this.#load(potId, reading.at);
    const state = this.state(potId);
    if (state.lastAt !== null && reading.at <= state.lastAt) {
      // A late reading from the pot's offline buffer: kept for the window, not judged again.
      insertSorted(memory.window, reading);
      return;
    }

    memory.window.push(reading);
    const from = reading.at - WINDOW_MS;
    let drop = 0;
    while (drop < memory.window.length && memory.window[drop]!.at < from) drop++;
    if (memory.window.length - drop > MAX_WINDOW_READINGS) drop = memory.window.length - MAX_WINDOW_READINGS;
    if (drop > 0) {
      memory.window.splice(0, drop);
      memory.trimmed = true;
    }

    const context: JudgeContext = {
      potId,
      care: this.#deps.care.potCare(potId),
      calibration: this.calibration(potId),
      thresholds: this.thresholds(potId),
      timeZone: this.#deps.timeZone,
      batteryLowMv: this.#deps.batteryLowMv,
      alerts: this.#deps.alerts,
      timelines: this.#deps.timelines,
    };
    judgeReading(state, reading, memory.window, memory.trimmed, memory.daySamples, memory.checks, context);
    this.#deps.care.setEngineState(potId, state);
  }
}

function insertSorted(window: StoredReading[], reading: StoredReading): void {
  let i = window.length;
  while (i > 0 && window[i - 1]!.at > reading.at) i--;
  window.splice(i, 0, reading);
}
