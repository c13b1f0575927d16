// A pot's page: live values, the history chart with its periods and exports, and the pot's details.
import { formatMac, parsePotId } from '../../../domain/pot-id.js';
import { fetchPot, HttpError } from '../api.js';
import { h, setText, type View } from '../dom.js';
import { lightText, moistureText, potTitle, readingWarnings, seenText, statusText, type ValueText } from '../format.js';
import { formatDateTime, formatNumber, t } from '../i18n.js';
import { getPot, onPotsChange, onReading, onResync, upsertPot } from '../store.js';
import { apiErrorElement, errorCodeText } from './api-errors.js';
import { carePanels } from './care-panel.js';
import { wateringPanel } from './watering-panel.js';
import { historyPanel, type HistoryPanel } from './history-panel.js';
import type { Pot } from '../types.js';

const SEEN_REFRESH_MS = 5000;

function detailRows(pot: Pot): Array<[string, string]> {
  const latest = pot.latest;
  const dash = '—';
  const when = (ms: number | null | undefined): string => (typeof ms === 'number' ? formatDateTime(ms) : dash);
  return [
    [t('detail.mac'), formatMac(pot.id)],
    [t('detail.firmware'), latest?.fw ?? dash],
    [t('detail.rssi'), typeof latest?.rssi === 'number' ? t('unit.dbm', { value: formatNumber(latest.rssi) }) : dash],
    [t('detail.battery'), typeof latest?.battery_mv === 'number' ? t('unit.volt', { value: formatNumber(latest.battery_mv / 1000, 2) }) : dash],
    [t('detail.seq'), typeof latest?.seq === 'number' ? formatNumber(latest.seq) : dash],
    [t('detail.interval'), t('unit.seconds', { value: formatNumber(pot.intervalS) })],
    [t('detail.measuredAt'), latest ? `${when(latest.at)} (${t(`clock.${latest.clock}`)})` : dash],
    [t('detail.lastSeen'), when(pot.lastSeen)],
    [t('detail.firstSeen'), when(pot.firstSeen)],
  ];
}

interface BigValue {
  element: HTMLElement;
  set(value: ValueText): void;
}

/** Builds a large value with its label and note; later updates change only its text. */
function bigValue(label: string, field: string): BigValue {
  const value = h('span', { class: 'value', attrs: { 'data-field': field } });
  const note = h('span', { class: 'value-note' });
  const element = h('div', { class: 'big-value' }, h('span', { class: 'big-label', text: label }), value, note);
  return {
    element,
    set(next) {
      setText(value, next.text);
      setText(note, next.note ?? '');
      note.hidden = next.note === null;
    },
  };
}

interface PotPage {
  element: HTMLElement;
  update(pot: Pot): void;
  refreshSeen(pot: Pot): void;
}

function potPage(pot: Pot, historyElement: HTMLElement): PotPage {
  const title = h('h1', { text: potTitle(pot) });
  const badge = h('span', { attrs: { 'data-field': 'status' } });
  const moisture = bigValue(t('value.moisture'), 'moisture');
  const light = bigValue(t('value.light'), 'light');
  const warnings = h('ul', { class: 'warnings' });
  // Only the measured values are announced to screen readers, not the ticking "seen" line.
  const values = h('div', { class: 'live-values', attrs: { 'aria-live': 'polite' } }, moisture.element, light.element);
  const seen = h('p', { class: 'seen', attrs: { 'data-field': 'seen' } });
  const details = h('dl', { class: 'details' });

  function update(next: Pot): void {
    setText(title, potTitle(next));
    badge.className = `badge badge-${next.status}`;
    setText(badge, statusText(next.status));
    moisture.set(moistureText(next.latest));
    light.set(lightText(next.latest));
    warnings.replaceChildren(...readingWarnings(next.latest).map((text) => h('li', { text })));
    warnings.hidden = warnings.children.length === 0;
    setText(seen, seenText(next, Date.now()));
    details.replaceChildren(...detailRows(next).map(([label, value]) =>
      h('div', { class: 'detail-row' }, h('dt', { text: label }), h('dd', { text: value }))));
  }

  const element = h('div', { class: 'pot-page' },
    h('div', { class: 'pot-head' }, title, badge),
    values,
    warnings,
    seen,
    historyElement,
    h('section', { class: 'panel' }, h('h2', { text: t('pot.detailsTitle') }), details));
  update(pot);
  return { element, update, refreshSeen: (next) => setText(seen, seenText(next, Date.now())) };
}

export function potView(idText: string): View {
  const back = h('p', { class: 'back' }, h('a', { attrs: { href: '#/' }, text: t('pot.back') }));
  const body = h('div', { class: 'list-message' }, h('p', { text: t('pots.loading') }));
  const element = h('section', { class: 'page' }, back, body);
  const stops: Array<() => void> = [];
  let historyPanelView: HistoryPanel | null = null;
  let destroyed = false;

  const parsed = parsePotId(idText);
  if (!parsed.ok || !parsed.id) {
    const reason = parsed.reason ?? 'mac_format';
    body.replaceChildren(h('h1', { text: t('pot.invalidTitle') }),
      h('p', { class: 'mono', text: idText.slice(0, 40) }),
      h('p', { class: 'error', attrs: { 'data-code': reason }, text: errorCodeText(reason) ?? idText }));
    return { element, destroy() {} };
  }
  const id = parsed.id;

  // A reading that arrives before the panel exists is in the panel's first history request.
  stops.push(onReading((potId, reading) => {
    if (potId === id) historyPanelView?.add(reading);
  }));

  async function start(): Promise<void> {
    let pot = getPot(id);
    if (!pot) {
      try {
        pot = await fetchPot(id);
        upsertPot(pot);
      } catch (err) {
        if (destroyed) return;
        const notFound = err instanceof HttpError && err.status === 404;
        const text = notFound ? t('pot.notFound', { mac: formatMac(id) }) : apiErrorElement(err);
        body.replaceChildren(h('h1', { text: t('pot.notFoundTitle') }), h('p', { class: 'error' }, text));
        return;
      }
    }
    if (destroyed) return;

    const firstInterval = pot.intervalS;
    historyPanelView = historyPanel(id, () => getPot(id)?.intervalS ?? firstInterval);
    const page = potPage(pot, historyPanelView.element);
    body.replaceWith(page.element);
    const watering = wateringPanel(id);
    const care = carePanels(id);
    page.element.append(watering.element, care.element);
    stops.push(watering.destroy);
    stops.push(care.destroy);
    document.title = `${potTitle(pot)} – POCO`;
    stops.push(onPotsChange((potId) => {
      const current = getPot(id);
      if (current && (potId === null || potId === id)) page.update(current);
    }));
    const timer = window.setInterval(() => {
      const current = getPot(id);
      if (current) page.refreshSeen(current);
    }, SEEN_REFRESH_MS);
    stops.push(() => window.clearInterval(timer));
    stops.push(onResync(() => historyPanelView?.reload()));
  }

  void start();
  return {
    element,
    destroy() {
      destroyed = true;
      for (const stop of stops) stop();
      historyPanelView?.destroy();
    },
  };
}
