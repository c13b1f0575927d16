// Files kept in memory by the history and the rollups, least recently used first. An entry
// leaves when there are more than `max` of them or when it was not used for `idleMs`, unless its
// owner still needs it (changes not yet on disk). The idle limit lets yesterday's files go once
// a day has passed, so memory follows what is in use instead of the size of the LRU.
export interface OpenFilesOptions {
  max: number;
  idleMs: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  usedAt: number;
}

export class OpenFiles<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #max: number;
  readonly #idleMs: number;
  readonly #now: () => number;

  constructor(options: OpenFilesOptions) {
    this.#max = options.max;
    this.#idleMs = options.idleMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Returns the entry of `key` and marks it as used now; undefined when it is not in memory. */
  use(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    entry.usedAt = this.#now();
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Returns the entry of `key` without marking it as used. */
  peek(key: string): T | undefined {
    return this.#entries.get(key)?.value;
  }

  /** Adds or replaces the entry of `key`, as the most recently used. */
  add(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, usedAt: this.#now() });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  /**
   * Drops entries beyond `max`, then entries unused for `idleMs`, oldest first. An entry for which
   * `keep` returns true stays whatever its age.
   */
  evict(keep: (key: string) => boolean): void {
    const idleBefore = this.#now() - this.#idleMs;
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#max && entry.usedAt > idleBefore) break;
      if (!keep(key)) this.#entries.delete(key);
    }
  }
}
