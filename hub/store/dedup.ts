// Recent reading keys per pot (domain/reading.ts dedupKey), so a QoS 1 redelivery or a pot's
// offline buffer sent twice is stored once. The window is bounded: a key older than WINDOW
// readings of the same pot is forgotten.
import type { PotId } from '../../domain/pot-id.js';
import { dedupKey, type StoredReading } from '../../domain/reading.js';

export const DEDUP_WINDOW = 2000;

class KeyWindow {
  readonly #keys = new Set<string>();
  /** The keys in the order they were added, as a ring of DEDUP_WINDOW slots. */
  readonly #ring: string[] = [];
  #next = 0;

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Adds the key; returns false when it was already present. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#ring.length < DEDUP_WINDOW) {
      this.#ring.push(key);
    } else {
      this.#keys.delete(this.#ring[this.#next]!);
      this.#ring[this.#next] = key;
      this.#next = (this.#next + 1) % DEDUP_WINDOW;
    }
    return true;
  }
}

export class Dedup {
  readonly #windows = new Map<PotId, KeyWindow>();

  /** True when the same measurement is in the pot's recent window. */
  has(potId: PotId, reading: StoredReading): boolean {
    return this.#windows.get(potId)?.has(dedupKey(reading)) ?? false;
  }

  /** Records the reading; returns false when the same measurement was already recorded. */
  add(potId: PotId, reading: StoredReading): boolean {
    let window = this.#windows.get(potId);
    if (!window) {
      window = new KeyWindow();
      this.#windows.set(potId, window);
    }
    return window.add(dedupKey(reading));
  }
}
