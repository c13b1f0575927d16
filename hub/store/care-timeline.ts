// Care timeline of each pot, data/timeline/<id>.json: waterings found, alerts raised and cleared,
// calibrations, notes and photos, newest last. Each file keeps the last MAX_EVENTS events.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Low } from 'lowdb';
import { openJsonFile } from './json-file.js';

export const MAX_EVENTS = 2000;

// `watering_command` and `watering_rule` come from remote watering (hub/watering/).
export type TimelineKind = 'watering' | 'alert_raised' | 'alert_cleared' | 'calibration' | 'note' | 'photo' | 'watering_command' | 'watering_rule';

export interface TimelineEvent {
  /** Event time, Unix ms: the measurement time for waterings and alerts. */
  at: number;
  kind: TimelineKind;
  /** Alert kind, fault or watering numbers, note text or photo file, depending on `kind`. */
  data: Record<string, unknown>;
}

interface TimelineFile {
  events: TimelineEvent[];
}

function isTimelineFile(value: unknown): value is TimelineFile {
  const events = (value as { events?: unknown } | null)?.events;
  return Array.isArray(events) && events.every((e) => typeof e === 'object' && e !== null && typeof e.at === 'number');
}

export class Timelines {
  readonly #dir: string;
  readonly #log: FastifyBaseLogger;
  readonly #open = new Map<string, Promise<Low<TimelineFile>>>();
  /** Writes are chained per pot so two events never write the same file at once. */
  readonly #writes = new Map<string, Promise<void>>();

  constructor(dataDir: string, log: FastifyBaseLogger) {
    this.#dir = join(dataDir, 'timeline');
    this.#log = log;
  }

  #file(potId: string): Promise<Low<TimelineFile>> {
    let file = this.#open.get(potId);
    if (!file) {
      file = mkdir(this.#dir, { recursive: true }).then(() =>
        openJsonFile(join(this.#dir, potId + '.json'), isTimelineFile, () => ({ events: [] }), this.#log));
      file.catch(() => this.#open.delete(potId));
      this.#open.set(potId, file);
    }
    return file;
  }

  /** Adds an event in time order and writes the file; resolves once it is on disk. */
  add(potId: string, event: TimelineEvent): Promise<void> {
    const previous = this.#writes.get(potId) ?? Promise.resolve();
    const next = previous.then(async () => {
      const file = await this.#file(potId);
      const events = file.data.events;
      let i = events.length;
      while (i > 0 && events[i - 1]!.at > event.at) i--;
      events.splice(i, 0, event);
      if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
      await file.write();
    });
    const settled = next.catch((err: unknown) => this.#log.error({ err, potId, kind: event.kind }, 'failed to write a timeline event'));
    this.#writes.set(potId, settled);
    return next;
  }

  async events(potId: string): Promise<TimelineEvent[]> {
    await this.#writes.get(potId);
    return [...(await this.#file(potId)).data.events];
  }

  /** Waits for every pending write. */
  async flush(): Promise<void> {
    await Promise.all(this.#writes.values());
  }
}
