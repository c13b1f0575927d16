// "Profil": the dashboard language, the user's pots, and the account panels (profile-sections.ts).
import { formatMac } from '../../../domain/pot-id.js';
import { h, type View } from '../dom.js';
import { potTitle, seenText, statusText } from '../format.js';
import { currentLanguage, LANGUAGES, t, type Language } from '../i18n.js';
import { allPots, onPotsChange } from '../store.js';
import { mountAccount } from './profile-sections.js';

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

/** Lists the pots one per line, as a list rather than a table so that it wraps on a phone. */
function potList(): HTMLElement {
  const pots = allPots().sort((a, b) => potTitle(a).localeCompare(potTitle(b)));
  if (pots.length === 0) return h('p', { text: t('profile.noPots') });

  const now = Date.now();
  return h('ul', { class: 'pot-list' }, ...pots.map((pot) => {
    const title = potTitle(pot);
    return h('li', {},
      h('a', { attrs: { href: `#/pot/${pot.id}` }, text: title }),
      title === formatMac(pot.id) ? null : h('span', { class: 'mono', text: formatMac(pot.id) }),
      h('span', { class: `badge badge-${pot.status}`, text: statusText(pot.status) }),
      h('span', { class: 'muted', text: seenText(pot, now) }));
  }));
}

export function profileView(changeLanguage: ChangeLanguage): View {
  const potsHolder = h('div', {}, potList());
  const potsPanel = h('section', { class: 'panel' }, h('h2', { text: t('profile.pots') }), potsHolder);
  const account = h('div', { class: 'account' });
  const element = h('section', { class: 'page' },
    h('h1', { text: t('profile.heading') }),
    languageForm(changeLanguage),
    potsPanel,
    account);
  void mountAccount(account, potsPanel);

  const stop = onPotsChange(() => potsHolder.replaceChildren(potList()));
  return { element, destroy: stop };
}
