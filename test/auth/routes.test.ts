// Every route the hub registers, called as each kind of visitor: anonymous, a stranger, the hub
// owner (who has no right on a claimed pot), a member the pot is shared with read-only, one with
// control, and the pot's owner. The expectations come from this file's own tables, so a new route
// the tables do not know fails the first test.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { potNotFound } from '../../hub/routes/pot-params.js';
import { Client, member, ownPot, startAuthStack, stopAuthStack, type Answer, type AuthStack, type RequestOptions } from './support.js';

const POT = 'a4cf12b3c4d5';
const UNKNOWN = 'a4cf12000001';

type Role = 'anonymous' | 'stranger' | 'hubOwner' | 'reader' | 'controller' | 'owner';
const ROLES: Role[] = ['anonymous', 'stranger', 'hubOwner', 'reader', 'controller', 'owner'];

interface Probe extends RequestOptions {
  path: string;
  /** 'owner': only the pot's owner; 'hubOwner': only the hub's owner; 'public': anyone. */
  need?: 'public' | 'user' | 'hubOwner' | 'read' | 'control' | 'owner' | 'page';
  /** Ends sessions or gives the pot away: checked anonymously here, and by its own test. */
  destructive?: boolean;
}

const P = `/api/pots/${POT}`;
// One harmless request per route: bodies that fail validation prove the guard let them through.
const PROBES: Record<string, Probe> = {
  'GET /api/pots': { path: '/api/pots', need: 'user' },
  'GET /api/pots/:id': { path: P },
  'GET /api/pots/:id/readings': { path: `${P}/readings` },
  'GET /api/pots/:id/series': { path: `${P}/series` },
  'POST /api/pots/:id/rollups/rebuild': { path: `${P}/rollups/rebuild` },
  'GET /api/pots/:id/export.csv': { path: `${P}/export.csv` },
  'GET /api/pots/:id/export.json': { path: `${P}/export.json` },
  'POST /api/pots/:id/import': { path: `${P}/import`, raw: { type: 'text/csv', text: 'not,a,history\n' } },
  'GET /api/settings': { path: '/api/settings', need: 'user' },
  'PUT /api/settings': { path: '/api/settings', need: 'hubOwner', body: {} },
  'GET /api/species': { path: '/api/species', need: 'user' },
  'POST /api/species': { path: '/api/species', need: 'hubOwner', body: {} },
  'GET /api/care': { path: '/api/care', need: 'user' },
  'GET /api/pots/:id/care': { path: `${P}/care` },
  'PUT /api/pots/:id': { path: P, body: { name: 5 } },
  'GET /api/pots/:id/calibration': { path: `${P}/calibration` },
  'POST /api/pots/:id/calibration': { path: `${P}/calibration`, body: {} },
  'POST /api/pots/:id/recompute': { path: `${P}/recompute` },
  'GET /api/alerts': { path: '/api/alerts', need: 'user' },
  'GET /api/pots/:id/timeline': { path: `${P}/timeline` },
  'POST /api/pots/:id/notes': { path: `${P}/notes`, body: {} },
  'PUT /api/pots/:id/photo': { path: `${P}/photo`, raw: { type: 'image/png', text: 'not a png' } },
  'POST /api/pots/:id/photos': { path: `${P}/photos`, raw: { type: 'image/png', text: 'not a png' } },
  'GET /api/pots/:id/photos/:file': { path: `${P}/photos/none.png` },
  'GET /api/health': { path: '/api/health', need: 'public' },
  'GET /metrics': { path: '/metrics', need: 'public' },
  'GET /api/events': { path: '/api/events', need: 'user' },
  'GET /api/auth/session': { path: '/api/auth/session', need: 'public' },
  'POST /api/auth/login': { path: '/api/auth/login', need: 'public', body: {} },
  'POST /api/auth/setup': { path: '/api/auth/setup', need: 'public', body: {} },
  'POST /api/auth/invitations/accept': { path: '/api/auth/invitations/accept', need: 'public', body: {} },
  'POST /api/auth/logout': { path: '/api/auth/logout', need: 'user', destructive: true },
  'POST /api/auth/logout-all': { path: '/api/auth/logout-all', need: 'user', destructive: true },
  'GET /login': { path: '/login', need: 'public' },
  'GET /setup': { path: '/setup', need: 'public' },
  'GET /invite': { path: '/invite', need: 'public' },
  'GET /': { path: '/', need: 'page' },
  'GET /api/profile': { path: '/api/profile', need: 'user' },
  'PUT /api/profile': { path: '/api/profile', need: 'user', body: { nothing: 1 } },
  'PUT /api/profile/password': { path: '/api/profile/password', need: 'user', body: {} },
  'DELETE /api/profile/sessions/:ref': { path: '/api/profile/sessions/0000000000000000', need: 'user' },
  'POST /api/profile/tokens': { path: '/api/profile/tokens', need: 'user', body: { label: 5 } },
  'DELETE /api/profile/tokens/:ref': { path: '/api/profile/tokens/none', need: 'user' },
  'POST /api/claim': { path: '/api/claim', need: 'user', body: {} },
  'POST /api/pots/:id/release': { path: `${P}/release`, need: 'owner', destructive: true },
  'POST /api/pots/:id/credentials': { path: `${P}/credentials`, need: 'owner' },
  'DELETE /api/pots/:id/credentials': { path: `${P}/credentials`, need: 'owner' },
  'GET /api/pots/:id/shares': { path: `${P}/shares`, need: 'owner' },
  'PUT /api/pots/:id/shares': { path: `${P}/shares`, need: 'owner', body: {} },
  'DELETE /api/pots/:id/shares/:kind/:target': { path: `${P}/shares/user/nobody`, need: 'owner' },
  'POST /api/users': { path: '/api/users', need: 'hubOwner', body: {} },
  'POST /api/invitations': { path: '/api/invitations', need: 'hubOwner', body: {} },
  'GET /api/groups': { path: '/api/groups', need: 'user' },
  'POST /api/groups': { path: '/api/groups', need: 'user', body: {} },
  'POST /api/groups/:groupId/members': { path: '/api/groups/none/members', need: 'user', body: {} },
  'GET /api/groups/:groupId/pots': { path: '/api/groups/none/pots', need: 'user' },
  'POST /api/pots/:id/water': { path: `${P}/water`, body: { bogus: 1 } },
  'GET /api/pots/:id/commands': { path: `${P}/commands` },
  'GET /api/pots/:id/watering-rules': { path: `${P}/watering-rules` },
  'PUT /api/pots/:id/watering-rules': { path: `${P}/watering-rules`, body: { bogus: 1 } },
};

