// Account services on a real data/accounts.json in a temp folder: the store, first-start setup,
// invitations, login with throttling, sessions and CSRF, API tokens, claiming and sharing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { claimCode, claimVerifier } from '../../domain/pot-claim.js';
import { createApiToken, resolveApiToken, revokeApiToken } from '../../hub/accounts/api-tokens.js';
import { AccountError } from '../../hub/accounts/errors.js';
import { LoginService } from '../../hub/accounts/login.js';
import { ClaimService, potAccess, recordVerifier, releasePot, sharePot, createGroup, visiblePots } from '../../hub/accounts/pots.js';
import { nodeSha256 } from '../../hub/accounts/secrets.js';
import { checkCsrfToken, createSession, endAllSessions, endSession, listSessions, resolveSession } from '../../hub/accounts/sessions.js';
import { openAccounts, type AccountsDb } from '../../hub/accounts/store.js';
import { acceptInvitation, completeSetup, createMember, invite, startSetup } from '../../hub/accounts/users.js';
import type { User } from '../../hub/accounts/types.js';

const NOW = Date.UTC(2025, 0, 15);
const HOUR = 60 * 60 * 1000;

interface Context {
  dir: string;
  db: AccountsDb | null;
  logs: string[];
  secrets: string[];
}

const context: Context = { dir: '', db: null, logs: [], secrets: [] };
const log = () => pino({ level: 'debug' }, { write: (line: string) => void context.logs.push(line) });
const db = (): AccountsDb => context.db!;
const fileText = () => readFileSync(join(context.dir, 'accounts.json'), 'utf8');

async function rejection(promise: Promise<unknown>): Promise<AccountError> {
  const error = await promise.then(() => null, (err: unknown) => err);
  assert.instance(error, AccountError);
  return error as AccountError;
}

async function open(): Promise<void> {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-accounts-'));
  context.logs = [];
  context.db = await openAccounts(context.dir, log());
}

function close(): void {
  rmSync(context.dir, { recursive: true, force: true });
}

const store = suite('accounts store');
store.before(open);
store.after(close);

store('creates an empty file', () => {
  const saved = JSON.parse(fileText());
  assert.is(saved.version, 1);
  assert.equal(saved.users, []);
});

store('moves a damaged file aside', async () => {
  writeFileSync(join(context.dir, 'accounts.json'), '{"version":1,"users":[');
  const reopened = await openAccounts(context.dir, log());
  assert.equal(reopened.data.users, []);
  assert.ok(readdirSync(context.dir).some((name) => name.startsWith('accounts.json.corrupt-')));
});

store('moves a file of the wrong shape aside', async () => {
  writeFileSync(join(context.dir, 'accounts.json'), JSON.stringify({ version: 1, users: [{ id: 'x' }] }));
  const reopened = await openAccounts(context.dir, log());
  assert.equal(reopened.data.users, []);
  assert.ok(context.logs.some((line) => line.includes('unexpected shape')));
});

store.run();

// ---

const setup = suite('first start and members');
setup.before(open);
setup.after(close);

setup('creates the owner with the one-time token', async () => {
  const token = await startSetup(db(), NOW);
  context.secrets.push(token);
  const wrong = await rejection(completeSetup(db(), 'not-the-token', { name: 'prof', password: 'correct horse battery' }, NOW));
  assert.is(wrong.code, 'setup_token_invalid');
  const owner = await completeSetup(db(), token, { name: 'prof', password: 'correct horse battery' }, NOW);
  assert.is(owner.role, 'owner');
  assert.is((await rejection(completeSetup(db(), token, { name: 'prof2', password: 'correct horse battery' }, NOW))).code, 'setup_done');
  assert.is((await rejection(startSetup(db(), NOW))).code, 'setup_done');
  assert.not.ok(fileText().includes(token), 'the setup token is stored in clear');
  assert.not.ok(fileText().includes('correct horse battery'), 'the password is stored in clear');
});

