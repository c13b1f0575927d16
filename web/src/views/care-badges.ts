// Alert badges on the pot cards: the number of active alerts and the most pressing kind,
// refreshed from GET /api/care. Cards mark their badge with data-care-pot="<id>".
import { h, setText } from '../dom.js';
import { t } from '../i18n.js';
import { fetchAllCare, type CareAlert } from './care-api.js';
import { loadCareStyles } from './care-panel.js';

const REFRESH_MS = 15000;

/** Active alerts per pot from the last refresh, so a card rebuilt between refreshes keeps its badge. */
const known = new Map<string, CareAlert[]>();

function fill(badge: HTMLElement, alerts: CareAlert[]): void {
  badge.hidden = alerts.length === 0;
  badge.className = alerts.length > 0 ? 'care-badge care-badge-on' : 'care-badge';
  setText(badge, alerts.length === 0 ? '' : t('care.badge', { count: alerts.length, first: t(`care.alert.${alerts[0]!.kind}`) }));
}

/** Builds the alert badge of a card, filled from the last known alerts. */
export function careBadge(potId: string): HTMLElement {
  const badge = h('span', { attrs: { 'data-care-pot': potId } });
  fill(badge, known.get(potId) ?? []);
  return badge;
}

async function fillBadges(): Promise<void> {
  const { pots } = await fetchAllCare();
  known.clear();
  for (const pot of pots) known.set(pot.potId, pot.alerts);
  for (const badge of document.querySelectorAll<HTMLElement>('[data-care-pot]')) {
    fill(badge, known.get(badge.dataset['carePot'] ?? '') ?? []);
  }
}

/** Keeps the card badges current until the returned function is called. */
export function followCareBadges(): () => void {
  loadCareStyles();
  const run = (): void => void fillBadges().catch((err: unknown) => console.warn('alert badges could not be loaded', err));
  run();
  const timer = window.setInterval(run, REFRESH_MS);
  return () => window.clearInterval(timer);
}
