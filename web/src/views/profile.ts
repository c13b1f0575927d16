// "Profil": the hub's pots and the dashboard language. Accounts are not part of the hub yet.
import { formatMac } from '../../../domain/pot-id.js';
import { h, type View } from '../dom.js';
import { potTitle, seenText, statusText } from '../format.js';
import { currentLanguage, LANGUAGES, t, type Language } from '../i18n.js';
import { allPots, onPotsChange } from '../store.js';

/** Switches the language; resolves to an error message when the hub did not save it, else null. */
export type ChangeLanguage = (language: Language) => Promise<string | null>;

function languageForm(changeLanguage: ChangeLanguage): HTMLElement {
  const status = h('p', { class: 'form-status', attrs: { role: 'status' } });
  const options = LANGUAGES.map((language) => {
    const input = h('input', { attrs: { type: 'radio', name: 'language', value: language, id: `language-${language}` } });
    input.checked = language === currentLanguage();
    input.addEventListener('change', () => {
      void changeLanguage(language).then((error) => {
        // On success the whole page is rendered again in the new language, with this form.
        if (error !== null) status.textContent = t('profile.languageNotSaved', { error });
      });
    });
    return h('div', { class: 'radio' }, input, h('label', { attrs: { for: `language-${language}` }, text: t(`language.${language}`) }));
  });
  return h('fieldset', { class: 'panel' }, h('legend', { text: t('profile.language') }), ...options, status);
}

function potTable(): HTMLElement {
  const pots = allPots().sort((a, b) => potTitle(a).localeCompare(potTitle(b)));
  if (pots.length === 0) return h('p', { text: t('profile.noPots') });

  const now = Date.now();
  const rows = pots.map((pot) => h('tr', {},
    h('td', {}, h('a', { attrs: { href: `#/pot/${pot.id}` }, text: potTitle(pot) })),
    h('td', { class: 'mono', text: formatMac(pot.id) }),
    h('td', {}, h('span', { class: `badge badge-${pot.status}`, text: statusText(pot.status) })),
    h('td', { text: seenText(pot, now) })));
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {},
        h('th', { attrs: { scope: 'col' }, text: t('profile.colName') }),
        h('th', { attrs: { scope: 'col' }, text: t('detail.mac') }),
        h('th', { attrs: { scope: 'col' }, text: t('profile.colStatus') }),
        h('th', { attrs: { scope: 'col' }, text: t('detail.lastSeen') }))),
      h('tbody', {}, ...rows)));
}

export function profileView(changeLanguage: ChangeLanguage): View {
  const potsHolder = h('div', {}, potTable());
  const element = h('section', { class: 'page' },
    h('h1', { text: t('profile.heading') }),
    languageForm(changeLanguage),
    h('section', { class: 'panel' }, h('h2', { text: t('profile.pots') }), potsHolder),
    h('p', { class: 'muted', text: t('profile.accountsLater') }));

  const stop = onPotsChange(() => potsHolder.replaceChildren(potTable()));
  return { element, destroy: stop };
}