setup('rejects an expired setup token', async () => {
  const other = await openAccounts(mkdtempSync(join(tmpdir(), 'poco-accounts-')), log());
  const token = await startSetup(other, NOW);
  const error = await rejection(completeSetup(other, token, { name: 'late', password: 'correct horse battery' }, NOW + 25 * HOUR));
  assert.is(error.code, 'setup_token_invalid');
});

setup('rejects short passwords and taken names', async () => {
  assert.is((await rejection(createMember(db(), { name: 'eleve1', password: 'short' }, NOW))).code, 'invalid_password');
  assert.is((await rejection(createMember(db(), { name: 'PROF', password: 'long enough pass' }, NOW))).code, 'name_taken');
  assert.is((await rejection(createMember(db(), { name: '<img src=x>', password: 'long enough pass' }, NOW))).code, 'invalid_name');
});

setup('accepts an invitation once and joins its group', async () => {
  const owner = db().data.users[0]!;
  const group = await createGroup(db(), '5B', owner.id, []);
  const token = await invite(db(), owner.id, group.id, NOW);
  context.secrets.push(token);
  const member = await acceptInvitation(db(), token, { name: 'eleve2', password: 'tournesol en pot' }, NOW);
  assert.equal(db().data.groups[0]!.memberIds, [member.id]);
  assert.is((await rejection(acceptInvitation(db(), token, { name: 'eleve3', password: 'tournesol en pot' }, NOW))).code, 'invitation_invalid');
  assert.not.ok(fileText().includes(token));
});

setup.run();

// ---

const login = suite('login and sessions');
login.before(async () => {
  await open();
  await createMember(db(), { name: 'alice', password: 'alice password 1' }, NOW);
  await createMember(db(), { name: 'bob', password: 'bob password 22' }, NOW);
});
login.after(close);

login('opens a session stored as a hash', async () => {
  const service = new LoginService(db(), log());
  const opened = await service.login({ name: 'Alice', password: 'alice password 1', address: '127.0.0.1', userAgent: 'test' }, NOW);
  context.secrets.push(opened.sessionId, opened.csrfToken);
  assert.match(opened.sessionId, /^[A-Za-z0-9_-]{43}$/);
  assert.not.ok(fileText().includes(opened.sessionId));
  const resolved = await resolveSession(db(), opened.sessionId, NOW + 1000);
  assert.is(resolved?.user.name, 'alice');
  assert.is(await resolveSession(db(), opened.sessionId + 'x', NOW), null);
});

login('checks CSRF tokens against the session', async () => {
  const alice = db().data.users.find((user) => user.name === 'alice')!;
  const one = await createSession(db(), alice, 'a', NOW);
  const two = await createSession(db(), alice, 'b', NOW);
  assert.ok(checkCsrfToken(one.sessionId, one.csrfToken));
  assert.not.ok(checkCsrfToken(one.sessionId, two.csrfToken));
  assert.not.ok(checkCsrfToken(one.sessionId, undefined));
  assert.not.ok(checkCsrfToken(one.sessionId, ''));
});

login('rejects a wrong password with one message', async () => {
  const service = new LoginService(db(), log());
  const wrong = await rejection(service.login({ name: 'alice', password: 'not her password', address: '10.0.0.1', userAgent: 't' }, NOW));
  const unknown = await rejection(service.login({ name: 'nobody', password: 'not her password', address: '10.0.0.1', userAgent: 't' }, NOW));
  assert.is(wrong.code, 'invalid_password');
  assert.is(unknown.message, wrong.message);
});

login('throttles one account from many addresses', async () => {
  const service = new LoginService(db(), log(), { limit: 3, windowMs: HOUR, maxKeys: 100 });
  for (let i = 0; i < 3; i++) await rejection(service.login({ name: 'bob', password: 'guess number ' + i, address: `10.0.1.${i}`, userAgent: 't' }, NOW));
  const blocked = await rejection(service.login({ name: 'bob', password: 'bob password 22', address: '10.0.1.99', userAgent: 't' }, NOW));
  assert.is(blocked.code, 'throttled');
  assert.ok((blocked.retryAfterMs ?? 0) > 0);
  const later = await service.login({ name: 'bob', password: 'bob password 22', address: '10.0.1.99', userAgent: 't' }, NOW + 2 * HOUR);
  assert.ok(later.sessionId);
});

