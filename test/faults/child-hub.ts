// The real hub as a child process (hub/server.ts) for the fault suite and the soak: POCO_*
// settings from the environment, HTTP on a free loopback port, JSON log lines collected from
// its stdout. Also the numbered publisher and the day-file reader the fault cases share.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { StoredReading } from '../../domain/reading.js';
import { repairTail, type DayFile } from '../../hub/store/day-file.js';

export interface ChildLogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ChildHub {
  url: string;
  child: ChildProcess;
  logs: ChildLogLine[];
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** What the hub wrote to stderr so far, for failure messages. */
  stderr(): string;
}

export interface ChildHubOptions {
  brokerUrl: string;
  dataDir: string;
  env?: Record<string, string>;
  /** Extra Node options, such as --cpu-prof to profile the hub. */
  execArgv?: string[];
}

/** Fault cases run at this size: `full` in `npm run test:faults`, `small` inside `npm test`. */
export const FULL_SIZE = process.env['POCO_FAULT_SIZE'] === 'full';

/** Picks the count for the current size. */
export function sized(small: number, full: number): number {
  return FULL_SIZE ? full : small;
}

export function startChildHub(options: ChildHubOptions): Promise<ChildHub> {
  const env = {
    ...process.env,
    POCO_DATA_DIR: options.dataDir,
    POCO_MQTT_URL: options.brokerUrl,
    POCO_PORT: '0',
    POCO_EMBEDDED_BROKER: 'off',
    POCO_LOG_LEVEL: 'info',
    ...options.env,
  };
  const child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', 'tsx', 'hub/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: ChildLogLine[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  return new Promise((resolve, reject) => {
    let rest = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{')) logs.push(JSON.parse(line) as ChildLogLine);
        const match = /Dashboard: (http:\/\/\S+)/.exec(line);
        if (match) resolve({ url: match[1]!, child, logs, exited, stderr: () => stderr });
      }
    });
    void exited.then((code) => reject(new Error(`child hub exited with ${code} before listening: ${stderr.trim()}`)));
  });
}

/** Sends SIGKILL and waits for the process to end. */
export async function killHub(hub: ChildHub): Promise<void> {
  if (hub.child.exitCode === null && hub.child.signalCode === null) hub.child.kill('SIGKILL');
  await hub.exited;
}

/** Sends SIGTERM; resolves with the exit code and the time the hub took to stop. */
export async function stopHub(hub: ChildHub): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  hub.child.kill('SIGTERM');
  const code = await hub.exited;
  return { code, ms: Date.now() - started };
}

export interface Health {
  status: string;
  problems: string[];
  broker: { connected: boolean };
  disk: { failing: boolean; lost: number; pending: number };
  counters: { received: number; stored: number; duplicates: number; rejected: Record<string, number> };
}

export async function health(hub: ChildHub): Promise<{ code: number; body: Health }> {
  const response = await fetch(hub.url + '/api/health');
  return { code: response.status, body: (await response.json()) as Health };
}

/**
 * Reads every stored reading of a pot from its day files, whatever their days. The hub appends
 * to day files in place, so a file read during a flush may end inside a reading: only its
 * complete readings are returned then.
 */
export function storedReadings(dataDir: string, potId: string): StoredReading[] {
  const folder = join(dataDir, 'history', potId);
  if (!existsSync(folder)) return [];
  const names = readdirSync(folder).filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name));
  return names.flatMap((name) => {
    const text = readFileSync(join(folder, name), 'utf8');
    try {
      return (JSON.parse(text) as DayFile).readings;
    } catch (err) {
      const repaired = repairTail(text);
      if (repaired === null) throw err;
      return repaired.data.readings;
    }
  });
}

/** Counts how often each sequence number 1..total is stored: the numbers missing and stored twice. */
export function tally(readings: readonly StoredReading[], total: number): { missing: number[]; twice: number[] } {
  const seen = new Map<number, number>();
  for (const reading of readings) seen.set(reading.seq, (seen.get(reading.seq) ?? 0) + 1);
  const missing: number[] = [];
  for (let seq = 1; seq <= total; seq++) if (!seen.has(seq)) missing.push(seq);
  const twice = [...seen].filter(([, count]) => count > 1).map(([seq]) => seq);
  return { missing, twice };
}

/** Builds a pot's reading numbered `seq`, with `ts` fixed per number so a resend is the same measurement. */
export function numberedPayload(seq: number, baseS: number, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, seq, moisture_raw: 1000 + (seq % 3000), light_raw: 500, fw: '0.1.0', ts: baseS + seq, ...fields });
}

/** Connects a publisher that reconnects on its own, so it keeps going through a broker restart. */
export function connectPublisher(brokerUrl: string, clientId: string): Promise<MqttClient> {
  return mqtt.connectAsync(brokerUrl, { clientId, protocolVersion: 5, clean: true, reconnectPeriod: 200, connectTimeout: 3000 });
}

/**
 * Publishes `payload` at QoS 1 until the broker acknowledges it. A try that fails or times out
 * is repeated with the same payload, as a pot resends from its buffer.
 */
export async function publishUntilAcked(client: MqttClient, topic: string, payload: string): Promise<void> {
  for (;;) {
    const attempt = client.publishAsync(topic, payload, { qos: 1 });
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, 3000, 'timeout').unref());
    try {
      if ((await Promise.race([attempt, timeout])) !== 'timeout') return;
    } catch {
      // Not connected or the connection dropped; the client reconnects by itself.
    }
    attempt.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls `check` every `pauseMs` until it returns true, or fails after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, pauseMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Open file descriptors of a process, from /proc (Linux). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}
