// The Profil tab's API: GET /api/profile (the user, their pots, sessions and API tokens),
// PUT /api/profile (language, e-mail for alerts), PUT /api/profile/password, and revoking a
// session or a token. Every route acts on the requesting user only.
import type { FastifyInstance } from 'fastify';
import { createApiToken, listApiTokens, revokeApiToken } from '../accounts/api-tokens.js';
import { AccountError } from '../accounts/errors.js';
import { verifyPassword } from '../accounts/password.js';
import { visiblePots } from '../accounts/pots.js';
import { createSession, endAllSessions, endSessionByRef, listSessions } from '../accounts/sessions.js';
import { hashToken } from '../accounts/secrets.js';
import type { Language, User } from '../accounts/types.js';
import { setPassword, updateProfile } from '../accounts/users.js';
import { publicUser } from './auth.js';

const profileBody = {
  type: 'object',
  additionalProperties: false,
  properties: { language: { enum: ['fr', 'en'] }, email: { type: ['string', 'null'], maxLength: 320 } },
} as const;

const passwordBody = {
  type: 'object',
  additionalProperties: false,
  required: ['current', 'password'],
  properties: { current: { type: 'string', maxLength: 4096 }, password: { type: 'string', maxLength: 4096 } },
} as const;

const tokenBody = { type: 'object', additionalProperties: false, properties: { label: { type: 'string', maxLength: 60 } } } as const;
const refParams = { type: 'object', required: ['ref'], properties: { ref: { type: 'string', maxLength: 64 } } } as const;

export default async function profileRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app;
  const me = (user: User | null): User => {
    if (user === null) throw new AccountError('not_found', 'aucun compte : la vérification des accès est coupée / no account: access checks are off');
    return user;
  };

  app.get('/api/profile', async (request) => {
    const user = me(request.auth.user);
    const now = Date.now();
    const current = request.auth.sessionId === null ? null : hashToken(request.auth.sessionId).slice(0, 16);
    const pots = visiblePots(accounts.db, user, app.store.pots(now).map((pot) => pot.id))
      .map((entry) => ({ ...entry, name: app.care.potName(entry.potId) }));
    return {
      user: publicUser(user),
      pots,
      sessions: listSessions(accounts.db, user.id, now).map((session) => ({ ...session, current: session.ref === current })),
      tokens: listApiTokens(accounts.db, user.id),
    };
  });

  // TODO: alert e-mails still go to POCO_SMTP_TO; the care outbox does not read users' addresses yet.
  app.put<{ Body: { language?: Language; email?: string | null } }>('/api/profile', { schema: { body: profileBody } }, async (request) => {
    const user = me(request.auth.user);
    const email = request.body.email === undefined ? undefined : request.body.email === null || request.body.email.trim() === '' ? null : request.body.email.trim();
    await updateProfile(accounts.db, user, { ...(request.body.language === undefined ? {} : { language: request.body.language }), ...(email === undefined ? {} : { email }) });
    return publicUser(user);
  });

  app.put<{ Body: { current: string; password: string } }>('/api/profile/password', { schema: { body: passwordBody } }, async (request, reply) => {
    const user = me(request.auth.user);
    if (!(await verifyPassword(request.body.current, user.passwordHash))) {
      throw new AccountError('invalid_password', 'mot de passe actuel incorrect / wrong current password');
    }
    await setPassword(accounts.db, user, request.body.password);
    // A new password ends every session, this one included; the browser gets a fresh one.
    await endAllSessions(accounts.db, user.id);
    const session = await createSession(accounts.db, user, String(request.headers['user-agent'] ?? ''), Date.now());
    request.log.info({ userId: user.id }, 'password changed; other sessions ended');
    return reply.header('set-cookie', accounts.cookie(session.sessionId)).send({ csrfToken: session.csrfToken });
  });

  app.delete<{ Params: { ref: string } }>('/api/profile/sessions/:ref', { schema: { params: refParams } }, async (request, reply) => {
    const user = me(request.auth.user);
    if (!(await endSessionByRef(accounts.db, user.id, request.params.ref))) {
      return reply.code(404).send({ error: `session ${request.params.ref} introuvable / session not found` });
    }
    return { ok: true };
  });

  app.post<{ Body: { label?: string } }>('/api/profile/tokens', { schema: { body: tokenBody } }, async (request, reply) => {
    const user = me(request.auth.user);
    const created = await createApiToken(accounts.db, user.id, request.body?.label ?? 'script', Date.now());
    request.log.info({ userId: user.id, tokenId: created.record.id }, 'API token created');
    const { tokenHash: _hidden, ...record } = created.record;
    return reply.code(201).header('cache-control', 'no-store').send({ token: created.token, record });
  });

  app.delete<{ Params: { ref: string } }>('/api/profile/tokens/:ref', { schema: { params: refParams } }, async (request) => {
    const user = me(request.auth.user);
    await revokeApiToken(accounts.db, user.id, request.params.ref);
    request.log.info({ userId: user.id, tokenId: request.params.ref }, 'API token revoked');
    return { ok: true };
  });
}
