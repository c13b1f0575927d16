// Soak run (`npm run soak -- --minutes N [--pots 100] [--speed 60]`). Starts its own Mosquitto
// on a free loopback port, the hub as a child process on a temporary data folder, and virtual
// pots in synthetic mode at accelerated time, their clocks included. Prints the hub's memory, open
// file descriptors and bytes written over time: memory that keeps growing points at a leak.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DEFAULT_MAC, DEFAULT_TRACE, startVirtualPots } from '../device/host/virtual-pots.js';
import { health, openFds, rssMiB, startChildHub, stopHub } from '../test/faults/child-hub.js';
import { removeBrokerDir, startMosquitto } from '../test/support/mosquitto.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    pots: { type: 'string', default: '100' },
    speed: { type: 'string', default: '60' },
    every: { type: 'string', default: '60' },
    'heap-snapshots': { type: 'string' },
  },
});
const minutes = Number(values.minutes);
const potCount = Number(values.pots);
const speed = Number(values.speed);
const everyS = Number(values.every);
if (!(minutes > 0) || !(potCount > 0) || !(speed > 0) || !(everyS > 0)) {
  process.stderr.write('Usage: npm run soak -- --minutes N [--pots 100] [--speed 60] [--every 60] [--heap-snapshots DIR]\n');
  process.exit(1);
}

interface Sample {
  minute: number;
  rss: number;
  /** V8 heap in use, from the hub's /metrics. */
  heap: number;
  /**
   * Lowest heap in use seen since the previous sample (read every 5 s). The low points follow
   * garbage collections, so they track live memory better than one reading.
   */
  heapLow: number;
  /** History day files and rollup partitions in the hub's memory. */
  days: number;
  partitions: number;
  fds: number;
  /** Bytes the hub wrote through system calls since it started (/proc/<pid>/io wchar), in MiB. */
  written: number;
  stored: number;
  pending: number;
}

function line(sample: Sample): string {
  return `${sample.minute.toFixed(1).padStart(6)} min  rss ${sample.rss.toFixed(1).padStart(6)} MiB  heap ${sample.heap.toFixed(1).padStart(6)} MiB  low ${sample.heapLow.toFixed(1).padStart(6)} MiB  open ${sample.days}/${sample.partitions}  fds ${String(sample.fds).padStart(4)}  written ${sample.written.toFixed(0).padStart(7)} MiB  stored ${String(sample.stored).padStart(8)}  pending ${sample.pending}`;
}

