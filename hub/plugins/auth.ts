// Accounts as `app.accounts`, and the guard in front of every route. Each request is identified
// by its session cookie or its API token (Authorization: Bearer); then, in one onRequest hook:
// /api routes need a user unless listed as public, state changes with a cookie need the CSRF
// header, and any route with a pot `:id` needs access to that pot ('none' returns the same 404 as
// an unknown pot). List routes are filtered to the user's pots in preSerialization (hub/accounts/list-filters.ts).
// `enabled: false` exists for test suites of other features only (test/support/hub.ts); nothing in
// the settings or the environment can turn the guard off.
import fp from 'fastify-plugin';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { allows, type Access } from '../../domain/auth/access.js';
import { needsCsrfToken, sessionCookieHeader, sessionIdFromCookies, SESSION_MAX_AGE_MS } from '../../domain/auth/session-rules.js';
import { parsePotId } from '../../domain/pot-id.js';
import { parseClaimMessage } from '../../domain/pot-claim.js';
import { parseTopic } from '../../domain/topics.js';
import { resolveApiToken } from '../accounts/api-tokens.js';
import { LoginService } from '../accounts/login.js';
import { ClaimService, potAccess, recordVerifier } from '../accounts/pots.js';
import { checkCsrfToken, resolveSession } from '../accounts/sessions.js';
import { openAccounts, type AccountsDb } from '../accounts/store.js';
import type { User } from '../accounts/types.js';
import { filterList } from '../accounts/list-filters.js';
import { brokerAccountsFromConfig, type BrokerAccounts } from '../broker-auth/broker-accounts.js';
import { potNotFound } from '../routes/pot-params.js';

export const CSRF_HEADER = 'x-csrf-token';

/** Requirements a route declares in its `config.auth`. Routes of other plugins are listed in ROUTE_RULES. */
export interface RouteAuth {
  /** Open to anonymous requests. */
  public?: boolean;
  /** Access needed to the pot named by `:id`; default: 'read' for GET and HEAD, else 'control'. */
  pot?: Exclude<Access, 'none'>;
  /** Only the hub's owner (role 'owner') may call it. */
  hubOwner?: boolean;
}

/** Rules for routes that other plugins declare, by "METHOD url". */
const ROUTE_RULES: Record<string, RouteAuth> = {
  'GET /api/health': { public: true },
  'HEAD /api/health': { public: true },
  // Species are shared by every pot of the hub, so only the hub's owner changes them.
  'POST /api/species': { hubOwner: true },
  // The hub's default language; each user's own is in PUT /api/profile.
  'PUT /api/settings': { hubOwner: true },
};

export interface RequestAuth {
  user: User | null;
  /** Cookie value when the request came with a session; never logged. */
  sessionId: string | null;
  via: 'session' | 'token' | null;
}

export interface Accounts {
  enabled: boolean;
  db: AccountsDb;
  login: LoginService;
  claims: ClaimService;
  /** Mosquitto's password and ACL files; null when POCO_BROKER_PASSWORD_FILE is unset. */
  broker: BrokerAccounts | null;
  /** The user's access to a pot; everything when the guard is off. */
  access(user: User | null, potId: string): Access;
  /** Set-Cookie value for a new session, or to delete it with `value` ''. */
  cookie(value: string): string;
  /** Every route registered after this plugin, for the route-by-route tests. */
  routes: Array<{ method: string; url: string }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    accounts: Accounts;
  }
  interface FastifyRequest {
    auth: RequestAuth;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

const ANONYMOUS: RequestAuth = Object.freeze({ user: null, sessionId: null, via: null });

async function identify(accounts: Accounts, request: FastifyRequest): Promise<RequestAuth> {
  const now = Date.now();
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    const user = await resolveApiToken(accounts.db, header.slice('Bearer '.length).trim(), now);
    return user === null ? ANONYMOUS : { user, sessionId: null, via: 'token' };
  }
  const sessionId = sessionIdFromCookies(request.headers.cookie);
  if (sessionId === null) return ANONYMOUS;
  const resolved = await resolveSession(accounts.db, sessionId, now);
  return resolved === null ? ANONYMOUS : { user: resolved.user, sessionId, via: 'session' };
}

function ruleFor(request: FastifyRequest): RouteAuth {
  return request.routeOptions.config.auth ?? ROUTE_RULES[`${request.method} ${request.routeOptions.url ?? ''}`] ?? {};
}

