// The shipped mosquitto/mosquitto.conf with the accounts `npm run pot-credentials` writes: the
// hub's account reads every pot, a pot's account publishes only under its own id, anonymous
// clients are refused. Only the port, the file paths and the user differ from the shipped file.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from '../support/hub.js';
import { freePort } from '../support/mosquitto.js';

const POT = 'a4cf12b3c4d5';
const OTHER = 'a4cf12b3c4d6';
const HUB_PASSWORD = 'hub-password-for-the-shipped-conf';

interface Context {
  dir: string;
  port: number;
  broker?: ChildProcess;
  clients: MqttClient[];
}

const context: Context = { dir: '', port: 0, clients: [] };

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    POCO_BROKER_PASSWORD_FILE: join(context.dir, 'passwd'),
    POCO_BROKER_ACL_FILE: join(context.dir, 'acl'),
    POCO_BROKER_PID_FILE: join(context.dir, 'mosquitto.pid'),
    POCO_MQTT_USERNAME: 'hub',
    POCO_MQTT_PASSWORD: HUB_PASSWORD,
  };
}

/** Runs the real command, as a person would. */
function potCredentials(...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'scripts/pot-credentials.ts', ...args], { env: env(), encoding: 'utf8' });
}

function testConfig(): string {
  const shipped = readFileSync(new URL('../../mosquitto/mosquitto.conf', import.meta.url), 'utf8');
  return shipped
    .replace(/^listener 1883$/m, `listener ${context.port} 127.0.0.1`)
    .replace(/^password_file .*$/m, `password_file ${join(context.dir, 'passwd')}`)
    .replace(/^acl_file .*$/m, `acl_file ${join(context.dir, 'acl')}`)
    .replace(/^pid_file .*$/m, `pid_file ${join(context.dir, 'mosquitto.pid')}`)
    .replace(/^persistence_location .*$/m, `persistence_location ${join(context.dir, 'data')}/`)
    // Started as root, Mosquitto would switch to the `mosquitto` user, which cannot read this folder.
    + `\nuser ${userInfo().username}\n`;
}

function connect(options: { username?: string; password?: string }): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${context.port}`, { ...options, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 2000 })
    .then((client) => { context.clients.push(client); return client; });
}

const shipped = suite('shipped Mosquitto config with per-pot accounts');

shipped.before(async () => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-shipped-acl-'));
  mkdirSync(join(context.dir, 'data'));
  context.port = await freePort();
  potCredentials('--hub');
  writeFileSync(join(context.dir, 'mosquitto.conf'), testConfig());
  context.broker = spawn('mosquitto', ['-c', join(context.dir, 'mosquitto.conf')], { stdio: 'ignore' });
  await waitFor('the shipped config listening', () => connect({ username: 'hub', password: HUB_PASSWORD }).catch((): false => false));
});

shipped.after(async () => {
  for (const client of context.clients) client.end(true);
  const broker = context.broker;
  if (broker && broker.exitCode === null) await new Promise((resolve) => { broker.once('exit', resolve); broker.kill('SIGTERM'); });
  rmSync(context.dir, { recursive: true, force: true });
});

shipped('refuses anonymous clients', async () => {
  const error = await connect({}).then(() => null, (err: Error) => err);
  assert.match(String(error?.message), /Not authorized|Bad username|unauthori/i);
});

shipped("a pot's account publishes its own readings and nothing for another pot", async () => {
  const output = potCredentials('--mac', POT);
  const password = /POCO_MQTT_PASSWORD=(\S+)/.exec(output)?.[1];
  assert.ok(password, output);
  const hub = await connect({ username: 'hub', password: HUB_PASSWORD });
  const seen: string[] = [];
  hub.on('message', (topic) => seen.push(topic));
  await hub.subscribeAsync('poco/#', { qos: 1 });

  const pot = await waitFor('the reloaded pot account', () => connect({ username: `pot-${POT}`, password }).catch((): false => false));
  await pot.publishAsync(`poco/${POT}/telemetry`, '{}', { qos: 1 });
  const refused = await pot.publishAsync(`poco/${OTHER}/telemetry`, '{}', { qos: 1 }).then(() => null, (err: Error) => err);
  assert.match(String(refused?.message), /Not authorized/);
  await waitFor('the own reading at the hub', () => seen.includes(`poco/${POT}/telemetry`));
  assert.not.ok(seen.includes(`poco/${OTHER}/telemetry`));
});

shipped.run();
