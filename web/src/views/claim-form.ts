// Profil tab: claim a pot with its MAC and the code its console showed at first boot.
import { formatMac } from '../../../domain/pot-id.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { input, onSubmit, valueOf } from './profile-account.js';
import { call } from './profile-api.js';

/**
 * Builds the "Ajouter un pot" panel. A claim re-renders the whole Profil tab through `onClaimed`,
 * so the new panel receives the claimed pot's id in `claimedPotId` and confirms it.
 */
export function claimPanel(onClaimed: (potId: string) => void, claimedPotId: string | null = null): HTMLElement {
  const out = h('p', { class: 'form-status', attrs: { role: 'status', 'data-field': 'claim-status' } });
  if (claimedPotId !== null) out.textContent = t('claim.done', { mac: formatMac(claimedPotId) });
  const form = h('form', { class: 'auth-form' },
    input('mac', t('claim.mac')),
    input('code', t('claim.code')),
    h('button', { attrs: { type: 'submit' }, text: t('claim.submit') }));
  onSubmit(form, out, async () => {
    const claimed = await call<{ potId: string }>('POST', 'api/claim', { mac: valueOf(form, 'mac'), code: valueOf(form, 'code') });
    onClaimed(claimed.potId);
    return t('claim.done', { mac: formatMac(claimed.potId) });
  });
  return h('section', { class: 'panel' }, h('h2', { text: t('claim.title') }), h('p', { class: 'muted', text: t('claim.help') }), form, out);
}
