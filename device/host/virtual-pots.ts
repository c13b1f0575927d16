// Virtual pots: the device core on host hardware, with synthetic sensors or a replayed trace.
// `npm run pot` drives this from the command line; the start script can call it in-process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { formatMac, parsePotId, type PotId } from '../../domain/pot-id.js';
import { startPot, potOptions, type Pot, type PotEvent } from '../core/pot.js';
import type { CycleEvent } from '../core/cycle.js';
import { startBatteryPot, type BatteryPot } from './battery.js';
import { createHostHardware, type HostHardware } from './hardware.js';
import { replayTrace, type Replay, type ReplayProgress } from './replay.js';
import { backfillShift, backfillThenLive } from './backfill.js';
import { loadState } from '../core/settings.js';
import { createReplaySource, createSyntheticSource, SYNTHETIC_CALIBRATION, type ReplaySource } from './sensors.js';
import { findGaps, formatTraceTime, parseTrace, type Trace } from './trace.js';
import { claimLine, nodeSha256 } from './claim.js';
import { createFolderStorage } from './storage.js';
import { createPumpedReplaySource, createSyntheticPumpedSoil, virtualPump } from './pumped-replay.js';

export const DEFAULT_TRACE = 'scripts/traces/plantwatch-pi5.csv';
/** First made-up MAC: locally administered (0x02), unicast, then "POCO" in ASCII. */
export const DEFAULT_MAC = '02:50:4f:43:4f:01';
const REPLAY_BUFFER_MAX = 1000;

export interface VirtualPotsOptions {
  brokerUrl: string;
  username?: string;
  password?: string;
  prefix: string;
  count: number;
  /** MAC of the first pot; the others count up from it. */
  mac: string;
  mode: 'synthetic' | 'replay';
  tracePath: string;
  /** Virtual seconds per real second. */
  speed: number;
  /** Seconds between synthetic readings, until the hub's config sets it. */
  intervalS: number;
  /** Folder holding one storage folder per pot. */
  dataDir: string;
  /** True to run battery pots: one wake cycle per interval, deep sleep in between (synthetic mode only). */
  battery?: boolean;
  /** True to fit each pot with a pump that the hub can run, over a soil that the pump waters. */
  pump?: boolean;
  /**
   * Replay mode only: sends the whole trace at once, dated so that it ends just before now, then
   * keeps the pot publishing a reading every `liveIntervalS` real seconds. `speed` plays no part.
   */
  backfill?: boolean;
  /** Real seconds between live readings after a backfill; defaults to 60. */
  liveIntervalS?: number;
  /**
   * Synthetic mode without a pump: sets each pot's clock to this Unix time at start, running at
   * `speed`, so readings carry device times that pass days as fast as the pots run. Without it
   * an accelerated pot has no clock and the hub stamps every reading with its own time.
   */
  clockStartMs?: number;
  /** Prints a message for people (French / English). */
  print: (line: string) => void;
  logger: Logger;
}

export interface PotSummary extends ReplayProgress {
  id: PotId;
  dropped: number;
}

export interface VirtualPots {
  ids: PotId[];
  /** Resolves when every replay finished and its pot stopped; never resolves in synthetic mode. */
  finished: Promise<PotSummary[]>;
  /** Stops every pot: `offline` retained, clean disconnect. */
  stop(): Promise<void>;
}

/** Returns `count` unicast MACs counting up from `first` in their last three bytes. */
export function potMacs(first: string, count: number): PotId[] {
  const parsed = parsePotId(first);
  if (!parsed.ok || !parsed.id) throw new Error(parsed.error);
  const base = parseInt(parsed.id.slice(6), 16);
  const ids: PotId[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(parsed.id.slice(0, 6) + ((base + i) % 0x1000000).toString(16).padStart(6, '0'));
  }
  return ids;
}

function seedOf(id: PotId): number {
  return parseInt(id.slice(4), 16) >>> 0;
}

interface Running {
  id: PotId;
  hw: HostHardware;
  pot: Pot;
  replay: Replay | null;
}

function loadTrace(options: VirtualPotsOptions): Trace {
  const trace = parseTrace(readFileSync(options.tracePath, 'utf8'));
  for (const problem of trace.problems.slice(0, 10)) options.print(`Ligne ignorée / skipped: ${problem}`);
  if (trace.problems.length > 10) options.print(`… ${trace.problems.length - 10} autres / more`);
  if (trace.rows.length === 0) throw new Error(`trace ${options.tracePath} has no valid row: check its header and times`);
  const first = trace.rows[0]!.timeMs;
  const last = trace.rows[trace.rows.length - 1]!.timeMs;
  const gaps = findGaps(trace.rows, 10 * 60_000);
  options.print(`Trace ${options.tracePath}: ${trace.rows.length} lignes / rows, ` +
    `${formatTraceTime(first, trace.localTimes)} → ${formatTraceTime(last, trace.localTimes)}, ` +
    `${gaps.length} trous / gaps > 10 min` +
    (options.backfill === true ? ', envoyée d’un coup / sent at once' : `, ${(last - first) / options.speed / 1000 | 0} s à / at ×${options.speed}`));
  return trace;
}

