// Pure account rules: password policy, access decisions, failure throttling, session cookies.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { accessTo, allows, type Group, type PotOwnership } from '../../domain/auth/access.js';
import { checkNewPassword, isHashablePassword } from '../../domain/auth/password-policy.js';
import { sessionCookieHeader, sessionExpired, sessionIdFromCookies, needsCsrfToken, SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from '../../domain/auth/session-rules.js';
import { FailureThrottle, LOGIN_LIMITS } from '../../domain/auth/throttle.js';

const policy = suite('password policy');

policy('rejects fewer than ten characters', () => {
  const result = checkNewPassword('123456789');
  assert.is(result.ok, false);
  assert.is(!result.ok && result.code, 'too_short');
});

policy('accepts ten characters with no composition rule', () => {
  assert.ok(checkNewPassword('aaaaaaaaaa').ok);
  assert.ok(checkNewPassword('pomme poire').ok);
});

policy('counts characters, not bytes, for the minimum', () => {
  assert.ok(checkNewPassword('éééééééééé').ok);
  assert.is(checkNewPassword('🌱🌱🌱🌱🌱').ok, false);
});

policy('rejects more than 1024 bytes', () => {
  const result = checkNewPassword('x'.repeat(1025));
  assert.is(!result.ok && result.code, 'too_long');
  assert.not.ok(isHashablePassword('x'.repeat(1025)));
  assert.ok(isHashablePassword('x'.repeat(1024)));
});

policy('never quotes the password in errors', () => {
  const result = checkNewPassword('secret42');
  assert.not.ok(!result.ok && result.error.includes('secret42'));
});

policy.run();

// ---

const access = suite('access to a pot');

const owner = { id: 'owner1', role: 'owner' as const };
const alice = { id: 'alice', role: 'member' as const };
const bob = { id: 'bob', role: 'member' as const };
const teacher = { id: 'teacher', role: 'member' as const };
const student = { id: 'student', role: 'member' as const };
const klass: Group = { id: 'class-5b', name: '5B', teacherId: 'teacher', memberIds: ['student'] };

function pot(ownerId: string | null, shares: PotOwnership['shares'] = []): PotOwnership {
  return { potId: 'a4cf12b3c4d5', ownerId, shares };
}

access('gives unclaimed pots to the hub owner only', () => {
  assert.is(accessTo(owner, undefined, []), 'control');
  assert.is(accessTo(owner, pot(null), []), 'control');
  assert.is(accessTo(alice, undefined, []), 'none');
  assert.is(accessTo(alice, pot(null), []), 'none');
});

access('gives owner access to the claimer', () => {
  assert.is(accessTo(alice, pot('alice'), []), 'owner');
});

access('hides another user pot, even from the hub owner', () => {
  assert.is(accessTo(bob, pot('alice'), []), 'none');
  assert.is(accessTo(owner, pot('alice'), []), 'none');
  assert.is(accessTo(null, pot('alice'), []), 'none');
});

access('applies user shares', () => {
  assert.is(accessTo(bob, pot('alice', [{ kind: 'user', targetId: 'bob', level: 'read' }]), []), 'read');
  assert.is(accessTo(bob, pot('alice', [{ kind: 'user', targetId: 'bob', level: 'control' }]), []), 'control');
});

access('applies group shares to members and teacher', () => {
  const shared = pot('alice', [{ kind: 'group', targetId: 'class-5b', level: 'read' }]);
  assert.is(accessTo(student, shared, [klass]), 'read');
  assert.is(accessTo(teacher, shared, [klass]), 'read');
  assert.is(accessTo(bob, shared, [klass]), 'none');
});

access('takes the best of several shares', () => {
  const shared = pot('alice', [{ kind: 'group', targetId: 'class-5b', level: 'read' }, { kind: 'user', targetId: 'student', level: 'control' }]);
  assert.is(accessTo(student, shared, [klass]), 'control');
});

access('orders levels', () => {
  assert.ok(allows('owner', 'control'));
  assert.ok(allows('control', 'read'));
  assert.not.ok(allows('read', 'control'));
  assert.not.ok(allows('none', 'read'));
});

access.run();

// ---

const throttle = suite('failure throttle');
const HOUR = 60 * 60 * 1000;

throttle('blocks the 101st login failure within an hour', () => {
  const counter = new FailureThrottle(LOGIN_LIMITS);
  const start = 10 * HOUR;
  for (let i = 0; i < 100; i++) {
    assert.ok(counter.check('alice', start + i).allowed, `attempt ${i + 1} blocked`);
    counter.fail('alice', start + i);
  }
  const verdict = counter.check('alice', start + 100);
  assert.is(verdict.allowed, false);
  const wait = verdict.allowed ? 0 : verdict.retryAfterMs;
  assert.ok(wait > 0, `retry after ${wait} ms`);
  assert.ok(wait <= 2 * HOUR, `retry after ${wait} ms`);
  assert.ok(counter.check('bob', start + 100).allowed, 'another key was blocked');
});

throttle('allows again after the window slides', () => {
  const counter = new FailureThrottle({ limit: 3, windowMs: HOUR, maxKeys: 10 });
  for (let i = 0; i < 3; i++) counter.fail('k', 0);
  assert.is(counter.check('k', HOUR / 2).allowed, false);
  assert.ok(counter.check('k', 2 * HOUR).allowed);
});

throttle('weights the previous window', () => {
  const counter = new FailureThrottle({ limit: 10, windowMs: HOUR, maxKeys: 10 });
  for (let i = 0; i < 10; i++) counter.fail('k', HOUR - 1);
  // A quarter into the next window, three quarters of the old failures still count.
  assert.ok(Math.abs(counter.count('k', HOUR + HOUR / 4) - 7.5) < 0.01);
  assert.is(counter.check('k', HOUR + HOUR / 4).allowed, true);
});

throttle('keeps memory bounded', () => {
  const counter = new FailureThrottle({ limit: 5, windowMs: HOUR, maxKeys: 100 });
  for (let i = 0; i < 1000; i++) counter.fail(`address-${i}`, i);
  assert.is(counter.size, 100);
  assert.is(counter.count('address-999', 1000), 1);
  assert.is(counter.count('address-0', 1000), 0);
});

throttle('rejects invalid options', () => {
  assert.throws(() => new FailureThrottle({ limit: 0, windowMs: 1, maxKeys: 1 }), /limit, windowMs and maxKeys/);
});

throttle.run();

// ---

const sessions = suite('session rules');

sessions('writes HttpOnly SameSite cookies', () => {
  const header = sessionCookieHeader('abc_DEF-123', { secure: false, maxAgeS: 60 });
  assert.match(header, /^poco_session=abc_DEF-123;/);
  assert.match(header, /; HttpOnly/);
  assert.match(header, /; SameSite=Lax/);
  assert.match(header, /; Path=\//);
  assert.not.match(header, /Secure/);
});

sessions('adds Secure over HTTPS', () => {
  assert.match(sessionCookieHeader('abc', { secure: true, maxAgeS: 60 }), /; Secure$/);
});

sessions('rejects a cookie value that could inject attributes', () => {
  assert.throws(() => sessionCookieHeader('a; Domain=evil', { secure: false, maxAgeS: 1 }), /base64url/);
});

sessions('reads the session id among cookies', () => {
  assert.is(sessionIdFromCookies('lang=fr; poco_session=xyz_1; other=2'), 'xyz_1');
  assert.is(sessionIdFromCookies('lang=fr'), null);
  assert.is(sessionIdFromCookies('poco_session=bad value'), null);
  assert.is(sessionIdFromCookies(undefined), null);
});

sessions('expires on idle and on age', () => {
  assert.not.ok(sessionExpired({ createdAt: 0, lastSeenAt: 0 }, SESSION_IDLE_MS - 1));
  assert.ok(sessionExpired({ createdAt: 0, lastSeenAt: 0 }, SESSION_IDLE_MS));
  assert.ok(sessionExpired({ createdAt: 0, lastSeenAt: SESSION_MAX_AGE_MS - 1 }, SESSION_MAX_AGE_MS));
});

sessions('asks CSRF tokens for state changes only', () => {
  assert.not.ok(needsCsrfToken('GET'));
  assert.not.ok(needsCsrfToken('head'));
  assert.ok(needsCsrfToken('POST'));
  assert.ok(needsCsrfToken('DELETE'));
  assert.ok(needsCsrfToken('PUT'));
});

sessions.run();
