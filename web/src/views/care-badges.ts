// Alert badges on the pot cards: the number of active alerts and the most pressing kind,
// refreshed from GET /api/care every 15 s and at once by each live `alert` event. Cards mark their
// badge with data-care-pot="<id>".
import { h, setText } from '../dom.js';
import { plural, t } from '../i18n.js';
import type { AlertEvent } from '../live.js';
import { fetchAllCare, type CareAlert } from './care-api.js';
import { loadCareStyles } from './care-panel.js';
import { photoImage } from './care-photos.js';

const REFRESH_MS = 15000;

/** Active alerts per pot from the last refresh, so a card rebuilt between refreshes keeps its badge. */
const known = new Map<string, CareAlert[]>();
/** Photo file and name per pot from the last refresh, for the card pictures. */
const photos = new Map<string, { file: string | null; name: string }>();

function fillPhoto(holder: HTMLElement): void {
  const potId = holder.dataset['carePhoto'] ?? '';
  const photo = photos.get(potId);
  if (photo?.file === undefined || photo.file === null) {
    delete holder.dataset['file'];
    holder.replaceChildren();
    return;
  }
  if (holder.dataset['file'] === photo.file) return;
  holder.dataset['file'] = photo.file;
  holder.replaceChildren(photoImage(potId, photo.file, photo.name, 'card-photo'));
}

/** Builds the photo holder of a card, filled from the last known photos. */
export function cardPhoto(potId: string): HTMLElement {
  const holder = h('div', { class: 'card-photo-holder', attrs: { 'data-care-photo': potId } });
  fillPhoto(holder);
  return holder;
}

function fill(badge: HTMLElement, alerts: CareAlert[]): void {
  badge.hidden = alerts.length === 0;
  badge.className = alerts.length > 0 ? 'care-badge care-badge-on' : 'care-badge';
  setText(badge, alerts.length === 0 ? '' : plural('care.badge', alerts.length, { first: t(`care.alert.${alerts[0]!.kind}`) }));
}

/** Builds the alert badge of a card, filled from the last known alerts. */
export function careBadge(potId: string): HTMLElement {
  const badge = h('span', { attrs: { 'data-care-pot': potId } });
  fill(badge, known.get(potId) ?? []);
  return badge;
}

function fillShownBadges(): void {
  for (const badge of document.querySelectorAll<HTMLElement>('[data-care-pot]')) {
    fill(badge, known.get(badge.dataset['carePot'] ?? '') ?? []);
  }
}

async function fillBadges(): Promise<void> {
  const { pots } = await fetchAllCare();
  known.clear();
  photos.clear();
  for (const pot of pots) {
    known.set(pot.potId, pot.alerts);
    photos.set(pot.potId, { file: pot.care.photo, name: pot.care.name ?? '' });
  }
  fillShownBadges();
  for (const holder of document.querySelectorAll<HTMLElement>('[data-care-photo]')) fillPhoto(holder);
}

/** Applies a live `alert` event to the known alerts and the badges shown. */
export function applyAlertEvent(event: AlertEvent): void {
  const others = (known.get(event.potId) ?? []).filter((alert) => alert.key !== event.alert.key);
  known.set(event.potId, event.phase === 'raised' ? [...others, event.alert] : others);
  fillShownBadges();
}

/** Keeps the card badges current until the returned function is called. */
export function followCareBadges(): () => void {
  loadCareStyles();
  const run = (): void => void fillBadges().catch((err: unknown) => console.warn('alert badges could not be loaded', err));
  run();
  const timer = window.setInterval(run, REFRESH_MS);
  return () => window.clearInterval(timer);
}
