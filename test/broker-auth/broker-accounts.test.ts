// Per-pot broker accounts against a real Mosquitto started with the password and ACL files the
// hub writes. A pot publishes and reads only under its own id. Anonymous clients are rejected,
// and a revoked pot is cut off at the next reload.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { BrokerAccounts, type PotCredentials } from '../../hub/broker-auth/broker-accounts.js';
import { verifyMosquittoHash } from '../../hub/broker-auth/mosquitto-hash.js';
import { readPasswordFile } from '../../hub/broker-auth/password-file.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { waitFor } from '../support/hub.js';

const POT_A = 'a4cf12b3c4d5';
const POT_B = 'a4cf12b3c4d6';
const HUB_PASSWORD = 'hub-broker-secret-4711';

interface Context {
  dir: string;
  broker: Broker | null;
  accounts: BrokerAccounts | null;
  logs: string[];
  potA: PotCredentials | null;
  potB: PotCredentials | null;
  clients: MqttClient[];
}

const context: Context = { dir: '', broker: null, accounts: null, logs: [], potA: null, potB: null, clients: [] };

function logger() {
  return pino({ level: 'debug' }, { write: (line: string) => void context.logs.push(line) });
}

function connect(options: { username?: string; password?: string; clientId?: string }): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(context.broker!.url, { ...options, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 2000 });
    client.once('connect', () => { context.clients.push(client); resolve(client); });
    client.once('error', (err) => { client.end(true); reject(err); });
  });
}

function hub(): Promise<MqttClient> {
  return connect({ username: 'hub', password: HUB_PASSWORD, clientId: 'test-hub-' + Math.random().toString(16).slice(2, 8) });
}

function pot(credentials: PotCredentials | null, id: string): Promise<MqttClient> {
  return connect({ username: credentials!.username, password: credentials!.password, clientId: 'poco-' + id });
}

/** Collects messages a client receives on `filter`. */
async function collect(client: MqttClient, filter: string): Promise<string[]> {
  const seen: string[] = [];
  client.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
  await client.subscribeAsync(filter, { qos: 1 });
  return seen;
}

function connectError(attempt: Promise<MqttClient>): Promise<Error | null> {
  return attempt.then((client) => { client.end(true); return null; }, (err: Error) => err);
}

const broker = suite('per-pot broker accounts');

broker.before(async () => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-broker-auth-'));
  const files = { passwordFile: join(context.dir, 'passwd'), aclFile: join(context.dir, 'acl'), prefix: 'poco', hubUsername: 'hub' };
  // Mosquitto reads both files at start, so they exist before it runs; no reload is possible yet.
  const offline = new BrokerAccounts({ ...files, broker: null, log: logger() });
  await offline.setHubPassword(HUB_PASSWORD);
  context.potA = await offline.issuePot(POT_A);
  context.potB = await offline.issuePot(POT_B);

  context.broker = await startMosquitto({
    allowAnonymous: false,
    extraConfig: `password_file ${files.passwordFile}\nacl_file ${files.aclFile}\npid_file ${join(context.dir, 'mosquitto.pid')}\n`,
  });
  context.accounts = new BrokerAccounts({ ...files, broker: { pidFile: join(context.dir, 'mosquitto.pid') }, log: logger() });
});

broker.after(async () => {
  for (const client of context.clients) client.end(true);
  await context.broker?.stop();
  if (context.broker) removeBrokerDir(context.broker);
  rmSync(context.dir, { recursive: true, force: true });
});

broker('writes hashes mosquitto_passwd can verify', async () => {
  const entries = await readPasswordFile(join(context.dir, 'passwd'));
  assert.ok(verifyMosquittoHash(context.potA!.password, entries.get(`pot-${POT_A}`)!));
  assert.not.ok(verifyMosquittoHash('wrong', entries.get(`pot-${POT_A}`)!));
  // The reverse direction: a hash written by Mosquitto's own tool reads with ours.
  const tool = join(context.dir, 'tool-passwd');
  writeFileSync(tool, '');
  execFileSync('mosquitto_passwd', ['-b', tool, 'someone', 'tool-made-secret']);
  const made = (await readPasswordFile(tool)).get('someone')!;
  assert.ok(verifyMosquittoHash('tool-made-secret', made));
});

