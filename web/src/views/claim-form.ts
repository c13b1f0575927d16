// Profil tab: claim a pot with its MAC and the code its console showed at first boot.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { input, onSubmit, valueOf, type Reload } from './profile-account.js';
import { call } from './profile-api.js';

export function claimPanel(reload: Reload): HTMLElement {
  const out = h('p', { class: 'form-status', attrs: { role: 'status' } });
  const form = h('form', { class: 'auth-form' },
    input('mac', t('claim.mac')),
    input('code', t('claim.code')),
    h('button', { attrs: { type: 'submit' }, text: t('claim.submit') }));
  onSubmit(form, out, async () => {
    await call('POST', 'api/claim', { mac: valueOf(form, 'mac'), code: valueOf(form, 'code') });
    reload();
    return null;
  });
  return h('section', { class: 'panel' }, h('h2', { text: t('claim.title') }), h('p', { class: 'muted', text: t('claim.help') }), form, out);
}