login('throttles one address across accounts', async () => {
  const service = new LoginService(db(), log(), { limit: 3, windowMs: HOUR, maxKeys: 100 });
  for (const name of ['x1', 'x2', 'x3']) await rejection(service.login({ name, password: 'whatever pass', address: '10.9.9.9', userAgent: 't' }, NOW));
  const blocked = await rejection(service.login({ name: 'alice', password: 'alice password 1', address: '10.9.9.9', userAgent: 't' }, NOW));
  assert.is(blocked.code, 'throttled');
});

login('ends one session, then all of a user', async () => {
  const alice = db().data.users.find((user) => user.name === 'alice')!;
  const first = await createSession(db(), alice, 'phone', NOW);
  const second = await createSession(db(), alice, 'laptop', NOW);
  await endSession(db(), first.sessionId);
  assert.is(await resolveSession(db(), first.sessionId, NOW), null);
  assert.ok(await resolveSession(db(), second.sessionId, NOW));
  assert.ok(listSessions(db(), alice.id, NOW).length >= 1);
  assert.ok((await endAllSessions(db(), alice.id)) >= 1);
  assert.is(await resolveSession(db(), second.sessionId, NOW), null);
  assert.equal(listSessions(db(), alice.id, NOW), []);
});

login('drops expired sessions', async () => {
  const alice = db().data.users.find((user) => user.name === 'alice')!;
  const opened = await createSession(db(), alice, 'old', NOW);
  assert.is(await resolveSession(db(), opened.sessionId, NOW + 15 * 24 * HOUR), null);
});

login('logs no password or session id', () => {
  const text = context.logs.join('');
  assert.ok(text.includes('login failed'));
  for (const secret of ['alice password 1', 'bob password 22', 'guess number 0', ...context.secrets]) {
    assert.not.ok(text.includes(secret), 'a secret appears in the log');
  }
});

login.run();

// ---

const tokens = suite('API tokens');
tokens.before(open);
tokens.after(close);

tokens('resolves, records use and revokes', async () => {
  const alice = await createMember(db(), { name: 'alice', password: 'alice password 1' }, NOW);
  const bob = await createMember(db(), { name: 'bob', password: 'bob password 22' }, NOW);
  const created = await createApiToken(db(), alice.id, 'script', NOW);
  assert.match(created.token, /^poco_/);
  assert.not.ok(fileText().includes(created.token));
  assert.is((await resolveApiToken(db(), created.token, NOW + 5))?.id, alice.id);
  assert.is(db().data.apiTokens[0]!.lastUsedAt, NOW + 5);
  assert.is((await rejection(revokeApiToken(db(), bob.id, created.record.id))).code, 'not_found');
  await revokeApiToken(db(), alice.id, created.record.id);
  assert.is(await resolveApiToken(db(), created.token, NOW), null);
});

tokens.run();

// ---

const SECRET = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';
const POT = 'a4cf12b3c4d5';
const claims = suite('claiming and sharing');
const users: Record<string, User> = {};

claims.before(async () => {
  await open();
  const token = await startSetup(db(), NOW);
  users.owner = await completeSetup(db(), token, { name: 'owner', password: 'owner password' }, NOW);
  users.alice = await createMember(db(), { name: 'alice', password: 'alice password 1' }, NOW);
  users.bob = await createMember(db(), { name: 'bob', password: 'bob password 22' }, NOW);
  users.teacher = await createMember(db(), { name: 'teacher', password: 'teacher password' }, NOW);
});
claims.after(close);

claims('refuses a claim before the pot published', async () => {
  const service = new ClaimService(db(), log());
  const error = await rejection(service.claim(users.alice!, POT, claimCode(SECRET, POT, nodeSha256), NOW));
  assert.is(error.code, 'claim_unavailable');
});