broker('lets a pot publish its own telemetry', async () => {
  const listener = await hub();
  const seen = await collect(listener, 'poco/#');
  const client = await pot(context.potA, POT_A);
  const ack = (await client.publishAsync(`poco/${POT_A}/telemetry`, 'own', { qos: 1 })) as { reasonCode?: number } | undefined;
  const reason = ack?.reasonCode ?? 0;
  assert.ok(reason < 0x80, `PUBACK reason ${reason}`);
  await waitFor('own telemetry at the hub', () => seen.includes(`poco/${POT_A}/telemetry own`));
});

broker('rejects a pot publishing for another pot', async () => {
  const listener = await hub();
  const seen = await collect(listener, 'poco/#');
  const client = await pot(context.potA, POT_A);
  const error = await client.publishAsync(`poco/${POT_B}/telemetry`, 'forged', { qos: 1 }).then(() => null, (err: Error & { code?: number }) => err);
  assert.ok(error, 'the broker acknowledged a forged reading');
  assert.is(error?.code, 135, 'PUBACK reason code should be 135, not authorized');
  // A message published after the forged one arriving proves the forged one was dropped.
  await client.publishAsync(`poco/${POT_A}/telemetry`, 'marker', { qos: 1 });
  await waitFor('marker at the hub', () => seen.includes(`poco/${POT_A}/telemetry marker`));
  assert.not.ok(seen.some((line) => line.includes('forged')), `forged reading reached the hub: ${seen.join('; ')}`);
});

broker('rejects a pot writing config', async () => {
  const client = await pot(context.potA, POT_A);
  const error = await client.publishAsync(`poco/${POT_A}/config`, '{}', { qos: 1 }).then(() => null, (err: Error & { code?: number }) => err);
  assert.is(error?.code, 135);
});

broker('lets a pot read only its own config', async () => {
  const writer = await hub();
  await writer.publishAsync(`poco/${POT_A}/config`, 'config-a', { qos: 1, retain: true });
  await writer.publishAsync(`poco/${POT_B}/config`, 'config-b', { qos: 1, retain: true });
  const client = await pot(context.potA, POT_A);
  const seen = await collect(client, 'poco/+/config');
  await waitFor('own retained config', () => seen.includes(`poco/${POT_A}/config config-a`));
  await new Promise((r) => setTimeout(r, 200));
  assert.not.ok(seen.includes(`poco/${POT_B}/config config-b`), 'pot A read pot B config');
});

broker('keeps the hub from forging telemetry', async () => {
  const client = await hub();
  const error = await client.publishAsync(`poco/${POT_A}/telemetry`, 'x', { qos: 1 }).then(() => null, (err: Error & { code?: number }) => err);
  assert.is(error?.code, 135);
});

broker('rejects anonymous clients', async () => {
  const error = await connectError(connect({ clientId: 'anonymous-test' }));
  assert.ok(error, 'an anonymous client connected');
  assert.match(String(error?.message), /Not authorized|Bad user name or password/i);
});

broker('rejects a wrong password', async () => {
  const error = await connectError(connect({ username: `pot-${POT_A}`, password: 'not-the-password', clientId: 'guess' }));
  assert.ok(error, 'a wrong password connected');
});

broker('cuts off a revoked pot', async () => {
  const client = await pot(context.potB, POT_B);
  let closed = false;
  client.on('close', () => { closed = true; });
  assert.ok(existsSync(join(context.dir, 'mosquitto.pid')), 'mosquitto wrote no pid file');

  assert.ok(await context.accounts!.revokePot(POT_B));
  await waitFor('revoked pot disconnected', () => closed, 3000);
  const again = await connectError(pot(context.potB, POT_B));
  assert.ok(again, 'the revoked pot reconnected');
  assert.not.ok(readFileSync(join(context.dir, 'acl'), 'utf8').includes(POT_B), 'revoked pot still in the ACL');
  // The other pot stays connected through the reload.
  const other = await pot(context.potA, POT_A);
  assert.ok(other.connected);
});

broker('logs no broker password', () => {
  const text = context.logs.join('');
  assert.ok(text.includes('pot broker account issued'), 'the issue log line is missing');
  for (const secret of [HUB_PASSWORD, context.potA!.password, context.potB!.password]) {
    assert.not.ok(text.includes(secret), 'a broker password appears in the log');
  }
});

broker.run();
