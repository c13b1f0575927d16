// Profil tab: classes. A teacher sees each class's pots on one page (the pots shared with the
// group), adds members and makes invitation links; anyone can start a class. The hub owner also
// creates accounts and invitation links here.
import { h } from '../dom.js';
import { moistureText, statusText } from '../format.js';
import { t } from '../i18n.js';
import type { Pot } from '../types.js';
import { input, onSubmit, valueOf, type Reload } from './profile-account.js';
import { call, type GroupRow } from './profile-api.js';

type ClassPot = Pot & { name: string; access: string; owner: string | null };

function inviteButton(groupId: string | null, out: HTMLElement): HTMLElement {
  const button = h('button', { attrs: { type: 'button' }, text: t('class.invite') });
  button.addEventListener('click', () => {
    call<{ path: string }>('POST', 'api/invitations', { groupId }).then((answer) => {
      out.replaceChildren(h('p', { text: t('class.inviteOnce') }), h('code', { class: 'mono', text: new URL(answer.path, location.href).href }));
    }, (err: unknown) => { out.textContent = (err as Error).message; });
  });
  return button;
}

function classPots(group: GroupRow): HTMLElement {
  const list = h('ul', { class: 'cards class-pots', attrs: { 'data-group': group.id } });
  void call<{ pots: ClassPot[] }>('GET', `api/groups/${group.id}/pots`).then((answer) => {
    if (answer.pots.length === 0) list.replaceChildren(h('li', { class: 'muted', text: t('class.noPots') }));
    else list.replaceChildren(...answer.pots.map((pot) => h('li', {}, h('a', { class: `card card-${pot.status}`, attrs: { href: `#/pot/${pot.id}` } },
      h('h3', { class: 'card-title', text: pot.name }),
      h('p', { class: 'muted', text: t('class.owner', { name: pot.owner ?? '?' }) }),
      h('p', { text: `${statusText(pot.status)} · ${moistureText(pot.latest).text}` })))));
  }, (err: unknown) => list.replaceChildren(h('li', { class: 'error', text: (err as Error).message })));
  return list;
}

function groupSection(group: GroupRow, reload: Reload): HTMLElement {
  const out = h('div', { class: 'form-status', attrs: { role: 'status' } });
  const add = h('form', { class: 'auth-form inline' }, input(`member-${group.id}`, t('class.addMember')), h('button', { attrs: { type: 'submit' }, text: t('class.add') }));
  onSubmit(add, out, async () => {
    await call('POST', `api/groups/${group.id}/members`, { name: valueOf(add, `member-${group.id}`) });
    reload();
    return null;
  });
  return h('section', { class: 'class' },
    h('h3', { text: group.name }),
    h('p', { class: 'muted', text: t('class.members', { names: group.members.join(', ') || '–' }) }),
    classPots(group),
    group.teacher ? add : null,
    group.teacher ? inviteButton(group.id, out) : null,
    out);
}

function ownerTools(reload: Reload): HTMLElement {
  const out = h('div', { class: 'form-status', attrs: { role: 'status' } });
  const create = h('form', { class: 'auth-form' }, input('new-name', t('class.memberName')), input('new-password', t('class.memberPassword'), 'password'), h('button', { attrs: { type: 'submit' }, text: t('class.createMember') }));
  onSubmit(create, out, async () => {
    await call('POST', 'api/users', { name: valueOf(create, 'new-name'), password: valueOf(create, 'new-password') });
    reload();
    return t('class.memberCreated');
  });
  return h('section', { class: 'panel' }, h('h2', { text: t('class.people') }), create, inviteButton(null, out), out);
}

export function classPanels(groups: GroupRow[], hubOwner: boolean, reload: Reload): HTMLElement[] {
  const out = h('p', { class: 'form-status', attrs: { role: 'status' } });
  const create = h('form', { class: 'auth-form inline' }, input('class-name', t('class.name')), h('button', { attrs: { type: 'submit' }, text: t('class.create') }));
  onSubmit(create, out, async () => {
    await call('POST', 'api/groups', { name: valueOf(create, 'class-name') });
    reload();
    return null;
  });
  const classes = h('section', { class: 'panel' }, h('h2', { text: t('class.title') }), ...groups.map((group) => groupSection(group, reload)), create, out);
  return hubOwner ? [classes, ownerTools(reload)] : [classes];
}