async function main(): Promise<void> {
  const broker = await startMosquitto();
  const dataDir = mkdtempSync(join(tmpdir(), 'poco-soak-'));
  const snapshotDir = values['heap-snapshots'];
  // With --heap-snapshots, each sample also writes a V8 heap snapshot of the hub into DIR.
  const execArgv = snapshotDir === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDir}`];
  const hub = await startChildHub({ brokerUrl: broker.url, dataDir: join(dataDir, 'hub'), execArgv, env: { POCO_LOG_LEVEL: 'warn', POCO_MQTT_CLIENT_ID: 'poco-soak-hub' } });
  const pid = hub.child.pid!;
  const pots = startVirtualPots({
    brokerUrl: broker.url, prefix: 'poco', count: potCount, mac: DEFAULT_MAC, mode: 'synthetic', tracePath: DEFAULT_TRACE,
    speed, intervalS: 60, dataDir: join(dataDir, 'pots'), print: () => {}, logger: pino({ level: 'silent' }),
    // Device clocks run at the pots' speed and reach the present as the run ends, so readings
    // fall into successive days as they would over the same span of real time.
    clockStartMs: Date.now() - minutes * 60000 * speed,
  });
  console.log(`soak: ${potCount} pots, speed x${speed}, ${minutes} min, hub pid ${pid}, broker ${broker.url}`);

  const started = Date.now();
  const samples: Sample[] = [];
  let heapLow = Infinity;
  const sample = async () => {
    const { body } = await health(hub);
    const metrics = await hubMetrics(hub.url);
    heapLow = Math.min(heapLow, metrics.heap);
    const next = { minute: (Date.now() - started) / 60000, rss: rssMiB(pid), ...metrics, heapLow, fds: openFds(pid), written: writtenMiB(pid), stored: body.counters.stored, pending: body.disk.pending };
    heapLow = Infinity;
    if (snapshotDir !== undefined) process.kill(pid, 'SIGUSR2');
    samples.push(next);
    console.log(line(next));
  };
  await sample();
  let nextSampleAt = started + everyS * 1000;
  const endAt = started + minutes * 60000;
  while (Date.now() < endAt) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5000, nextSampleAt - Date.now(), endAt - Date.now()))));
    if (Date.now() >= nextSampleAt || Date.now() >= endAt) {
      await sample();
      nextSampleAt += everyS * 1000;
    } else {
      heapLow = Math.min(heapLow, (await hubMetrics(hub.url)).heap);
    }
  }

  await pots.stop();
  const stop = await stopHub(hub);
  await broker.stop();
  summarize(samples, stop, hub.logs.filter((l) => l.level >= 50).length);
  rmSync(dataDir, { recursive: true, force: true });
  removeBrokerDir(broker);
}

function writtenMiB(pid: number): number {
  const match = /^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return match ? Number(match[1]) / 1048576 : NaN;
}

/** Reads the V8 heap in use (MiB) and the open file counts from the hub's /metrics. */
async function hubMetrics(hubUrl: string): Promise<{ heap: number; days: number; partitions: number }> {
  const text = await (await fetch(hubUrl + '/metrics')).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { heap: value('nodejs_heap_size_used_bytes') / 1048576, days: value('poco_open_day_files'), partitions: value('poco_open_rollup_partitions') };
}

function summarize(samples: Sample[], stop: { code: number | null; ms: number }, errors: number): void {
  // The first minutes are warm-up (JIT, caches filling); compare the second half with the first.
  const half = samples.slice(Math.floor(samples.length / 2));
  const firstHalf = samples.slice(1, Math.max(2, Math.floor(samples.length / 2)));
  const max = (list: Sample[], field: 'rss' | 'heap' | 'heapLow' | 'fds') => Math.max(...list.map((s) => s[field]));
  const last = samples.at(-1)!;
  console.log(`\nstored ${last.stored} readings in ${last.minute.toFixed(1)} min`);
  console.log(`rss: at start ${samples[0]!.rss.toFixed(1)} MiB, max from the next sample to mid-run ${max(firstHalf, 'rss').toFixed(1)} MiB, max in the second half ${max(half, 'rss').toFixed(1)} MiB, at the end ${last.rss.toFixed(1)} MiB`);
  console.log(`heap: at start ${samples[0]!.heap.toFixed(1)} MiB, max from the next sample to mid-run ${max(firstHalf, 'heap').toFixed(1)} MiB, max in the second half ${max(half, 'heap').toFixed(1)} MiB, at the end ${last.heap.toFixed(1)} MiB`);
  console.log(`heap low points: max from the next sample to mid-run ${max(firstHalf, 'heapLow').toFixed(1)} MiB, max in the second half ${max(half, 'heapLow').toFixed(1)} MiB, at the end ${last.heapLow.toFixed(1)} MiB`);
  // Per quarter of the run: memory that levels off has about the same maxima in the last quarters.
  for (let quarter = 0; quarter < 4; quarter++) {
    const part = samples.filter((s) => s.minute > (last.minute * quarter) / 4 && s.minute <= (last.minute * (quarter + 1)) / 4);
    if (part.length === 0) continue;
    console.log(`quarter ${quarter + 1}: rss max ${max(part, 'rss').toFixed(1)} MiB, heap low points max ${max(part, 'heapLow').toFixed(1)} MiB`);
  }
  console.log(`written: ${last.written.toFixed(0)} MiB, ${((last.written * 1048576) / Math.max(1, last.stored)).toFixed(0)} bytes per stored reading`);
  console.log(`fds: first ${samples[0]!.fds}, max ${max(samples, 'fds')}, last ${last.fds}`);
  console.log(`hub stopped with code ${stop.code} in ${stop.ms} ms; error log lines: ${errors}`);
}

await main();
