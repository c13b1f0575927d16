// Hub memory with 100 live pots and its idle CPU. The hub runs as its own process (npm run hub)
// so its RSS and CPU time are read from /proc/<pid>; the pots are 100 mqtt.js clients here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { connect, fixed, removeBrokerDir, report, startMosquitto } from './common.js';

const POTS = 100;
const INTERVAL_MS = 2000;
const LIVE_MS = 30000;
const IDLE_MS = 15000;
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** User plus system CPU time of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

const broker = await startMosquitto();
const dataDir = mkdtempSync(join(tmpdir(), 'poco-bench-pots-'));
const env = { ...process.env, POCO_DATA_DIR: dataDir, POCO_MQTT_URL: broker.url, POCO_PORT: '0', POCO_EMBEDDED_BROKER: 'off', POCO_LOG_LEVEL: 'warn', POCO_MQTT_CLIENT_ID: 'bench-pots-hub' };
const hub = spawn(process.execPath, ['--import', 'tsx', 'hub/server.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const pots: MqttClient[] = [];
const timers: NodeJS.Timeout[] = [];
try {
  await new Promise<void>((resolve, reject) => {
    hub.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Dashboard') && resolve());
    hub.once('exit', (code) => reject(new Error(`hub exited with ${code}`)));
  });
  const startRss = rssMb(hub.pid!);

  for (let i = 0; i < POTS; i++) {
    const id = 'f0b1c2d3e4' + i.toString(16).padStart(2, '0');
    const client = await connect(broker.url, 'bench-pot-' + id);
    pots.push(client);
    let seq = 0;
    const send = () => void client.publishAsync(`poco/${id}/telemetry`, JSON.stringify({ v: 1, seq: seq++, moisture_raw: 2000 + (seq % 50), light_raw: 700, fw: '0.1.0' }), { qos: 1 });
    // Spread over the interval, as real pots started at different times would be.
    timers.push(setTimeout(() => timers.push(setInterval(send, INTERVAL_MS)), (i * INTERVAL_MS) / POTS));
  }
  const liveCpu = cpuSeconds(hub.pid!);
  await new Promise((resolve) => setTimeout(resolve, LIVE_MS));
  const liveRss = rssMb(hub.pid!);
  const liveCpuShare = (cpuSeconds(hub.pid!) - liveCpu) / (LIVE_MS / 1000);

  for (const timer of timers) clearInterval(timer);
  for (const client of pots) await client.endAsync();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleStart = cpuSeconds(hub.pid!);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idleShare = (cpuSeconds(hub.pid!) - idleStart) / (IDLE_MS / 1000);

  report(`hub with ${POTS} live pots (one reading every ${INTERVAL_MS / 1000} s each, ${LIVE_MS / 1000} s)`, {
    'RSS after start': fixed(startRss, 0) + ' MB',
    'RSS with the pots live': fixed(liveRss, 0) + ' MB',
    'CPU while live': fixed(100 * liveCpuShare, 1) + ' % of one core',
    [`CPU idle (pots stopped, ${IDLE_MS / 1000} s)`]: fixed(100 * idleShare, 2) + ' % of one core',
  });
} finally {
  for (const timer of timers) clearInterval(timer);
  hub.kill('SIGTERM');
  await new Promise((resolve) => hub.once('exit', resolve));
  await broker.stop();
  removeBrokerDir(broker);
  rmSync(dataDir, { recursive: true, force: true });
}
