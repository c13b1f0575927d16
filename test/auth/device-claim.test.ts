// A pot's claim at boot, through the pot core: the virtual pot prints its code on its console,
// the core publishes the verifier retained on a real Mosquitto, and a user claims the pot on the
// hub with the printed code. Battery pots run the same step in their wake cycle.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { claimVerifier, normalizeClaimCode, parseClaimMessage } from '../../domain/pot-claim.js';
import { nodeSha256 } from '../../device/host/claim.js';
import { parseOptions, startVirtualPots, type VirtualPots } from '../../scripts/pot.js';
import { waitFor } from '../support/hub.js';
import { member, startAuthStack, stopAuthStack, type AuthStack } from './support.js';

interface Context {
  dir: string;
  stack?: AuthStack;
  pots: VirtualPots | null;
  logs: string[];
}

const context: Context = { dir: '', pots: null, logs: [] };

function start(args: string[], printed: string[]): VirtualPots {
  const stream = new Writable({ write(chunk, _encoding, done) { context.logs.push(String(chunk)); done(); } });
  return startVirtualPots({
    ...parseOptions(['--speed', '100', '--interval', '10', ...args]),
    brokerUrl: context.stack!.broker.url, dataDir: join(context.dir, 'pots'),
    print: (line) => printed.push(line), logger: pino({ level: 'debug' }, stream),
  });
}

function printedCode(printed: string[], mac: string): string {
  const line = printed.find((text) => text.includes(mac.toUpperCase()) && text.includes('claim code'));
  const code = /claim code: ([0-9A-Z]{4}-[0-9A-Z]{4})$/.exec(line ?? '')?.[1];
  assert.ok(code, printed.join('\n'));
  return code!;
}

/** Reads the retained claim message of a pot with a new client, as the hub does after a restart. */
async function retainedClaim(brokerUrl: string, potId: string): Promise<{ retain: boolean; text: string }> {
  const client = await mqtt.connectAsync(brokerUrl, { clientId: 'test-claim-reader-' + potId });
  try {
    const arrived = new Promise<{ retain: boolean; text: string }>((resolve) => {
      client.on('message', (_topic, payload, packet) => resolve({ retain: packet.retain, text: payload.toString() }));
    });
    await client.subscribeAsync(`poco/${potId}/claim`, { qos: 1 });
    return await Promise.race([arrived, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no retained claim message')), 3000))]);
  } finally {
    await client.endAsync();
  }
}

const boot = suite('pot claim at boot');

boot.before(async () => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-device-claim-'));
  context.stack = await startAuthStack();
});

boot.after.each(async () => {
  if (context.pots !== null) await context.pots.stop();
  context.pots = null;
});

boot.after(async () => {
  await stopAuthStack(context.stack);
  rmSync(context.dir, { recursive: true, force: true });
});

boot('a mains pot is claimed with its printed code', async () => {
  const stack = context.stack!;
  const printed: string[] = [];
  context.pots = start(['--mac', '02:50:4f:43:4f:21'], printed);
  const potId = '02504f434f21';
  const code = printedCode(printed, '02:50:4f:43:4f:21');
  await waitFor('the verifier at the hub', () => stack.hub.app.accounts.db.data.pots.some((pot) => pot.potId === potId && pot.claimVerifier !== null));

  const retained = await retainedClaim(stack.broker.url, potId);
  assert.ok(retained.retain);
  assert.is(parseClaimMessage(retained.text), claimVerifier(potId, normalizeClaimCode(code)!, nodeSha256));

  const zoe = await member(stack, 'zoe');
  const wrong = await zoe.request('POST', '/api/claim', { body: { mac: potId, code: 'AAAA-AAAA' } });
  assert.is.not(wrong.status, 201);
  const claimed = await zoe.request('POST', '/api/claim', { body: { mac: '02:50:4F:43:4F:21', code } });
  assert.is(claimed.status, 201, claimed.text);
  assert.is((await zoe.request('GET', `/api/pots/${potId}`)).status, 200);
});

boot('a restart keeps the code', async () => {
  const before: string[] = [];
  context.pots = start(['--mac', '02:50:4f:43:4f:22'], before);
  await context.pots.stop();
  const after: string[] = [];
  context.pots = start(['--mac', '02:50:4f:43:4f:22'], after);
  assert.is(printedCode(after, '02:50:4f:43:4f:22'), printedCode(before, '02:50:4f:43:4f:22'));
});

boot('a battery pot publishes its verifier at power-on', async () => {
  const stack = context.stack!;
  const printed: string[] = [];
  context.pots = start(['--battery', '--mac', '02:50:4f:43:4f:23'], printed);
  const potId = '02504f434f23';
  const code = printedCode(printed, '02:50:4f:43:4f:23');
  await waitFor('the verifier at the hub', () => stack.hub.app.accounts.db.data.pots.some((pot) => pot.potId === potId && pot.claimVerifier !== null));
  const retained = await retainedClaim(stack.broker.url, potId);
  assert.is(parseClaimMessage(retained.text), claimVerifier(potId, normalizeClaimCode(code)!, nodeSha256));
});

boot('no claim code reaches the logs', () => {
  const logs = context.logs.join('');
  assert.ok(logs.length > 0);
  assert.not.match(logs, /[0-9A-Z]{4}-[0-9A-Z]{4}/);
  assert.not.match(logs, 'claim code');
});

boot.run();