claims('shows an unclaimed pot to the hub owner only', async () => {
  const code = claimCode(SECRET, POT, nodeSha256);
  assert.is(await recordVerifier(db(), POT, claimVerifier(POT, code, nodeSha256)), 'stored');
  assert.is(potAccess(db(), users.owner!, POT), 'control');
  assert.is(potAccess(db(), users.alice!, POT), 'none');
});

claims('rejects a wrong code and throttles guesses', async () => {
  const limits = { limit: 3, windowMs: HOUR, maxKeys: 100 };
  const service = new ClaimService(db(), log(), { pot: limits, user: { ...limits, limit: 100 } });
  for (const guess of ['AAAA-AAAA', 'BBBB-BBBB', 'CCCC-CCCC']) {
    assert.is((await rejection(service.claim(users.bob!, POT, guess, NOW))).code, 'claim_code_wrong');
  }
  // Even the right code waits once the pot's limit is reached.
  const right = claimCode(SECRET, POT, nodeSha256);
  assert.is((await rejection(service.claim(users.alice!, POT, right, NOW))).code, 'throttled');
  assert.is(potAccess(db(), users.bob!, POT), 'none');
});

claims('throttles one user across pots', async () => {
  const limits = { limit: 2, windowMs: HOUR, maxKeys: 100 };
  const service = new ClaimService(db(), log(), { pot: { ...limits, limit: 100 }, user: limits });
  await rejection(service.claim(users.bob!, POT, 'AAAA-AAAA', NOW));
  await rejection(service.claim(users.bob!, POT, 'BBBB-BBBB', NOW));
  assert.is((await rejection(service.claim(users.bob!, POT, 'CCCC-CCCC', NOW))).code, 'throttled');
});

claims('claims with the right code', async () => {
  const service = new ClaimService(db(), log());
  const code = claimCode(SECRET, POT, nodeSha256);
  assert.is((await rejection(service.claim(users.alice!, POT, 'ABC!', NOW))).code, 'claim_code_invalid');
  await service.claim(users.alice!, POT, code.toLowerCase(), NOW);
  assert.is(potAccess(db(), users.alice!, POT), 'owner');
  assert.is(potAccess(db(), users.owner!, POT), 'none');
  assert.is(potAccess(db(), users.bob!, POT), 'none');
  assert.is((await rejection(service.claim(users.bob!, POT, code, NOW))).code, 'claim_taken');
  assert.is(await recordVerifier(db(), POT, claimVerifier(POT, 'ZZZZZZZZ', nodeSha256)), 'ignored_claimed');
});

claims('shares with a user and with a class', async () => {
  await sharePot(db(), users.alice!, POT, 'user', users.bob!.id, 'read');
  assert.is(potAccess(db(), users.bob!, POT), 'read');
  const group = await createGroup(db(), '5B', users.teacher!.id, [users.alice!.id]);
  await sharePot(db(), users.alice!, POT, 'group', group.id, 'control');
  assert.is(potAccess(db(), users.teacher!, POT), 'control');
  assert.equal(visiblePots(db(), users.teacher!, [POT, 'a4cf12b3c4d6']), [{ potId: POT, access: 'control' }]);
  assert.is((await rejection(sharePot(db(), users.bob!, POT, 'user', users.owner!.id, 'control'))).code, 'not_found');
});

claims('releases a pot to unclaimed', async () => {
  await releasePot(db(), users.alice!, POT);
  assert.is(potAccess(db(), users.alice!, POT), 'none');
  assert.is(potAccess(db(), users.bob!, POT), 'none');
  assert.is(potAccess(db(), users.owner!, POT), 'control');
});

claims('logs no claim code', () => {
  const text = context.logs.join('');
  assert.ok(text.includes('wrong claim code'));
  assert.not.ok(text.includes(claimCode(SECRET, POT, nodeSha256)), 'a claim code appears in the log');
  assert.not.ok(text.includes(SECRET));
});

claims.run();
