// The pages a visitor sees before having a session: login, first-start setup and invitation.
// They are plain HTML forms rendered by the hub, with no script at all, so they work under the
// Content-Security-Policy and before the dashboard knows who is there. Every value put in a page
// goes through escapeHtml.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MIN_PASSWORD_LENGTH } from '../../domain/auth/password-policy.js';
import { hasOwner } from '../accounts/users.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type PageName = 'login' | 'setup' | 'invite';

interface PageText {
  title: string;
  intro: string;
  action: string;
  submit: string;
}

const PAGES: Record<PageName, PageText> = {
  login: {
    title: 'Connexion / Log in',
    intro: 'Entrez votre nom et votre mot de passe. / Enter your name and password.',
    action: '/api/auth/login',
    submit: 'Se connecter / Log in',
  },
  setup: {
    title: 'Premier démarrage / First start',
    intro: `Créez le compte du propriétaire du hub (mot de passe : au moins ${MIN_PASSWORD_LENGTH} caractères). / Create the hub owner's account (password: at least ${MIN_PASSWORD_LENGTH} characters).`,
    action: '/api/auth/setup',
    submit: 'Créer le compte / Create the account',
  },
  invite: {
    title: 'Invitation',
    intro: `Choisissez votre nom et un mot de passe d'au moins ${MIN_PASSWORD_LENGTH} caractères. / Choose your name and a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
    action: '/api/auth/invitations/accept',
    submit: 'Créer mon compte / Create my account',
  },
};

function field(name: string, label: string, type: string, autocomplete: string, extra = ''): string {
  return `<label for="${name}">${label}</label><input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}" required${extra}>`;
}

/** Renders one of the pages, with an optional message (already a plain string, escaped here). */
export function renderPage(name: PageName, options: { token?: string; message?: string; note?: string; userName?: string } = {}): string {
  const page = PAGES[name];
  // A new password gets the minimum length in the browser too; the hub checks it again.
  const passwordExtra = name === 'login' ? '' : ` minlength="${MIN_PASSWORD_LENGTH}"`;
  const nameExtra = options.userName === undefined ? '' : ` value="${escapeHtml(options.userName)}"`;
  const fields = [
    options.token === undefined ? '' : `<input type="hidden" name="token" value="${escapeHtml(options.token)}">`,
    field('name', "Nom d'utilisateur / User name", 'text', 'username', nameExtra),
    field('password', 'Mot de passe / Password', 'password', name === 'login' ? 'current-password' : 'new-password', passwordExtra),
  ].join('\n      ');
  return `<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${page.title} – POCO</title>
  <link rel="icon" href="/icon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/auth.css">
</head>
<body class="auth-page">
  <main>
    <h1>POCO</h1>
    <h2>${page.title}</h2>
    <p>${page.intro}</p>
    ${options.message === undefined ? '' : `<p class="auth-error" role="alert">${escapeHtml(options.message)}</p>`}
    ${options.note === undefined ? '' : `<p class="auth-note">${escapeHtml(options.note)}</p>`}
    <form method="post" action="${page.action}">
      ${fields}
      <button type="submit">${page.submit}</button>
    </form>
  </main>
</body>
</html>
`;
}

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

const NO_OWNER_NOTE = "Ce hub n'a pas encore de propriétaire : ouvrez le lien de configuration affiché par le hub au démarrage (ou `npm run hub -- --setup-link`). / This hub has no owner yet: open the setup link the hub printed at start (or run `npm run hub -- --setup-link`).";

const tokenQuery = { type: 'object', properties: { token: { type: 'string', maxLength: 100 } } } as const;

export default async function authPages(app: FastifyInstance): Promise<void> {
  app.get('/login', { config: { auth: { public: true } } }, async (_request, reply) => {
    const note = hasOwner(app.accounts.db) ? undefined : NO_OWNER_NOTE;
    return sendPage(reply, 200, renderPage('login', note === undefined ? {} : { note }));
  });

  app.get<{ Querystring: { token?: string } }>('/setup', { schema: { querystring: tokenQuery }, config: { auth: { public: true } } }, async (request, reply) => {
    if (hasOwner(app.accounts.db)) return reply.redirect('/login', 303);
    return sendPage(reply, 200, renderPage('setup', { token: request.query.token ?? '' }));
  });

  app.get<{ Querystring: { token?: string } }>('/invite', { schema: { querystring: tokenQuery }, config: { auth: { public: true } } }, async (request, reply) => {
    return sendPage(reply, 200, renderPage('invite', { token: request.query.token ?? '' }));
  });
}
