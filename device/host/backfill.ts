// Backfill, then live: a replay that fills a pot's history at once and keeps the pot running.
// Every row goes out as fast as the broker acknowledges. Its `ts` is the row's time, moved so that
// the last row lands just before now. Then the pot publishes a reading every `liveIntervalMs` of
// real time, with values that continue from the trace's last row. The pot must run with `manual: true`.
import type { Pot } from '../core/pot.js';
import type { ReplayProgress, Replay } from './replay.js';
import type { ReplaySource } from './sensors.js';
import type { Trace, TraceRow } from './trace.js';

/** How far before now the trace's last row lands, so the first live reading comes after it. */
export const BACKFILL_END_BEFORE_NOW_MS = 2 * 60_000;
/** Readings handed to the pot before waiting for the broker: well under the replay buffer. */
const BATCH = 200;

export interface BackfillClock {
  /** Sets the pot's wall clock to `ms`, or back to the real time with null. */
  set(ms: number | null): void;
}

export interface Backfill extends Replay {
  /** Readings taken since the live phase began. */
  live(): number;
}

/** Milliseconds to add to a row's time so the last row lands `BACKFILL_END_BEFORE_NOW_MS` before `nowMs`. */
export function backfillShift(trace: Trace, nowMs: number): number {
  const last = trace.rows[trace.rows.length - 1];
  return last === undefined ? 0 : nowMs - BACKFILL_END_BEFORE_NOW_MS - last.timeMs;
}

/** Returns the next live row: the trace's last values with a small deterministic wobble, so the chart stays plausible. */
function liveRow(last: TraceRow, count: number, atMs: number): TraceRow {
  const wobble = Math.sin(count * 1.7) * 0.004;
  const moistureRaw = last.moistureRaw === null ? null : Math.round(last.moistureRaw * (1 + wobble));
  const lightRaw = last.lightRaw === null ? null : Math.round(last.lightRaw * (1 + wobble * 5));
  return { line: 0, timeMs: atMs, moistureRaw, lightRaw, light: last.light };
}

export function backfillThenLive(
  pot: Pot, source: ReplaySource, trace: Trace, clock: BackfillClock, shiftMs: number, liveIntervalMs: number, sentUntilMs: number,
): Backfill {
  const rows = trace.rows;
  const startPublished = pot.stats().published;
  const startDropped = pot.stats().dropped;
  // Rows dated at or before the pot's last sent time went out in an earlier run: the pot would
  // send them without `ts` (its clock may not go back), so they are skipped.
  let index = 0;
  while (index < rows.length && rows[index]!.timeMs + shiftMs <= sentUntilMs) index++;
  const first = index;
  let liveCount = 0;
  let cancelled = false;
  let timer: NodeJS.Timeout | null = null;
  let finish: (progress: ReplayProgress) => void = () => {};
  const done = new Promise<ReplayProgress>((resolve) => { finish = resolve; });

  function progress(): ReplayProgress {
    const last = rows[index - 1];
    return { read: index - first, sent: pot.stats().published - startPublished, total: rows.length - first, traceMs: last ? last.timeMs : null };
  }

  function settled(): boolean {
    const stats = pot.stats();
    return stats.published - startPublished + stats.dropped - startDropped >= index - first;
  }

  function takeLive(): void {
    const last = rows[rows.length - 1];
    if (cancelled || last === undefined) return;
    clock.set(null);
    source.show(liveRow(last, liveCount++, Date.now()));
    pot.readNow();
  }

  function goLive(): void {
    finish(progress());
    takeLive();
    timer = setInterval(takeLive, liveIntervalMs);
  }

  // Real-time pacing: hands a batch to the pot, then waits until the broker has caught up.
  function step(): void {
    timer = null;
    if (cancelled) return;
    if (index >= rows.length) {
      if (settled()) goLive();
      else timer = setTimeout(step, 20);
      return;
    }
    if (pot.stats().pending >= BATCH) {
      timer = setTimeout(step, 20);
      return;
    }
    const end = Math.min(rows.length, index + BATCH);
    for (; index < end; index++) {
      const row = rows[index]!;
      clock.set(row.timeMs + shiftMs);
      source.show(row);
      pot.readNow();
    }
    clock.set(null);
    timer = setTimeout(step, 0);
  }

  step();

  return {
    progress,
    done,
    live: () => liveCount,
    cancel() {
      cancelled = true;
      if (timer !== null) { clearTimeout(timer); clearInterval(timer); }
      clock.set(null);
      finish(progress());
    },
  };
}
