// Dashboard entry point: loads the language, follows the hub's event stream and shows the page
// the URL hash names.
import { fetchLanguageSetting, fetchPot, fetchPots, saveLanguageSetting } from './api.js';
import { h, type View } from './dom.js';
import {
  currentLanguage, DEFAULT_LANGUAGE, isLanguage, loadLanguage, storedLanguage,
  storeLanguage, t, translateStatic, type Language,
} from './i18n.js';
import { connectLive, type LiveState } from './live.js';
import { parseRoute, type Route } from './router.js';
import { applyReading, markLoadFailed, notifyResync, replacePots, upsertPot } from './store.js';
import { applyAlertEvent } from './views/care-badges.js';
import { potView } from './views/pot.js';
import { potsView } from './views/pots.js';
import { profileView } from './views/profile.js';

/**
 * The hub recomputes online/offline from the time; a pot that goes quiet sends no event, so the
 * list is fetched again this often, in milliseconds.
 */
const POTS_REFRESH_MS = 60_000;

let view: View | null = null;

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`element #${id} is missing from index.html: rebuild with npm run build:web`);
  return found;
}

async function refreshPots(): Promise<void> {
  try {
    replacePots(await fetchPots());
  } catch (err) {
    console.warn('pot list could not be loaded', err);
    markLoadFailed((err as Error).message);
  }
}

function notFoundView(): View {
  return {
    element: h('section', { class: 'page' },
      h('h1', { text: t('notFound.heading') }),
      h('p', {}, h('a', { attrs: { href: '#/' }, text: t('pot.back') }))),
    destroy() {},
  };
}

function createView(route: Route): View {
  switch (route.name) {
    case 'pots': return potsView();
    case 'pot': return potView(route.id);
    case 'profile': return profileView(changeLanguage);
    case 'notFound': return notFoundView();
  }
}

function render(): void {
  const route = parseRoute(location.hash);
  // Set before the view is built, because the pot page replaces it with the pot's name.
  const titles: Record<Route['name'], string> = {
    pots: t('pots.heading'), pot: t('pots.heading'), profile: t('profile.heading'), notFound: t('notFound.heading'),
  };
  document.title = `${titles[route.name]} – POCO`;

  view?.destroy();
  view = createView(route);
  element('app').replaceChildren(view.element);

  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    const current = parseRoute(link.hash).name === (route.name === 'pot' ? 'pots' : route.name);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function showLanguage(): void {
  translateStatic(document);
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-language]')) {
    button.setAttribute('aria-pressed', String(button.dataset['language'] === currentLanguage()));
  }
}

/** Switches the language and saves it in this browser and on the hub; returns the hub's error. */
async function changeLanguage(language: Language): Promise<string | null> {
  storeLanguage(language);
  await loadLanguage(language);
  showLanguage();
  render();
  try {
    await saveLanguageSetting(language);
    return null;
  } catch (err) {
    console.warn('language not saved on the hub', err);
    return (err as Error).message;
  }
}

/**
 * This browser's own choice wins; a browser that never chose follows the hub's setting, and
 * French when the hub has none.
 */
async function initialLanguage(): Promise<Language> {
  const stored = storedLanguage();
  if (stored) return stored;
  try {
    const setting = await fetchLanguageSetting();
    return isLanguage(setting) ? setting : DEFAULT_LANGUAGE;
  } catch (err) {
    console.warn('language setting could not be read from the hub', err);
    return DEFAULT_LANGUAGE;
  }
}

function showLiveState(state: LiveState): void {
  document.documentElement.dataset['live'] = state;
  element('live-banner').hidden = state !== 'lost';
}

function followHub(): void {
  connectLive('api/events', {
    onOpen: () => {
      void refreshPots();
      notifyResync();
    },
    onStateChange: showLiveState,
    onPot: (event) => upsertPot(event.pot),
    onAlert: applyAlertEvent,
    onReading: (event) => {
      if (applyReading(event.potId, event.reading)) return;
      fetchPot(event.potId).then(upsertPot, (err: unknown) => console.warn(`new pot ${event.potId} could not be loaded`, err));
    },
  });
  window.setInterval(() => void refreshPots(), POTS_REFRESH_MS);
}

async function start(): Promise<void> {
  await loadLanguage(await initialLanguage());
  showLanguage();
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-language]')) {
    const language = button.dataset['language'];
    if (isLanguage(language)) button.addEventListener('click', () => void changeLanguage(language));
  }

  render();
  window.addEventListener('hashchange', () => {
    render();
    // Screen readers and keyboards start on the new page instead of the link that led there.
    element('app').focus();
  });
  // The skip link's own "#app" would be read as a route, so it moves focus without changing the hash.
  element('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    element('app').focus();
  });
  void refreshPots();
  followHub();
}

start().catch((err: unknown) => {
  console.error('dashboard failed to start', err);
  const message = `Le tableau de bord n'a pas pu démarrer / The dashboard failed to start: ${(err as Error).message}`;
  element('app').replaceChildren(h('p', { class: 'error', attrs: { role: 'alert' }, text: message }));
});