function describeEvent(id: PotId, event: PotEvent, options: VirtualPotsOptions): string | null {
  const name = `Pot virtuel ${formatMac(id)}`;
  if (event.type === 'connected') return `${name} connecté / connected (${options.brokerUrl})`;
  if (event.type === 'disconnected') return `${name} déconnecté / disconnected: ${event.reason}`;
  if (event.type === 'config') return `${name}: réglages reçus / config received, interval ${event.config.interval_s} s`;
  if (event.type === 'pump' && event.on) return `${name}: arrosage / watering ${event.runS} s (${event.id})`;
  return null;
}

/** Prints the pot's claim code on the console, never through the logger: codes stay out of logs. */
function printClaimCode(id: PotId, options: VirtualPotsOptions): void {
  options.print(`Pot virtuel ${formatMac(id)}: ${claimLine(createFolderStorage(join(options.dataDir, id)), id, options.prefix)}`);
}

function startOne(id: PotId, trace: Trace | null, options: VirtualPotsOptions): Running {
  const log = options.logger.child({ potId: id });
  printClaimCode(id, options);
  const pumped = trace !== null && options.pump ? createPumpedReplaySource(trace) : null;
  let replaySource: ReplaySource | null = pumped;
  if (trace !== null && replaySource === null) replaySource = createReplaySource(trace.hasLux);
  const acceleratedClock = trace === null && !options.pump ? options.clockStartMs : undefined;
  const synthetic = options.pump ? createSyntheticPumpedSoil(Date.now()) : createSyntheticSource(seedOf(id), acceleratedClock ?? Date.now());
  const backfill = trace !== null && options.backfill === true;
  let wallMs: number | null = null;
  const hw = createHostHardware({
    mac: id,
    dataDir: join(options.dataDir, id),
    speed: backfill ? 1 : options.speed,
    startMs: acceleratedClock,
    clockSet: acceleratedClock !== undefined ? true : undefined,
    wallClock: backfill ? () => wallMs ?? Date.now() : undefined,
    // The pump guard judges command expiry by the pot's clock, so a pump pot keeps the real one.
    realWallClock: options.pump === true,
    source: replaySource !== null ? replaySource : synthetic,
    log: (message) => log.info(message),
  });
  const pot = startPot(hw, potOptions({
    brokerUrl: options.brokerUrl,
    username: options.username,
    password: options.password,
    prefix: options.prefix,
    intervalS: options.intervalS,
    calibration: trace === null ? SYNTHETIC_CALIBRATION : trace.calibration,
    manual: trace !== null,
    // A replay hands rows over far faster than a pot measures, so the buffer must hold the backlog.
    bufferMax: trace === null ? undefined : REPLAY_BUFFER_MAX,
    pump: options.pump ? virtualPump(trace !== null) : null,
    claimSha256: nodeSha256,
    onEvent: (event) => {
      if (event.type === 'pump' && !event.on && pumped !== null) pumped.water(event.runS);
      const line = describeEvent(id, event, options);
      if (line !== null) options.print(line);
    },
  }));
  let replay: Replay | null = null;
  if (replaySource !== null && trace !== null && backfill) {
    const sentUntilMs = loadState(hw).last_ts * 1000;
    const clock = { set: (ms: number | null) => { wallMs = ms; } };
    replay = backfillThenLive(pot, replaySource, trace, clock, backfillShift(trace, Date.now()), (options.liveIntervalS ?? 60) * 1000, sentUntilMs);
  } else if (replaySource !== null && trace !== null) {
    replay = replayTrace(pot, hw, replaySource, trace);
  }
  return { id, hw, pot, replay };
}

function stopOne(running: Running): Promise<void> {
  if (running.replay) running.replay.cancel();
  return new Promise((resolve) => running.pot.stop(() => { running.hw.release(); resolve(); }));
}

function printProgress(pots: Running[], trace: Trace | null, options: VirtualPotsOptions): void {
  for (const running of pots) {
    const stats = running.pot.stats();
    if (running.replay === null || trace === null) {
      options.print(`${formatMac(running.id)}: ${stats.published} lectures envoyées / readings sent, ${stats.pending} en attente / pending`);
      continue;
    }
    const p = running.replay.progress();
    const when = p.traceMs === null ? '' : `, ${formatTraceTime(p.traceMs, trace.localTimes)}`;
    options.print(`${formatMac(running.id)}: ${p.sent}/${p.total} lignes envoyées / rows sent${when}`);
  }
}

