// Starts a real Mosquitto for one test suite: a free loopback port, its own config and data
// folder, so the suite can restart it or change its settings without touching any other broker.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Broker {
  port: number;
  url: string;
  dir: string;
  /** Stops the broker (SIGTERM, so it saves persistence), then starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface BrokerOptions {
  /** Extra lines for mosquitto.conf (after the listener, persistence and anonymous lines). */
  extraConfig?: string;
  allowAnonymous?: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not open port ${port} within ${timeoutMs} ms`);
}

export async function startMosquitto(options: BrokerOptions = {}): Promise<Broker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'poco-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, [
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${options.allowAnonymous === false ? 'false' : 'true'}`,
    'persistence true',
    `persistence_location ${dir}/`,
    'max_queued_messages 100000',
    // Started as root, Mosquitto switches to the `mosquitto` user, which cannot read this
    // private temporary folder; keep the test's own user instead.
    `user ${userInfo().username}`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    options.extraConfig ?? '',
  ].join('\n') + '\n');

  let child: ChildProcess | null = null;
  let stderr = '';

  const broker: Broker = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    async start() {
      stderr = '';
      child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const exited = new Promise<never>((_, reject) => {
        child?.once('exit', (code) => reject(new Error(`mosquitto exited with code ${code}: ${stderr.trim()}`)));
      });
      await Promise.race([waitForPort(port, 5000), exited]);
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
    async restart() {
      await broker.stop();
      await broker.start();
    },
  };
  await broker.start();
  return broker;
}

/** Removes the broker's folder; call after stop() at the end of a suite. */
export function removeBrokerDir(broker: Broker): void {
  rmSync(broker.dir, { recursive: true, force: true });
}
