// Texts of the "Arroser" panel that depend on what the pot reported: why a command did not run,
// from the reason code of its acknowledgement (domain/command.ts, AckReason), and the notice for a
// pot that stated it has no pump.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import type { CommandRecord } from './watering-api.js';

// Written out so every key appears as t('…') in the sources (test/web/strings.test.ts). The last
// two codes come from the hub, the others from the pot.
const REASON_TEXT: Record<string, () => string> = {
  no_pump: () => t('watering.reason.no_pump'),
  pump_busy: () => t('watering.reason.pump_busy'),
  min_interval: () => t('watering.reason.min_interval'),
  clock_not_set: () => t('watering.reason.clock_not_set'),
  no_flow: () => t('watering.reason.no_flow'),
  invalid_command: () => t('watering.reason.invalid_command'),
  not_supported: () => t('watering.reason.not_supported'),
  arrived_expired: () => t('watering.reason.arrived_expired'),
  restarted: () => t('watering.reason.restarted'),
  no_ack: () => t('watering.reason.no_ack'),
  not_published: () => t('watering.reason.not_published'),
};

/**
 * Builds the line that explains why a command did not run or failed, in the page's language. The
 * pot's own English text is shown, folded, only when its reason code is unknown or missing, as
 * with older firmware or a newer one whose codes this dashboard does not know.
 */
export function commandReason(command: CommandRecord): HTMLElement | null {
  const code = command.reason ?? null;
  const known = code === null ? undefined : REASON_TEXT[code];
  if (known) return h('small', { class: 'watering-error', attrs: { 'data-reason': code! } }, known());
  if (!command.error) return null;
  return h('small', { class: 'watering-error', attrs: { 'data-reason': code ?? '' } },
    t('watering.reason.unknown'), ' ',
    h('details', { class: 'watering-error-detail' },
      h('summary', { text: t('watering.reason.detail') }),
      h('span', { attrs: { lang: 'en' }, text: code === null ? command.error : `${code}: ${command.error}` })));
}

/** Builds the explanation shown in place of the button for a pot that has no pump. */
export function noPumpNotice(): HTMLElement {
  return h('div', { class: 'watering-no-pump', attrs: { 'data-field': 'water-no-pump' } },
    h('p', { text: t('watering.noPump') }),
    h('p', {}, t('watering.noPumpHow'), ' ', h('code', { text: 'npm run device:config -- --pump-pin D26' }), '. ',
      t('watering.noPumpDocs'), ' ', h('code', { text: t('watering.noPumpDocPath') }), '.'));
}
