// "Mes pots": one card per pot with its live values, updated in place as events arrive.
import { formatMac } from '../../../domain/pot-id.js';
import { h, setText, type Child, type View } from '../dom.js';
import { t } from '../i18n.js';
import { lightText, moistureText, potTitle, readingWarnings, seenText, statusText, type ValueText } from '../format.js';
import { allPots, onPotsChange, potsLoadState } from '../store.js';
import { cardPhoto, careBadge, followCareBadges } from './care-badges.js';
import type { Pot } from '../types.js';

/** How often "seen 12 s ago" is rewritten, in milliseconds. */
const SEEN_REFRESH_MS = 5000;

function valueRow(label: string, field: string, value: ValueText): HTMLElement {
  return h('div', { class: 'value-row' },
    h('dt', { text: label }),
    h('dd', { attrs: { 'data-field': field } },
      h('span', { class: 'value', text: value.text }),
      value.note ? h('span', { class: 'value-note', text: value.note }) : null));
}

function fillCard(card: HTMLAnchorElement, pot: Pot): void {
  const title = potTitle(pot);
  const warnings = readingWarnings(pot.latest);
  card.className = `card card-${pot.status}`;

  const parts: Child[] = [
    h('div', { class: 'card-head' },
      h('h2', { class: 'card-title', text: title }),
      h('span', { class: `badge badge-${pot.status}`, attrs: { 'data-field': 'status' }, text: statusText(pot.status) })),
    title === formatMac(pot.id) ? null : h('p', { class: 'card-mac', text: formatMac(pot.id) }),
    h('dl', { class: 'values' },
      valueRow(t('value.moisture'), 'moisture', moistureText(pot.latest)),
      valueRow(t('value.light'), 'light', lightText(pot.latest))),
    warnings.length > 0 ? h('ul', { class: 'warnings' }, ...warnings.map((text) => h('li', { text }))) : null,
    h('p', { class: 'seen', attrs: { 'data-field': 'seen' }, text: seenText(pot, Date.now()) }),
    careBadge(pot.id),
    cardPhoto(pot.id),
  ];
  card.replaceChildren(...parts.filter((part): part is Node => part instanceof Node));
}

function emptyState(): HTMLElement {
  return h('div', { class: 'empty' },
    h('h2', { text: t('pots.emptyTitle') }),
    h('p', { text: t('pots.emptyVirtual') }),
    h('pre', {}, h('code', { text: 'npm run pot' })),
    h('p', { text: t('pots.emptyReal') }),
    // With accounts, a pot shows here once claimed: the Profil tab takes its MAC and code.
    h('p', {}, h('a', { attrs: { href: '#/profil' }, text: t('pots.claimLink') })));
}

function byTitle(a: Pot, b: Pot): number {
  return potTitle(a).localeCompare(potTitle(b)) || a.id.localeCompare(b.id);
}

export function potsView(): View {
  const message = h('div', { class: 'list-message' });
  const list = h('ul', { class: 'cards' });
  const element = h('section', { class: 'page' }, h('h1', { text: t('pots.heading') }), message, list);
  const cards = new Map<string, { item: HTMLLIElement; link: HTMLAnchorElement }>();

  function card(pot: Pot): HTMLLIElement {
    let entry = cards.get(pot.id);
    if (!entry) {
      const link = h('a', { attrs: { href: `#/pot/${pot.id}`, 'data-pot-id': pot.id } });
      entry = { item: h('li', {}, link), link };
      cards.set(pot.id, entry);
    }
    fillCard(entry.link, pot);
    return entry.item;
  }

  function renderMessage(count: number): void {
    const { state, error } = potsLoadState();
    message.replaceChildren();
    if (state === 'loading') message.append(h('p', { text: t('pots.loading') }));
    else if (state === 'failed') message.append(h('p', { class: 'error', attrs: { role: 'alert' }, text: t('pots.loadFailed', { error }) }));
    else if (count === 0) message.append(emptyState());
  }

  function render(): void {
    const pots = allPots().sort(byTitle);
    renderMessage(pots.length);

    const items = pots.map(card);
    const current = new Set(pots.map((pot) => pot.id));
    for (const [id, entry] of cards) {
      if (!current.has(id)) {
        entry.item.remove();
        cards.delete(id);
      }
    }
    // Only reorder when needed: moving a focused card would drop keyboard focus.
    const inOrder = items.every((item, index) => list.children[index] === item);
    if (!inOrder || list.children.length !== items.length) list.replaceChildren(...items);
  }

  function refreshSeen(): void {
    for (const pot of allPots()) {
      const seen = cards.get(pot.id)?.link.querySelector('[data-field="seen"]');
      if (seen) setText(seen, seenText(pot, Date.now()));
    }
  }

  render();
  const stopListening = onPotsChange(render);
  const stopBadges = followCareBadges();
  const timer = window.setInterval(refreshSeen, SEEN_REFRESH_MS);
  return {
    element,
    destroy() {
      stopListening();
      stopBadges();
      window.clearInterval(timer);
    },
  };
}
