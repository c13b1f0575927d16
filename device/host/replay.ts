// Replays a trace through a pot: one reading per row, with the time between rows (night gaps
// included) divided by the speed. The pot must run with `manual: true`.
import type { Pot } from '../core/pot.js';
import type { HostHardware } from './hardware.js';
import type { ReplaySource } from './sensors.js';
import type { Trace } from './trace.js';

export interface ReplayProgress {
  /** Rows read so far, each one a reading handed to the pot. */
  read: number;
  /** Readings the broker acknowledged. */
  sent: number;
  total: number;
  /** Trace time of the last row read, in the trace's milliseconds. */
  traceMs: number | null;
}

export interface Replay {
  progress(): ReplayProgress;
  /** Resolves once every row was read and every reading acknowledged (or dropped by the buffer). */
  done: Promise<ReplayProgress>;
  cancel(): void;
}

export function replayTrace(pot: Pot, hw: HostHardware, source: ReplaySource, trace: Trace): Replay {
  const rows = trace.rows;
  const startPublished = pot.stats().published;
  const startDropped = pot.stats().dropped;
  let index = 0;
  let timer: number | null = null;
  let cancelled = false;
  let finish: (progress: ReplayProgress) => void = () => {};
  const done = new Promise<ReplayProgress>((resolve) => { finish = resolve; });

  function progress(): ReplayProgress {
    const last = rows[index - 1];
    return { read: index, sent: pot.stats().published - startPublished, total: rows.length, traceMs: last ? last.timeMs : null };
  }

  function waitForQueue(): void {
    if (cancelled) return;
    const stats = pot.stats();
    if (stats.published - startPublished + stats.dropped - startDropped >= rows.length) {
      finish(progress());
      return;
    }
    setTimeout(waitForQueue, 20); // real time: the broker's pace, not the virtual clock's
  }

  function step(): void {
    timer = null;
    if (cancelled) return;
    const row = rows[index]!;
    source.show(row);
    pot.readNow();
    index++;
    const next = rows[index];
    if (next === undefined) waitForQueue();
    else timer = hw.setTimeout(step, next.timeMs - row.timeMs);
  }

  if (rows.length === 0) finish(progress());
  else step();

  return {
    progress,
    done,
    cancel() {
      cancelled = true;
      if (timer !== null) hw.clearTimeout(timer);
      finish(progress());
    },
  };
}