function probeFor(method: string, url: string): Probe | undefined {
  return PROBES[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/** Returns the level a route needs: pot routes default to read for GET and control otherwise. */
function needOf(method: string, probe: Probe): NonNullable<Probe['need']> {
  return probe.need ?? (method === 'GET' || method === 'HEAD' ? 'read' : 'control');
}

type Outcome = 'allowed' | 'login' | 'refused' | 'hidden';

const RANK: Record<Role, number> = { anonymous: 0, stranger: 1, hubOwner: 1, reader: 2, controller: 3, owner: 4 };

function expected(role: Role, need: NonNullable<Probe['need']>): Outcome {
  if (need === 'public') return 'allowed';
  if (role === 'anonymous') return 'login';
  if (need === 'page' || need === 'user') return 'allowed';
  if (need === 'hubOwner') return role === 'hubOwner' ? 'allowed' : 'refused';
  if (RANK[role] < RANK.reader) return 'hidden';
  const needed = { read: RANK.reader, control: RANK.controller, owner: RANK.owner }[need];
  return RANK[role] >= needed ? 'allowed' : 'refused';
}

function outcomeOf(method: string, answer: Answer, need: NonNullable<Probe['need']>): Outcome {
  if (answer.status === 401 || (need === 'page' && answer.status === 303)) return 'login';
  if (answer.status === 403) return 'refused';
  // HEAD responses have no body, so a 404 on the test pot can only mean hidden.
  const potRoute = need === 'read' || need === 'control' || need === 'owner';
  if (answer.status === 404 && ((method === 'HEAD' && potRoute) || answer.body?.error === potNotFound(POT).error)) return 'hidden';
  return 'allowed';
}

interface Context {
  stack?: AuthStack;
  clients: Record<Role, Client>;
}

const context: Context = { clients: {} as Record<Role, Client> };

async function call(role: Role, method: string, probe: Probe): Promise<Answer> {
  const client = context.clients[role];
  if (probe.path !== '/api/events') return client.request(method, probe.path, probe);
  // The event stream never ends: its status is enough.
  const abort = new AbortController();
  const headers: Record<string, string> = client.cookie === null ? {} : { cookie: client.cookie };
  const response = await fetch(client.base + probe.path, { method, headers, signal: abort.signal });
  abort.abort();
  return { status: response.status, headers: response.headers, body: null, text: '' };
}

const routes = suite('every route, by role');

routes.before(async () => {
  const stack = await startAuthStack();
  context.stack = stack;
  const owner = await member(stack, 'alice');
  context.clients = {
    anonymous: new Client(stack.hub.url),
    stranger: await member(stack, 'mallory'),
    hubOwner: stack.admin,
    reader: await member(stack, 'bob'),
    controller: await member(stack, 'carol'),
    owner,
  };
  await ownPot(stack, owner, POT);
  for (const [name, level] of [['bob', 'read'], ['carol', 'control']] as const) {
    const shared = await owner.request('PUT', `${P}/shares`, { body: { kind: 'user', target: name, level } });
    assert.is(shared.status, 200, shared.text);
  }
});

routes.after(async () => stopAuthStack(context.stack));

routes('every registered route has an expectation here', () => {
  const unknown = context.stack!.hub.app.accounts.routes
    .filter((route) => probeFor(route.method, route.url) === undefined)
    .map((route) => `${route.method} ${route.url}`);
  assert.equal(unknown, [], 'add these routes to PROBES in test/auth/routes.test.ts');
});

routes('each role gets what its access allows on every route', async () => {
  const wrong: string[] = [];
  for (const route of context.stack!.hub.app.accounts.routes) {
    const probe = probeFor(route.method, route.url)!;
    const need = needOf(route.method, probe);
    for (const role of ROLES) {
      if (probe.destructive && role !== 'anonymous') continue;
      const answer = await call(role, route.method, probe);
      const got = outcomeOf(route.method, answer, need);
      const want = expected(role, need);
      if (got !== want) wrong.push(`${route.method} ${route.url} as ${role}: ${want} expected, got ${answer.status} ${answer.text.slice(0, 120)}`);
    }
  }
  assert.equal(wrong, []);
});

routes("another user's pot answers exactly like an unknown pot", async () => {
  const hidden = await context.clients.stranger.request('GET', P);
  const unknown = await context.clients.owner.request('GET', `/api/pots/${UNKNOWN}`);
  assert.is(hidden.status, 404);
  assert.is(unknown.status, 404);
  assert.equal(hidden.body, potNotFound(POT));
  assert.equal(unknown.body, potNotFound(UNKNOWN));
});

routes('lists show each user only their pots', async () => {
  for (const path of ['/api/pots', '/api/care']) {
    const ids = async (role: Role) => {
      const answer = await context.clients[role].request('GET', path);
      return (answer.body.pots as Array<{ id?: string; potId?: string }>).map((pot) => pot.id ?? pot.potId);
    };
    assert.equal(await ids('stranger'), [], `${path} as a stranger`);
    assert.equal(await ids('hubOwner'), [], `${path} as the hub owner`);
    assert.equal(await ids('reader'), [POT], `${path} as a reader`);
    assert.equal(await ids('owner'), [POT], `${path} as the owner`);
  }
});

routes('a state change with a session but no CSRF token is refused', async () => {
  const unsafe = context.stack!.hub.app.accounts.routes.filter((route) => !['GET', 'HEAD'].includes(route.method));
  const accepted: string[] = [];
  for (const route of unsafe) {
    const probe = probeFor(route.method, route.url)!;
    if (needOf(route.method, probe) === 'public') continue;
    const answer = await context.clients.owner.request(route.method, probe.path, { ...probe, noCsrf: true });
    if (answer.status !== 403 || !/CSRF/.test(answer.text)) accepted.push(`${route.method} ${route.url}: ${answer.status}`);
  }
  assert.equal(accepted, []);
});

routes('an API token works without a CSRF token', async () => {
  const created = await context.clients.owner.request('POST', '/api/profile/tokens', { body: { label: 'script' } });
  assert.is(created.status, 201);
  const script = new Client(context.stack!.hub.url);
  script.bearer = created.body.token;
  const renamed = await script.request('PUT', P, { body: { name: 'Basilic' } });
  assert.is(renamed.status, 200, renamed.text);
  const revoked = await context.clients.owner.request('DELETE', `/api/profile/tokens/${created.body.record.id}`);
  assert.is(revoked.status, 200);
  assert.is((await script.request('GET', P)).status, 401);
});

routes('logout ends the session and logout-all ends every one', async () => {
  const second = new Client(context.stack!.hub.url);
  await second.login('carol');
  const out = await second.request('POST', '/api/auth/logout');
  assert.is(out.status, 200);
  assert.is((await second.request('GET', '/api/profile')).status, 401);

  const everywhere = await context.clients.controller.request('POST', '/api/auth/logout-all');
  assert.is(everywhere.status, 200);
  assert.is(everywhere.body.ended >= 1, true);
  assert.is((await context.clients.controller.request('GET', '/api/profile')).status, 401);
});

routes('only the owner releases a pot, which then leaves every member', async () => {
  assert.is((await context.clients.reader.request('POST', `${P}/release`)).status, 403);
  const released = await context.clients.owner.request('POST', `${P}/release`);
  assert.is(released.status, 200, released.text);
  assert.is((await context.clients.owner.request('GET', P)).status, 404);
  assert.is((await context.clients.reader.request('GET', P)).status, 404);
  // Unclaimed again: visible to the hub owner only.
  assert.is((await context.clients.hubOwner.request('GET', P)).status, 200);
});

routes.run();
