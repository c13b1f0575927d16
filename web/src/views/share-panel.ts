// Profil tab: the user's pots with their access; the owner of a pot shares it with a user (by
// name) or a class, read-only or with control, removes a share, or releases the pot.
import { formatMac } from '../../../domain/pot-id.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { input, onSubmit, valueOf, type Reload } from './profile-account.js';
import { call, type GroupRow, type ProfilePot, type ShareRow } from './profile-api.js';

// Written out so every key appears as t('…') in the sources (test/web/strings.test.ts).
const ACCESS_KEYS = { read: () => t('access.read'), control: () => t('access.control'), owner: () => t('access.owner') };
const LEVEL_KEYS = { read: () => t('share.read'), control: () => t('share.control') };

function levelSelect(): HTMLSelectElement {
  const select = h('select', { attrs: { name: 'level', 'aria-label': t('share.level') } },
    h('option', { attrs: { value: 'read' }, text: t('share.read') }),
    h('option', { attrs: { value: 'control' }, text: t('share.control') }));
  return select;
}

function targetSelect(groups: GroupRow[]): HTMLSelectElement {
  return h('select', { attrs: { name: 'target', 'aria-label': t('share.group') } }, ...groups.map((group) => h('option', { attrs: { value: group.id }, text: group.name })));
}

function sharesOf(pot: ProfilePot, groups: GroupRow[], reload: Reload): HTMLElement {
  const out = h('p', { class: 'form-status', attrs: { role: 'status' } });
  const list = h('ul', { class: 'auth-list' });
  const path = `api/pots/${pot.potId}/shares`;
  const show = (shares: ShareRow[]): void => {
    list.replaceChildren(...shares.map((share) => {
      const remove = h('button', { attrs: { type: 'button' }, text: t('share.remove') });
      remove.addEventListener('click', () => {
        call<{ shares: ShareRow[] }>('DELETE', `${path}/${share.kind}/${share.targetId}`).then((answer) => show(answer.shares), (err: unknown) => { out.textContent = (err as Error).message; });
      });
      return h('li', {}, h('span', { text: share.name ?? share.targetId }), h('span', { class: 'muted', text: LEVEL_KEYS[share.level]() }), remove);
    }));
  };
  void call<{ shares: ShareRow[] }>('GET', path).then((answer) => show(answer.shares), (err: unknown) => { out.textContent = (err as Error).message; });

  const toUser = h('form', { class: 'auth-form inline' }, input(`user-${pot.potId}`, t('share.user')), levelSelect(), h('button', { attrs: { type: 'submit' }, text: t('share.submit') }));
  onSubmit(toUser, out, async () => {
    show((await call<{ shares: ShareRow[] }>('PUT', path, { kind: 'user', target: valueOf(toUser, `user-${pot.potId}`), level: valueOf(toUser, 'level') })).shares);
    return null;
  });
  const toGroup = h('form', { class: 'auth-form inline' }, targetSelect(groups), levelSelect(), h('button', { attrs: { type: 'submit' }, text: t('share.submitGroup') }));
  onSubmit(toGroup, out, async () => {
    show((await call<{ shares: ShareRow[] }>('PUT', path, { kind: 'group', target: valueOf(toGroup, 'target'), level: valueOf(toGroup, 'level') })).shares);
    return null;
  });
  const release = h('button', { attrs: { type: 'button' }, text: t('share.release') });
  release.addEventListener('click', () => {
    if (!window.confirm(t('share.releaseConfirm'))) return;
    call('POST', `api/pots/${pot.potId}/release`).then(reload, (err: unknown) => { out.textContent = (err as Error).message; });
  });
  return h('details', {}, h('summary', { text: t('share.title') }), list, toUser, groups.length > 0 ? toGroup : null, release, out);
}

export function myPotsPanel(pots: ProfilePot[], groups: GroupRow[], reload: Reload): HTMLElement {
  const rows = pots.map((pot) => h('li', { attrs: { 'data-pot': pot.potId } },
    h('a', { attrs: { href: `#/pot/${pot.potId}` }, text: pot.name }),
    pot.name === formatMac(pot.potId) || pot.name === pot.potId ? null : h('span', { class: 'mono', text: formatMac(pot.potId) }),
    h('span', { class: 'badge', text: ACCESS_KEYS[pot.access]() }),
    pot.access === 'owner' ? sharesOf(pot, groups, reload) : null));
  return h('section', { class: 'panel' }, h('h2', { text: t('profile.pots') }), rows.length === 0 ? h('p', { text: t('profile.noPots') }) : h('ul', { class: 'auth-list' }, ...rows));
}