function describeCycle(id: PotId, event: CycleEvent): string | null {
  const name = `Pot virtuel ${formatMac(id)}`;
  if (event.type === 'config') return `${name}: réglages reçus / config received, interval ${event.config.interval_s} s`;
  if (event.type !== 'sleeping') return null;
  const awake = event.awakeMs === null ? '' : `, éveillé / awake ${event.awakeMs} ms`;
  return `${name}: sommeil / deep sleep ${Math.round(event.sleepMs / 1000)} s${awake}, ${event.pending} en attente / pending`;
}

/** Starts battery pots: each wakes, publishes one reading and deep-sleeps; they never finish by themselves. */
function startBatteryPots(options: VirtualPotsOptions): VirtualPots {
  const ids = potMacs(options.mac, options.count);
  const pots: BatteryPot[] = ids.map((id) => {
    const log = options.logger.child({ potId: id });
    printClaimCode(id, options);
    const source = options.pump ? createSyntheticPumpedSoil(Date.now()) : createSyntheticSource(seedOf(id), Date.now());
    return startBatteryPot(
      { mac: id, dataDir: join(options.dataDir, id), speed: options.speed, realWallClock: options.pump === true, source, log: (message) => log.info(message) },
      potOptions({
        brokerUrl: options.brokerUrl, username: options.username, password: options.password, prefix: options.prefix,
        intervalS: options.intervalS, calibration: SYNTHETIC_CALIBRATION, pump: options.pump ? virtualPump(false) : null,
        claimSha256: nodeSha256,
      }),
      (event) => {
        const line = describeCycle(id, event);
        if (line !== null) options.print(line);
      },
    );
  });
  let stopping: Promise<void> | null = null;
  return {
    ids,
    finished: new Promise<PotSummary[]>(() => {}),
    stop: () => {
      if (stopping === null) stopping = Promise.all(pots.map((pot) => pot.stop())).then(() => undefined);
      return stopping;
    },
  };
}

/** Backfilled pots run on after the trace: they never finish by themselves. */
function runBackfills(pots: Running[], options: VirtualPotsOptions, startedAt: number): VirtualPots {
  for (const running of pots) {
    void running.replay!.done.then((p) => {
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      options.print(`Historique envoyé / history sent ${formatMac(running.id)}: ${p.sent}/${p.total} lignes / rows en / in ${seconds} s; ` +
        `puis une lecture toutes les / then one reading every ${options.liveIntervalS ?? 60} s`);
    });
  }
  let stopping: Promise<void> | null = null;
  return {
    ids: pots.map((running) => running.id),
    finished: new Promise<PotSummary[]>(() => {}),
    stop: () => {
      if (stopping === null) stopping = Promise.all(pots.map(stopOne)).then(() => undefined);
      return stopping;
    },
  };
}

/** Starts the virtual pots; in replay mode they stop by themselves once the trace is sent. */
export function startVirtualPots(options: VirtualPotsOptions): VirtualPots {
  if (options.battery) {
    if (options.mode === 'replay') throw new Error('--battery runs synthetic pots only: drop --mode replay or --battery');
    return startBatteryPots(options);
  }
  const trace = options.mode === 'replay' ? loadTrace(options) : null;
  const pots = potMacs(options.mac, options.count).map((id) => startOne(id, trace, options));
  const startedAt = Date.now();
  if (trace !== null && options.backfill === true) return runBackfills(pots, options, startedAt);
  const ticker = setInterval(() => printProgress(pots, trace, options), trace === null ? 10_000 : 1000);
  let stopping: Promise<void> | null = null;

  const stop = (): Promise<void> => {
    if (stopping === null) {
      clearInterval(ticker);
      stopping = Promise.all(pots.map(stopOne)).then(() => undefined);
    }
    return stopping;
  };

  const finished = trace === null
    ? new Promise<PotSummary[]>(() => {})
    : Promise.all(pots.map((running) => running.replay!.done.then((p) => ({ ...p, id: running.id, dropped: running.pot.stats().dropped }))))
      .then(async (summaries) => {
        await stop();
        const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
        for (const s of summaries) {
          options.print(`Rejeu terminé / replay finished ${formatMac(s.id)}: ${s.sent}/${s.total} lignes envoyées / rows sent, ` +
            `${s.dropped} perdues / dropped, en / in ${seconds} s`);
        }
        return summaries;
      });

  return { ids: pots.map((running) => running.id), finished, stop };
}
