// A virtual pot's claim code, end to end: the pot keeps its secret in its storage folder, prints
// its code and publishes the verifier; a user of the hub claims it with the printed code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announceClaim, claimSecret } from '../../device/host/claim.js';
import { createFolderStorage } from '../../device/host/storage.js';
import { readingPayload, waitFor } from '../support/hub.js';
import { member, startAuthStack, stopAuthStack, type AuthStack } from './support.js';

const POT = 'a4cf12b3c4d5';

interface Context {
  dir: string;
  stack?: AuthStack;
}

const context: Context = { dir: '' };

const virtual = suite('virtual pot claim code');

virtual.before(async () => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-virtual-claim-'));
  context.stack = await startAuthStack();
});

virtual.after(async () => {
  await stopAuthStack(context.stack);
  rmSync(context.dir, { recursive: true, force: true });
});

virtual('keeps its secret across restarts', () => {
  const storage = createFolderStorage(join(context.dir, 'pot'));
  assert.is(claimSecret(storage), claimSecret(createFolderStorage(join(context.dir, 'pot'))));
  assert.is.not(claimSecret(storage), claimSecret(createFolderStorage(join(context.dir, 'other'))));
});

virtual('the printed code claims the pot on the hub', async () => {
  const stack = context.stack!;
  const printed: string[] = [];
  await announceClaim({
    storage: createFolderStorage(join(context.dir, 'pot')),
    potId: POT,
    prefix: 'poco',
    publish: async (topic, payload, options) => { await stack.publisher.publishAsync(topic, payload, { qos: 1, retain: options.retain }); },
    print: (line) => printed.push(line),
  });
  await stack.publisher.publishAsync(`poco/${POT}/telemetry`, readingPayload(1), { qos: 1 });
  const code = /: ([0-9A-Z]{4}-[0-9A-Z]{4})$/.exec(printed[0] ?? '')?.[1];
  assert.ok(code, printed.join('\n'));
  await waitFor('the verifier at the hub', () => stack.hub.app.accounts.db.data.pots.some((pot) => pot.potId === POT && pot.claimVerifier !== null));

  const zoe = await member(stack, 'zoe');
  const claimed = await zoe.request('POST', '/api/claim', { body: { mac: 'A4:CF:12:B3:C4:D5', code: code!.toLowerCase() } });
  assert.is(claimed.status, 201, claimed.text);
  assert.is((await zoe.request('GET', `/api/pots/${POT}`)).status, 200);
});

virtual.run();