// A form posted from another site carries its own Origin; a browser always sends Origin on POST.
function foreignOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/** Checks one /api request; sends the refusal and returns false when it may not go on. */
function checkApi(accounts: Accounts, request: FastifyRequest, reply: FastifyReply): boolean {
  const rule = ruleFor(request);
  const unsafe = needsCsrfToken(request.method);
  if (rule.public) {
    if (unsafe && foreignOrigin(request)) { void reply.code(403).send({ error: 'request from another site refused / requête d\'un autre site refusée' }); return false; }
    return true;
  }
  const { user, sessionId, via } = request.auth;
  if (user === null) {
    void reply.code(401).send({ error: 'connexion requise : ouvrez /login / login required: open /login' });
    return false;
  }
  if (unsafe && via === 'session' && !checkCsrfToken(sessionId!, request.headers[CSRF_HEADER])) {
    request.log.warn({ userId: user.id, method: request.method, url: request.routeOptions.url }, 'request rejected: missing or invalid CSRF token');
    void reply.code(403).send({ error: `jeton CSRF absent ou faux : rechargez la page / missing or wrong CSRF token (${CSRF_HEADER} header): reload the page` });
    return false;
  }
  if (rule.hubOwner && user.role !== 'owner') {
    void reply.code(403).send({ error: 'réservé au propriétaire du hub / only the hub owner may do this' });
    return false;
  }
  return checkPot(accounts, request, reply, rule, user);
}

function checkPot(accounts: Accounts, request: FastifyRequest, reply: FastifyReply, rule: RouteAuth, user: User): boolean {
  const text = (request.params as { id?: unknown } | undefined)?.id;
  if (typeof text !== 'string' || !(request.routeOptions.url ?? '').includes(':id')) return true;
  const parsed = parsePotId(text);
  // A malformed id reveals nothing, so the route itself returns 400 naming it.
  if (!parsed.ok || parsed.id === undefined) return true;
  const access = accounts.access(user, parsed.id);
  if (access === 'none') {
    void reply.code(404).send(potNotFound(text));
    return false;
  }
  const needed = rule.pot ?? (needsCsrfToken(request.method) ? 'control' : 'read');
  if (!allows(access, needed)) {
    void reply.code(403).send({ error: `accès « ${access} » à ce pot : il faut « ${needed} » / access "${access}" to this pot; this needs "${needed}"` });
    return false;
  }
  return true;
}

function isDashboardPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  return (request.method === 'GET' || request.method === 'HEAD') && (path === '/' || path === '/index.html');
}


/** Stores the verifier a pot published on `<prefix>/<id>/claim`; a bad message is logged and dropped. */
async function storeClaimMessage(db: AccountsDb, prefix: string, log: FastifyBaseLogger, topic: string, payload: Buffer): Promise<void> {
  const parsed = parseTopic(prefix, topic);
  const verifier = parseClaimMessage(payload.toString('utf8'));
  if (!parsed.ok || parsed.kind !== 'claim' || parsed.potId === undefined || verifier === null) {
    log.warn({ potId: parsed.potId ?? null, topic: topic.slice(0, 200), reason: parsed.ok ? 'bad_claim' : 'bad_topic' }, 'claim message rejected');
    return;
  }
  const outcome = await recordVerifier(db, parsed.potId, verifier);
  log.info({ potId: parsed.potId, outcome }, 'claim verifier received');
}

export default fp<{ enabled: boolean }>(
  async (app, options) => {
    const { config } = app;
    const db = await openAccounts(config.dataDir, app.log);
    const broker = brokerAccountsFromConfig(config, app.log);
    const accounts: Accounts = {
      enabled: options.enabled,
      db,
      login: new LoginService(db, app.log),
      claims: new ClaimService(db, app.log),
      broker,
      access: (user, potId) => (options.enabled ? potAccess(db, user, potId) : 'owner'),
      cookie: (value) => sessionCookieHeader(value, { secure: config.httpsCookies, maxAgeS: value === '' ? 0 : SESSION_MAX_AGE_MS / 1000 }),
      routes: [],
    };
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) accounts.routes.push({ method, url: route.url });
    });
    app.decorate('accounts', accounts);
    app.decorateRequest('auth', null as unknown as RequestAuth);

    app.mqtt.setClaimHandler((topic, payload) => storeClaimMessage(db, config.mqttPrefix, app.log, topic, payload));

    app.addHook('onRequest', async (request, reply) => {
      request.auth = options.enabled ? await identify(accounts, request) : ANONYMOUS;
      if (!options.enabled) return;
      if ((request.routeOptions.url ?? '').startsWith('/api/')) {
        if (!checkApi(accounts, request, reply)) return reply;
        return;
      }
      // The dashboard's shell contains no data, but a visitor without a session is sent to the login page.
      if (isDashboardPage(request) && request.auth.user === null) return reply.redirect('/login', 303);
    });

    app.addHook('preSerialization', async (request, reply, payload) => {
      // Refusals and errors carry no pot list.
      if (!options.enabled || reply.statusCode >= 300) return payload;
      const user = request.auth.user;
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      return filterList(`${method} ${request.routeOptions.url ?? ''}`, payload, (potId) => user !== null && potAccess(db, user, potId) !== 'none');
    });
  },
  { name: 'poco-auth', dependencies: ['poco-config', 'poco-mqtt'] },
);
