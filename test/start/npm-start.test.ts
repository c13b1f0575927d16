// `npm start -- --demo` as a newcomer runs it, with no broker listening: the hub starts its
// embedded broker, serves the dashboard, the demo pot's trace fills two weeks of history at
// once, and the same pot then keeps publishing live readings.
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
  cookie: string;
}

const POT = '02:50:4F:43:4F:01';
const DAY_MS = 24 * 3600_000;

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
  context.child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--demo', '--live-interval', '2'], {
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
  context.cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
  const pot = await waitFor('demo pot with readings', async () => {
    const response = await fetch(`${context.base}/api/pots/${POT}`, { headers: { cookie: context.cookie } });
    if (!response.ok) return undefined;
    const body = await response.json();
    return body.counters.stored >= 20 ? body : undefined;
  }, 30000, context);
  assert.ok(pot.latest.moisture_raw > 0);
  assert.is(pot.status, 'online');
});

start('dates the trace as the last two weeks', async (context) => {
  await waitFor('history sent', async () => (/history sent/.test(context.output) ? true : undefined), 30000, context);
  const now = Date.now();
  const response = await fetch(`${context.base}/api/pots/${POT}/series?from=${now - 14 * DAY_MS}&to=${now}`, { headers: { cookie: context.cookie } });
  assert.is(response.status, 200);
  const series = await response.json();
  const times = (series.t as number[]).filter((_, i) => series.moisture_raw.mean[i] !== null);
  const span = Math.max(...times) - Math.min(...times);
  assert.ok(span > 10 * DAY_MS, `history spans ${(span / DAY_MS).toFixed(1)} days`);
  assert.ok(Math.max(...times) <= now, 'no reading in the future');
});

start('keeps publishing live readings', async (context) => {
  const lastSeen = async (): Promise<number> => {
    const response = await fetch(`${context.base}/api/pots/${POT}`, { headers: { cookie: context.cookie } });
    return (await response.json()).lastSeen as number;
  };
  const before = await lastSeen();
  const after = await waitFor('a live reading', async () => {
    const seen = await lastSeen();
    return seen > before ? seen : undefined;
  }, 20000, context);
  assert.ok(after > Date.now() - 60_000, 'the live reading is dated now');
});

start('stops cleanly on SIGTERM', async (context) => {
  const code = await new Promise<number | null>((resolve) => {
    context.child.once('exit', (exitCode) => resolve(exitCode));
    context.child.kill('SIGTERM');
  });
  assert.is(code, 0, context.output);
});

start.run();
