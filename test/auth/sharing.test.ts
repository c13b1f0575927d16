// Two users with their own pots on one hub: the live channel, claiming with a code, sharing with
// a class, and secrets kept out of logs, exports and error pages.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readingPayload, waitFor } from '../support/hub.js';
import { bootPot, Client, member, ownPot, PASSWORD, startAuthStack, stopAuthStack, testClaimCode, type AuthStack } from './support.js';

const ALICE_POT = 'a4cf12b3c4d5';
const MALLORY_POT = 'a4cf12b3c4d6';
const THROTTLED_POT = 'a4cf12b3c4d7';

interface Context {
  stack?: AuthStack;
  alice?: Client;
  mallory?: Client;
  teacher?: Client;
  /** Every secret the suite used, searched for in logs and responses at the end. */
  secrets: string[];
}

const context: Context = { secrets: [PASSWORD] };

/** Reads an event stream for `ms` and returns the pot ids of its reading events. */
async function streamedPots(client: Client, during: () => Promise<void>, ms = 1500): Promise<string[]> {
  const abort = new AbortController();
  const response = await fetch(client.base + '/api/events', { headers: { cookie: client.cookie! }, signal: abort.signal });
  assert.is(response.status, 200);
  const reader = response.body!.getReader();
  let text = '';
  const reading = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return;
      text += new TextDecoder().decode(chunk.value);
    }
  })();
  await during();
  await new Promise((resolve) => setTimeout(resolve, ms));
  abort.abort();
  await reading;
  return [...text.matchAll(/event: reading\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1]!).potId as string);
}

const sharing = suite('two users, one hub');

sharing.before(async () => {
  const stack = await startAuthStack();
  context.stack = stack;
  context.alice = await member(stack, 'alice');
  context.mallory = await member(stack, 'mallory');
  context.teacher = await member(stack, 'teacher');
  await ownPot(stack, context.alice, ALICE_POT);
  await ownPot(stack, context.mallory, MALLORY_POT);
  context.secrets.push(testClaimCode(ALICE_POT), testClaimCode(MALLORY_POT), context.alice.cookie!.split('=')[1]!, context.alice.csrf!);
});

sharing.after(async () => stopAuthStack(context.stack));

sharing('the live channel sends each user only their pots', async () => {
  const publish = async () => {
    await context.stack!.publisher.publishAsync(`poco/${ALICE_POT}/telemetry`, readingPayload(10), { qos: 1 });
    await context.stack!.publisher.publishAsync(`poco/${MALLORY_POT}/telemetry`, readingPayload(10), { qos: 1 });
  };
  const [alice, mallory] = await Promise.all([streamedPots(context.alice!, publish), streamedPots(context.mallory!, async () => {})]);
  assert.equal(alice, [ALICE_POT]);
  assert.equal(mallory, [MALLORY_POT]);
});

sharing('each user lists only their own pots', async () => {
  const ids = async (client: Client) => ((await client.request('GET', '/api/pots')).body.pots as Array<{ id: string }>).map((pot) => pot.id);
  assert.equal(await ids(context.alice!), [ALICE_POT]);
  assert.equal(await ids(context.mallory!), [MALLORY_POT]);
});

sharing('a claimed pot cannot be claimed again with its code', async () => {
  const again = await context.mallory!.request('POST', '/api/claim', { body: { mac: ALICE_POT, code: testClaimCode(ALICE_POT) } });
  assert.is(again.status, 409);
  assert.is((await context.mallory!.request('GET', `/api/pots/${ALICE_POT}`)).status, 404);
});

sharing('wrong claim codes are throttled, even before the right one', async () => {
  await bootPot(context.stack!, THROTTLED_POT);
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++) {
    statuses.push((await context.mallory!.request('POST', '/api/claim', { body: { mac: THROTTLED_POT, code: 'AAAA-AAAA' } })).status);
  }
  assert.equal([...new Set(statuses)], [403]);
  const right = await context.mallory!.request('POST', '/api/claim', { body: { mac: THROTTLED_POT, code: testClaimCode(THROTTLED_POT) } });
  assert.is(right.status, 429);
  assert.ok(Number(right.headers.get('retry-after')) > 0, 'Retry-After names the wait');
});

