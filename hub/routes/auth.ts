// Sessions: GET /api/auth/session, POST /api/auth/login, /logout, /logout-all, and account
// creation through the first-start setup token or an invitation. Login, setup and invitation
// accept JSON (scripts, the dashboard) and HTML form posts (the pages in auth-pages.ts): a form
// gets a redirect to the dashboard or the page again with the error.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccountError } from '../accounts/errors.js';
import { csrfTokenFor, createSession, endAllSessions, endSession, type NewSession } from '../accounts/sessions.js';
import type { User } from '../accounts/types.js';
import { acceptInvitation, completeSetup, findUser, hasOwner } from '../accounts/users.js';
import { forgetSetupLink } from '../accounts/setup-link.js';
import { renderPage, sendPage, type PageName } from './auth-pages.js';

const FORM = 'application/x-www-form-urlencoded';
const PUBLIC = { auth: { public: true } };

const credentialsBody = {
  type: 'object',
  required: ['name', 'password'],
  properties: {
    name: { type: 'string', maxLength: 100 },
    password: { type: 'string', maxLength: 4096 },
    token: { type: 'string', maxLength: 100 },
  },
} as const;

interface Credentials {
  name: string;
  password: string;
  token?: string;
}

/** Picks the fields the dashboard may see of a user, never the password hash. */
export function publicUser(user: User): Pick<User, 'id' | 'name' | 'role' | 'language' | 'email'> {
  return { id: user.id, name: user.name, role: user.role, language: user.language, email: user.email };
}

function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith(FORM);
}

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;

  // HTML forms post urlencoded bodies; only this plugin's routes accept them.
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  /** Opens a session and sends a redirect for a form, or the user and CSRF token for JSON. */
  async function signIn(request: FastifyRequest, reply: FastifyReply, user: User, opened?: NewSession): Promise<FastifyReply> {
    const session = opened ?? await createSession(accounts.db, user, String(request.headers['user-agent'] ?? ''), Date.now());
    void reply.header('set-cookie', accounts.cookie(session.sessionId));
    if (isForm(request)) return reply.redirect('/', 303);
    return reply.send({ user: publicUser(user), csrfToken: session.csrfToken });
  }

  /** Sends an AccountError back: the page again for a form, JSON otherwise. */
  function refuse(request: FastifyRequest, reply: FastifyReply, page: PageName, err: unknown): FastifyReply {
    if (!(err instanceof AccountError)) throw err;
    if (err.retryAfterMs !== null) void reply.header('retry-after', String(Math.ceil(err.retryAfterMs / 1000)));
    if (!isForm(request)) return reply.code(err.statusCode).send({ error: err.message, code: err.code });
    // The page comes back under /api/auth/*, so it links its form and assets by absolute paths.
    const body = request.body as { token?: string; name?: unknown };
    const userName = typeof body.name === 'string' ? body.name.slice(0, 100) : undefined;
    return sendPage(reply, err.statusCode, renderPage(page, { message: err.message, token: body.token, userName }));
  }

  app.get('/api/auth/session', { config: PUBLIC }, async (request) => {
    const { user, sessionId } = request.auth;
    return {
      auth: accounts.enabled,
      needsSetup: accounts.enabled && !hasOwner(accounts.db),
      user: user === null ? null : publicUser(user),
      csrfToken: sessionId === null ? null : csrfTokenFor(sessionId),
    };
  });

  app.post<{ Body: Credentials }>('/api/auth/login', { schema: { body: credentialsBody }, config: PUBLIC }, async (request, reply) => {
    try {
      const opened = await accounts.login.login(
        { name: request.body.name, password: request.body.password, address: request.ip, userAgent: String(request.headers['user-agent'] ?? '') },
        Date.now(),
      );
      return await signIn(request, reply, findUser(accounts.db, opened.session.userId)!, opened);
    } catch (err) {
      return refuse(request, reply, 'login', err);
    }
  });

  app.post<{ Body: Credentials }>('/api/auth/setup', { schema: { body: credentialsBody }, config: PUBLIC }, async (request, reply) => {
    try {
      const user = await completeSetup(accounts.db, String(request.body.token ?? ''), { name: request.body.name, password: request.body.password }, Date.now());
      request.log.info({ userId: user.id }, 'hub owner account created');
      await forgetSetupLink(app.config.dataDir);
      return await signIn(request, reply, user);
    } catch (err) {
      return refuse(request, reply, 'setup', err);
    }
  });

  app.post<{ Body: Credentials }>('/api/auth/invitations/accept', { schema: { body: credentialsBody }, config: PUBLIC }, async (request, reply) => {
    try {
      const user = await acceptInvitation(accounts.db, String(request.body.token ?? ''), { name: request.body.name, password: request.body.password }, Date.now());
      request.log.info({ userId: user.id }, 'member account created from an invitation');
      return await signIn(request, reply, user);
    } catch (err) {
      return refuse(request, reply, 'invite', err);
    }
  });

  app.post('/api/auth/logout', async (request, reply) => {
    if (request.auth.sessionId !== null) await endSession(accounts.db, request.auth.sessionId);
    return reply.header('set-cookie', accounts.cookie('')).send({ ok: true });
  });

  app.post('/api/auth/logout-all', async (request, reply) => {
    const ended = await endAllSessions(accounts.db, request.auth.user!.id);
    request.log.info({ userId: request.auth.user!.id, ended }, 'every session of the user ended');
    return reply.header('set-cookie', accounts.cookie('')).send({ ended });
  });
}
