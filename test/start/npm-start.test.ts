// `npm start -- --demo` as a newcomer runs it, with no broker listening: the hub starts its
// embedded broker, serves the dashboard, and the demo pot's readings reach the API.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/mosquitto.js';

interface Context {
  child: ChildProcess;
  output: string;
  base: string;
  dataDir: string;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, context: Context): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; output:\n${context.output}`);
}

const start = suite<Context>('npm start');

start.before(async (context) => {
  const httpPort = await freePort();
  const mqttPort = await freePort();
  context.dataDir = mkdtempSync(join(tmpdir(), 'poco-start-'));
  context.base = `http://127.0.0.1:${httpPort}`;
  context.output = '';
  context.child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--demo', '--speed', '20000'], {
    env: {
      ...process.env,
      POCO_PORT: String(httpPort),
      POCO_MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
      POCO_DATA_DIR: context.dataDir,
      POCO_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  context.child.stdout?.on('data', (chunk: Buffer) => { context.output += chunk.toString(); });
  context.child.stderr?.on('data', (chunk: Buffer) => { context.output += chunk.toString(); });
});

start.after((context) => {
  if (context.child.exitCode === null) context.child.kill('SIGKILL');
  rmSync(context.dataDir, { recursive: true, force: true });
});

start('starts the embedded broker and serves the dashboard', async (context) => {
  const health = await waitFor('health', async () => {
    const response = await fetch(`${context.base}/api/health`);
    return response.ok ? response.json() : undefined;
  }, 60000, context);
  assert.is(health.broker.embedded, true);
  assert.is(health.broker.connected, true);

  const page = await fetch(`${context.base}/`);
  assert.is(page.status, 200);
  assert.match(await page.text(), /<html/i);
});

start('stores the demo pot readings', async (context) => {
  // The hub prints a one-time setup link at first start; the owner sees the unclaimed demo pot.
  const token = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(context.output)?.[1];
  assert.ok(token, context.output);
  const setup = await fetch(`${context.base}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name: 'owner', password: 'a long enough password' }),
  });
  assert.is(setup.status, 200);
  const cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
  const pot = await waitFor('demo pot with readings', async () => {
    const response = await fetch(`${context.base}/api/pots/02:50:4F:43:4F:01`, { headers: { cookie } });
    if (!response.ok) return undefined;
    const body = await response.json();
    return body.counters.stored >= 20 ? body : undefined;
  }, 30000, context);
  assert.ok(pot.latest.moisture_raw > 0);
  assert.is(pot.status, 'online');
});

start('stops cleanly on SIGTERM', async (context) => {
  const code = await new Promise<number | null>((resolve) => {
    context.child.once('exit', (exitCode) => resolve(exitCode));
    context.child.kill('SIGTERM');
  });
  assert.is(code, 0, context.output);
});

start.run();
