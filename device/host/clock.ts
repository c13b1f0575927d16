// A clock and timers for a pot on Node that can run faster than real time. At speed S, a timer
// of T ms fires after T / S real ms, and the virtual clock advances S ms per real ms.

export interface SpeedClock {
  speed: number;
  /** Virtual time, Unix milliseconds. */
  now(): number;
  /** Runs `fn` after `ms` of virtual time. */
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(id: number): void;
  /** Cancels every pending timer, so a stopped pot leaves nothing behind. */
  clearAll(): void;
}

export function createSpeedClock(speed: number, startMs: number): SpeedClock {
  if (!(speed > 0) || !isFinite(speed)) throw new Error(`invalid speed ${speed}: use a number above 0, such as 1 or 600`);
  const realStart = Date.now();
  const timers = new Map<number, NodeJS.Timeout>();
  let nextId = 1;

  return {
    speed,
    now: () => startMs + (Date.now() - realStart) * speed,
    setTimeout(fn, ms) {
      const id = nextId++;
      const timer = setTimeout(() => {
        timers.delete(id);
        fn();
      }, Math.max(0, ms / speed));
      timers.set(id, timer);
      return id;
    },
    clearTimeout(id) {
      const timer = timers.get(id);
      if (timer) clearTimeout(timer);
      timers.delete(id);
    },
    clearAll() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
