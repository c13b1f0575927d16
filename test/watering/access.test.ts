// Who may water: with accounts on, a member with read-only sharing sees the commands but the
// hub refuses to water or change the rule; a member with control may.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { member, ownPot, startAuthStack, stopAuthStack, type AuthStack, type Client } from '../auth/support.js';

const POT = '0200000079aa';

interface Context {
  stack: AuthStack;
  owner: Client;
  reader: Client;
  gardener: Client;
}

const access = suite<Context>('watering access', {} as Context);

access.before(async (context) => {
  context.stack = await startAuthStack();
  context.owner = await member(context.stack, 'owner1');
  context.reader = await member(context.stack, 'reader1');
  context.gardener = await member(context.stack, 'gardener1');
  await ownPot(context.stack, context.owner, POT);
  for (const [name, level] of [['reader1', 'read'], ['gardener1', 'control']] as const) {
    const shared = await context.owner.request('PUT', `/api/pots/${POT}/shares`, { body: { kind: 'user', target: name, level } });
    assert.ok(shared.status < 300, `${name}: ${shared.status} ${shared.text}`);
  }
});

access.after(async (context) => stopAuthStack(context.stack));

access('a read-only member sees commands but cannot water', async (context) => {
  const list = await context.reader.request('GET', `/api/pots/${POT}/commands`);
  assert.is(list.status, 200);
  assert.is(list.body.canControl, false);
  const refused = await context.reader.request('POST', `/api/pots/${POT}/water`, { body: { duration_s: 5 } });
  assert.is(refused.status, 403, refused.text);
  const rule = await context.reader.request('PUT', `/api/pots/${POT}/watering-rules`, { body: { enable: true } });
  assert.is(rule.status, 403);
  assert.is(context.stack.hub.app.watering.store.pot(POT).commands.length, 0);
});

access('a member with control waters', async (context) => {
  const list = await context.gardener.request('GET', `/api/pots/${POT}/commands`);
  assert.is(list.body.canControl, true);
  const sent = await context.gardener.request('POST', `/api/pots/${POT}/water`, { body: { duration_s: 5 } });
  assert.is(sent.status, 201, sent.text);
  assert.is(sent.body.command.by, 'gardener1');
});

access('an API token of a read-only member cannot water', async (context) => {
  const token = await context.reader.request('POST', '/api/profile/tokens', { body: { label: 'script' } });
  assert.is(token.status, 201, token.text);
  const script = new (context.reader.constructor as new (base: string) => Client)(context.stack.hub.url);
  script.bearer = token.body.token;
  const refused = await script.request('POST', `/api/pots/${POT}/water`, { body: { duration_s: 5 } });
  assert.is(refused.status, 403);
});

access.run();
