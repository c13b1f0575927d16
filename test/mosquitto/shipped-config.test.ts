// The shipped mosquitto/mosquitto.conf, started for real on a free loopback port: anonymous
// clients are refused, an account from the password file gets in, and the queue survives a
// broker restart for a client that is away.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort } from '../support/mosquitto.js';

const shipped = readFileSync(new URL('../../mosquitto/mosquitto.conf', import.meta.url), 'utf8');

interface Context {
  dir: string;
  port: number;
  conf: string;
  broker: ChildProcess | null;
}

const context: Context = { dir: '', port: 0, conf: '', broker: null };

// Rewrites only what must differ in a test: the port, bound to loopback, and the file paths.
function testConfig(dir: string, port: number): string {
  return shipped
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^password_file .*$/m, `password_file ${join(dir, 'passwd')}`)
    .replace(/^acl_file .*$/m, `acl_file ${join(dir, 'acl')}`)
    .replace(/^pid_file .*$/m, `pid_file ${join(dir, 'mosquitto.pid')}`)
    .replace(/^persistence_location .*$/m, `persistence_location ${join(dir, 'data')}/`)
    // Started as root, Mosquitto switches to the `mosquitto` user, which cannot read this
    // private temporary folder; keep the test's own user instead.
    + `\nuser ${userInfo().username}\n`;
}

async function startBroker(): Promise<void> {
  const child = spawn('mosquitto', ['-c', context.conf], { stdio: 'ignore' });
  context.broker = child;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const client = await connect({ username: 'hub', password: 'hub-secret' }).catch(() => null);
    if (client) {
      await client.endAsync();
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('shipped mosquitto.conf did not start');
}

async function stopBroker(): Promise<void> {
  const child = context.broker;
  context.broker = null;
  if (!child || child.exitCode !== null) return;
  await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
}

function connect(options: { username?: string; password?: string; clientId?: string; clean?: boolean }): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${context.port}`, {
      ...options,
      reconnectPeriod: 0,
      connectTimeout: 2000,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => { client.end(true); reject(err); });
  });
}

const config = suite('shipped mosquitto config');

config.before(async () => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-shipped-conf-'));
  mkdirSync(join(context.dir, 'data'));
  context.port = await freePort();
  writeFileSync(join(context.dir, 'passwd'), '');
  execFileSync('mosquitto_passwd', ['-b', join(context.dir, 'passwd'), 'hub', 'hub-secret']);
  execFileSync('mosquitto_passwd', ['-b', join(context.dir, 'passwd'), 'pot', 'pot-secret']);
  // The hub writes the real ACL (hub/broker-auth); these two lines give the test accounts their topics.
  writeFileSync(join(context.dir, 'acl'), 'user hub\ntopic read poco/#\n\nuser pot\ntopic write poco/a4cf12b3c4d5/telemetry\n');
  context.conf = join(context.dir, 'mosquitto.conf');
  writeFileSync(context.conf, testConfig(context.dir, context.port));
  await startBroker();
});

config.after(async () => {
  await stopBroker();
  rmSync(context.dir, { recursive: true, force: true });
});

config('refuses anonymous clients', async () => {
  const error = await connect({}).then((c) => { c.end(true); return null; }, (err: Error) => err);
  assert.ok(error, 'an anonymous client connected');
  assert.match(String(error?.message), /Not authorized|Bad username|unauthori/i);
});

config('refuses a wrong password', async () => {
  const error = await connect({ username: 'pot', password: 'wrong' }).then((c) => { c.end(true); return null; }, (err: Error) => err);
  assert.ok(error, 'a wrong password connected');
});

config('keeps queued readings for an away hub across a restart', async () => {
  const hub = await connect({ username: 'hub', password: 'hub-secret', clientId: 'test-hub', clean: false });
  await hub.subscribeAsync('poco/+/telemetry', { qos: 1 });
  await hub.endAsync();

  const pot = await connect({ username: 'pot', password: 'pot-secret', clientId: 'poco-a4cf12b3c4d5' });
  for (let seq = 0; seq < 1500; seq++) {
    await pot.publishAsync('poco/a4cf12b3c4d5/telemetry', JSON.stringify({ v: 1, seq, moisture_raw: 2000, fw: 't' }), { qos: 1 });
  }
  await pot.endAsync();

  await stopBroker();
  await startBroker();

  const back = await new Promise<MqttClient>((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${context.port}`, {
      username: 'hub', password: 'hub-secret', clientId: 'test-hub', clean: false, reconnectPeriod: 0,
    });
    const seen = new Set<number>();
    client.on('message', (_topic, payload) => {
      seen.add(JSON.parse(payload.toString()).seq);
      if (seen.size === 1500) resolve(client);
    });
    client.once('error', reject);
    setTimeout(() => reject(new Error(`only ${seen.size} of 1500 queued readings arrived`)), 10000);
  });
  await back.endAsync();
});

config.run();
