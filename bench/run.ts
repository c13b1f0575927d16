// `npm run bench`: runs each benchmark in its own Node process, one after another, so one's
// memory and timers do not weigh on the next. Results are recorded in docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

const BENCHES = ['bench/ingest.ts', 'bench/history-scale.ts', 'bench/latency.ts', 'bench/pots.ts'];

process.stdout.write(
  `POCO benchmarks, ${new Date().toISOString()}\n` +
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}\n`,
);
const start = Date.now();
let failed = 0;
for (const file of BENCHES) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`${file} failed with status ${result.status}\n`);
  }
}
process.stdout.write(`\ntotal: ${Math.round((Date.now() - start) / 1000)} s\n`);
process.exitCode = failed > 0 ? 1 : 0;
