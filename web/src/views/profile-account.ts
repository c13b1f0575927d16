// Profil tab, account panels: e-mail for alerts, password, logout, sessions and API tokens.
// Everything the hub sends is shown as text (dom.ts), never as markup.
import { h } from '../dom.js';
import { summarizeUserAgent } from '../../../domain/user-agent.js';
import { formatDateTime, t } from '../i18n.js';
import { apiErrorElement } from './api-errors.js';
import { logout, replaceCsrfToken } from './login-session.js';
import { call, type Profile } from './profile-api.js';

/** Re-renders the account panels after a change. */
export type Reload = () => void;

function status(): HTMLParagraphElement {
  return h('p', { class: 'form-status', attrs: { role: 'status' } });
}

/** Runs `action` on submit and writes its outcome in `out`: its message, or why the hub refused. */
export function onSubmit(form: HTMLFormElement, out: HTMLElement, action: () => Promise<string | null>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    out.textContent = '';
    action().then((message) => { if (message !== null) out.textContent = message; }, (err: unknown) => { out.replaceChildren(apiErrorElement(err)); });
  });
}

export function input(name: string, label: string, type = 'text', value = ''): HTMLElement {
  const field = h('input', { attrs: { id: `field-${name}`, name, type, autocomplete: type === 'password' ? 'new-password' : 'off' } });
  field.value = value;
  return h('div', { class: 'field' }, h('label', { attrs: { for: `field-${name}` }, text: label }), field);
}

export function valueOf(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
}

function accountPanel(profile: Profile, reload: Reload): HTMLElement {
  const out = status();
  const email = h('form', { class: 'auth-form' }, input('email', t('account.email'), 'email', profile.user.email ?? ''), h('button', { attrs: { type: 'submit' }, text: t('account.save') }));
  onSubmit(email, out, async () => {
    await call('PUT', 'api/profile', { email: valueOf(email, 'email') });
    return t('account.saved');
  });

  const password = h('form', { class: 'auth-form' },
    input('current', t('account.currentPassword'), 'password'),
    input('password', t('account.newPassword'), 'password'),
    h('button', { attrs: { type: 'submit' }, text: t('account.changePassword') }));
  onSubmit(password, out, async () => {
    const answer = await call<{ csrfToken: string }>('PUT', 'api/profile/password', { current: valueOf(password, 'current'), password: valueOf(password, 'password') });
    replaceCsrfToken(answer.csrfToken);
    reload();
    return null;
  });

  const out1 = h('button', { attrs: { type: 'button' }, text: t('account.logout') });
  const outAll = h('button', { attrs: { type: 'button' }, text: t('account.logoutAll') });
  out1.addEventListener('click', () => void logout(false));
  outAll.addEventListener('click', () => void logout(true));
  return h('section', { class: 'panel' },
    h('h2', { text: t('account.title') }),
    h('p', { text: profile.user.role === 'owner' ? t('account.hubOwner', { name: profile.user.name }) : t('account.member', { name: profile.user.name }) }),
    email, password, h('div', { class: 'buttons' }, out1, outAll), out);
}

/** Short name of a session's browser or tool ("Firefox sur Windows"); the full header goes in its tooltip. */
function agentText(userAgent: string): string {
  const { client, os } = summarizeUserAgent(userAgent);
  if (client === '') return '?';
  return os === null ? client : t('account.agentOn', { client, os });
}

function sessionsPanel(profile: Profile, reload: Reload): HTMLElement {
  const out = status();
  const rows = profile.sessions.map((session) => {
    const end = h('button', { attrs: { type: 'button' }, text: t('account.endSession') });
    end.addEventListener('click', () => {
      call('DELETE', `api/profile/sessions/${session.ref}`).then(reload, (err: unknown) => { out.textContent = (err as Error).message; });
    });
    return h('li', {},
      h('span', { attrs: { title: session.userAgent, 'data-field': 'session-agent' }, text: agentText(session.userAgent) }),
      h('span', { class: 'muted', text: t('account.lastSeen', { time: formatDateTime(session.lastSeenAt) }) }),
      session.current ? h('span', { class: 'badge', text: t('account.thisSession') }) : end);
  });
  return h('section', { class: 'panel' }, h('h2', { text: t('account.sessions') }), h('ul', { class: 'auth-list' }, ...rows), out);
}

function tokensPanel(profile: Profile, reload: Reload): HTMLElement {
  const out = status();
  const shown = h('div', { class: 'token-once' });
  const create = h('form', { class: 'auth-form' }, input('label', t('account.tokenLabel')), h('button', { attrs: { type: 'submit' }, text: t('account.createToken') }));
  onSubmit(create, out, async () => {
    const created = await call<{ token: string }>('POST', 'api/profile/tokens', { label: valueOf(create, 'label') || 'script' });
    // Shown once: the hub keeps only its hash.
    shown.replaceChildren(h('p', { text: t('account.tokenOnce') }), h('code', { class: 'mono', text: created.token }));
    return null;
  });
  const rows = profile.tokens.map((token) => {
    const revoke = h('button', { attrs: { type: 'button' }, text: t('account.revoke') });
    revoke.addEventListener('click', () => {
      call('DELETE', `api/profile/tokens/${token.id}`).then(reload, (err: unknown) => { out.textContent = (err as Error).message; });
    });
    const used = token.lastUsedAt === null ? t('account.neverUsed') : t('account.lastUsed', { time: formatDateTime(token.lastUsedAt) });
    return h('li', {}, h('span', { text: token.label }), h('span', { class: 'muted', text: used }), revoke);
  });
  return h('section', { class: 'panel' }, h('h2', { text: t('account.tokens') }), create, shown, h('ul', { class: 'auth-list' }, ...rows), out);
}

export function accountPanels(profile: Profile, reload: Reload): HTMLElement[] {
  return [accountPanel(profile, reload), sessionsPanel(profile, reload), tokensPanel(profile, reload)];
}
