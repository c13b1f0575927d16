// Counts failures per key (an account, an address, a pot) over a sliding window and blocks a key
// that reached its limit. The window is approximated with two fixed buckets (the current one and
// the previous one, weighted by how much of it still overlaps the window), so each key costs two
// numbers. Memory is bounded by `maxKeys`: when full, expired keys go first, then the oldest.
// Pure: every call takes `now` in milliseconds.

export interface ThrottleOptions {
  /** Failures allowed per window; the next attempt is blocked. */
  limit: number;
  windowMs: number;
  /** Most keys kept in memory. */
  maxKeys: number;
}

interface Bucket {
  /** Start of the current fixed window, a multiple of windowMs. */
  start: number;
  current: number;
  previous: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export class FailureThrottle {
  readonly #options: ThrottleOptions;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: ThrottleOptions) {
    if (!(options.limit >= 1 && options.windowMs >= 1 && options.maxKeys >= 1)) {
      throw new Error(`invalid throttle options ${JSON.stringify(options)}: limit, windowMs and maxKeys must be at least 1`);
    }
    this.#options = options;
  }

  /** Number of keys held in memory. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Estimated failures of `key` over the last window. */
  count(key: string, now: number): number {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) return 0;
    this.#roll(bucket, now);
    const overlap = 1 - (now - bucket.start) / this.#options.windowMs;
    return bucket.current + bucket.previous * overlap;
  }

  /** Says whether `key` may try again now, and if not, in how many milliseconds. */
  check(key: string, now: number): ThrottleVerdict {
    if (this.count(key, now) < this.#options.limit) return { allowed: true };
    return { allowed: false, retryAfterMs: this.#retryAfter(key, now) };
  }

  /** Records one failure of `key`. */
  fail(key: string, now: number): void {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      this.#makeRoom(now);
      bucket = { start: this.#windowStart(now), current: 0, previous: 0 };
    } else {
      this.#buckets.delete(key);
      this.#roll(bucket, now);
    }
    bucket.current += 1;
    // Re-inserting keeps the Map in order of last failure, which eviction relies on.
    this.#buckets.set(key, bucket);
  }

  /** Forgets `key`, for instance after an administrator unlocked an account. */
  clear(key: string): void {
    this.#buckets.delete(key);
  }

  #windowStart(now: number): number {
    return Math.floor(now / this.#options.windowMs) * this.#options.windowMs;
  }

  #roll(bucket: Bucket, now: number): void {
    const start = this.#windowStart(now);
    if (start === bucket.start) return;
    bucket.previous = start - bucket.start === this.#options.windowMs ? bucket.current : 0;
    bucket.current = 0;
    bucket.start = start;
  }

  // Walks forward in steps of 1 % of the window until the estimate drops under the limit.
  #retryAfter(key: string, now: number): number {
    const step = Math.max(1, Math.ceil(this.#options.windowMs / 100));
    for (let wait = step; wait <= 2 * this.#options.windowMs; wait += step) {
      if (this.count(key, now + wait) < this.#options.limit) return wait;
    }
    return 2 * this.#options.windowMs;
  }

  #makeRoom(now: number): void {
    if (this.#buckets.size < this.#options.maxKeys) return;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.start >= 2 * this.#options.windowMs) this.#buckets.delete(key);
    }
    // NOTE: evicting the oldest live key lets a flood of new keys erase older counts. So maxKeys
    // must exceed the number of keys one attacker can produce within a window.
    while (this.#buckets.size >= this.#options.maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
  }
}

/** Login limits: about 100 failures per account and per address per hour. */
export const LOGIN_LIMITS: ThrottleOptions = { limit: 100, windowMs: 60 * 60 * 1000, maxKeys: 20_000 };

/** Claim code limits: a 40-bit code with 10 wrong guesses an hour per pot and 20 per user. */
export const CLAIM_LIMITS_PER_POT: ThrottleOptions = { limit: 10, windowMs: 60 * 60 * 1000, maxKeys: 10_000 };
export const CLAIM_LIMITS_PER_USER: ThrottleOptions = { limit: 20, windowMs: 60 * 60 * 1000, maxKeys: 10_000 };