sharing("sharing with a class puts the pot on the teacher's class page", async () => {
  const group = await context.teacher!.request('POST', '/api/groups', { body: { name: 'Classe 3B', members: ['alice'] } });
  assert.is(group.status, 201, group.text);
  const before = await context.teacher!.request('GET', `/api/groups/${group.body.id}/pots`);
  assert.equal(before.body.pots, []);

  const shared = await context.alice!.request('PUT', `/api/pots/${ALICE_POT}/shares`, { body: { kind: 'group', target: group.body.id, level: 'read' } });
  assert.is(shared.status, 200, shared.text);
  const page = await context.teacher!.request('GET', `/api/groups/${group.body.id}/pots`);
  assert.equal(page.body.pots.map((pot: { id: string }) => pot.id), [ALICE_POT]);
  assert.is(page.body.pots[0].access, 'read');
  // Read-only: the teacher can read the pot but cannot change it.
  assert.is((await context.teacher!.request('GET', `/api/pots/${ALICE_POT}`)).status, 200);
  assert.is((await context.teacher!.request('PUT', `/api/pots/${ALICE_POT}`, { body: { name: 'x' } })).status, 403);
  // A stranger cannot read the class.
  assert.is((await context.mallory!.request('GET', `/api/groups/${group.body.id}/pots`)).status, 404);
});

sharing('an invitation link creates one member, once', async () => {
  const invitation = await context.stack!.admin.request('POST', '/api/invitations', { body: {} });
  assert.is(invitation.status, 201, invitation.text);
  const token = new URLSearchParams(String(invitation.body.path).split('?')[1]).get('token')!;
  context.secrets.push(token);
  const fields = (name: string) => ({ raw: { type: 'application/x-www-form-urlencoded', text: new URLSearchParams({ token, name, password: PASSWORD }).toString() } });
  const accepted = await new Client(context.stack!.hub.url).request('POST', '/api/auth/invitations/accept', fields('yann'));
  assert.is(accepted.status, 303, accepted.text);
  assert.ok(accepted.headers.get('set-cookie')?.startsWith('poco_session='));
  const again = await new Client(context.stack!.hub.url).request('POST', '/api/auth/invitations/accept', fields('yves'));
  assert.is(again.status, 403);
  assert.is((await new Client(context.stack!.hub.url).login('yann')).status, 200);
});

sharing('a new password ends the other sessions', async () => {
  const laptop = new Client(context.stack!.hub.url);
  await laptop.login('teacher');
  const changed = await context.teacher!.request('PUT', '/api/profile/password', { body: { current: PASSWORD, password: 'another long password' } });
  assert.is(changed.status, 200, changed.text);
  context.teacher!.take(changed);
  context.secrets.push('another long password');
  assert.is((await laptop.request('GET', '/api/profile')).status, 401);
  assert.is((await context.teacher!.request('GET', '/api/profile')).status, 200);
  assert.is((await new Client(context.stack!.hub.url).login('teacher', 'another long password')).status, 200);
});

sharing('secrets never reach logs, exports or error pages', async () => {
  const token = await context.alice!.request('POST', '/api/profile/tokens', { body: { label: 'cron' } });
  context.secrets.push(token.body.token);
  const wrong = await new Client(context.stack!.hub.url).request('POST', '/api/auth/login', { raw: { type: 'application/x-www-form-urlencoded', text: `name=alice&password=${encodeURIComponent('wrong ' + PASSWORD)}` } });
  assert.is(wrong.status, 400);
  context.secrets.push('wrong ' + PASSWORD);
  const invitation = await context.stack!.admin.request('POST', '/api/invitations', { body: {} });
  const inviteToken = String(invitation.body.path).split('token=')[1]!;
  context.secrets.push(inviteToken);
  await new Client(context.stack!.hub.url).request('GET', `/invite?token=${inviteToken}`);

  const answers = [
    wrong.text,
    (await context.alice!.request('GET', `/api/pots/${ALICE_POT}/export.csv`)).text,
    (await context.alice!.request('GET', `/api/pots/${ALICE_POT}/export.json`)).text,
    (await context.alice!.request('GET', '/api/profile')).text,
    JSON.stringify(context.stack!.hub.logs),
  ];
  const found = context.secrets.filter((secret) => answers.some((text) => text.includes(secret)));
  assert.equal(found, []);
  await waitFor('the request log', () => context.stack!.hub.logs.some((line) => String((line['req'] as { url?: string } | undefined)?.url).startsWith('/invite?')));
});

sharing.run();
