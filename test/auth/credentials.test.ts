// Pot credentials issued through the hub, on a real Mosquitto started with the files the hub
// keeps: the pot's readings reach the hub, it cannot publish for another pot, and revoking its
// account through the hub cuts it off. The hub itself connects with its own account.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { BrokerAccounts } from '../../hub/broker-auth/broker-accounts.js';
import { readingPayload, removeDir, startHub, waitFor, type TestHub } from '../support/hub.js';
import { removeBrokerDir, startMosquitto, type Broker } from '../support/mosquitto.js';
import { Client, member, PASSWORD, type AuthStack } from './support.js';
import { startSetup } from '../../hub/accounts/users.js';

const POT = 'a4cf12b3c4d5';
const OTHER = 'a4cf12b3c4d6';
const HUB_PASSWORD = 'hub-broker-password-0815';

interface Context {
  dir: string;
  broker?: Broker;
  hub?: TestHub;
  admin?: Client;
  pot?: MqttClient;
}

const context: Context = { dir: '' };

function connectPot(username: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync(context.broker!.url, { username, password, clientId: `poco-${POT}`, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 2000 });
}

const credentials = suite('pot credentials through the hub');

credentials.before(async () => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-credentials-'));
  const files = { POCO_BROKER_PASSWORD_FILE: join(context.dir, 'passwd'), POCO_BROKER_ACL_FILE: join(context.dir, 'acl'), POCO_BROKER_PID_FILE: join(context.dir, 'mosquitto.pid') };
  // The hub's own account exists before Mosquitto starts, as `npm run pot-credentials -- --hub` writes it.
  const offline = new BrokerAccounts({ passwordFile: files.POCO_BROKER_PASSWORD_FILE, aclFile: files.POCO_BROKER_ACL_FILE, prefix: 'poco', hubUsername: 'hub', broker: null, log: pino({ level: 'silent' }) });
  await offline.setHubPassword(HUB_PASSWORD);
  context.broker = await startMosquitto({
    allowAnonymous: false,
    extraConfig: `password_file ${files.POCO_BROKER_PASSWORD_FILE}\nacl_file ${files.POCO_BROKER_ACL_FILE}\npid_file ${files.POCO_BROKER_PID_FILE}\n`,
  });
  context.hub = await startHub({ brokerUrl: context.broker.url, auth: true, env: { ...files, POCO_MQTT_USERNAME: 'hub', POCO_MQTT_PASSWORD: HUB_PASSWORD } });
  const admin = new Client(context.hub.url);
  const created = await admin.request('POST', '/api/auth/setup', { body: { token: await startSetup(context.hub.app.accounts.db, Date.now()), name: 'admin', password: PASSWORD } });
  admin.take(created);
  context.admin = admin;
});

credentials.after(async () => {
  await context.pot?.endAsync(true).catch(() => {});
  await context.hub?.close();
  await context.broker?.stop();
  if (context.broker) removeBrokerDir(context.broker);
  if (context.hub) removeDir(context.hub.dataDir);
  rmSync(context.dir, { recursive: true, force: true });
});

credentials('a member cannot issue credentials for a pot nobody claimed', async () => {
  const stack = { hub: context.hub!, admin: context.admin! } as AuthStack;
  const bob = await member(stack, 'bob');
  assert.is((await bob.request('POST', `/api/pots/${POT}/credentials`)).status, 404);
});

credentials("issued credentials carry the pot's readings to the hub", async () => {
  const issued = await context.admin!.request('POST', `/api/pots/${POT}/credentials`);
  assert.is(issued.status, 201, issued.text);
  assert.is(issued.body.username, `pot-${POT}`);
  assert.is(issued.headers.get('cache-control'), 'no-store');
  // Mosquitto reloads on SIGHUP; the new account may take a moment.
  context.pot = await waitFor('the pot account accepted', () => connectPot(issued.body.username, issued.body.password).catch(() => false));
  await context.pot.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  await waitFor('the reading stored', () => context.hub!.app.store.pot(POT, Date.now())?.counters.stored === 1);
  assert.not.ok(JSON.stringify(context.hub!.logs).includes(issued.body.password), 'the password is not logged');
});

credentials('the pot cannot publish for another pot', async () => {
  const error = await context.pot!.publishAsync(`poco/${OTHER}/telemetry`, readingPayload(1), { qos: 1 }).then(() => null, (err: Error) => err);
  assert.match(String(error?.message), /Not authorized/);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(context.hub!.app.store.pot(OTHER, Date.now()), null);
});

credentials('revoking the account through the hub cuts the pot off', async () => {
  const closed = new Promise<void>((resolve) => context.pot!.once('close', () => resolve()));
  const revoked = await context.admin!.request('DELETE', `/api/pots/${POT}/credentials`);
  assert.is(revoked.status, 200, revoked.text);
  assert.is(revoked.body.revoked, true);
  await closed;
  const error = await connectPot(`pot-${POT}`, 'anything').then((client) => { client.end(true); return null; }, (err: Error) => err);
  assert.ok(error, 'a revoked pot connected again');
});

credentials.run();
