// The pot page's history panel: period buttons (24 h, 7 days, 30 days, 1 year, custom range), the
// chart of the chosen period, export links for the range shown and the hub's retention policy.
// The 24-hour view is the live chart of raw readings; longer periods come from the hub's `/series`.
import { fetchRawRetentionDays, fetchReadings, fetchSeries } from '../api.js';
import { createPotChart, type PotChart } from '../chart.js';
import { h, setText } from '../dom.js';
import { formatDays, t } from '../i18n.js';
import { DAY_MS, exportUrl, localDayText, parseCustomRange, presetRange, PRESETS, type PeriodId, type TimeRange } from '../periods.js';
import type { StoredReading } from '../types.js';
import { createRangeChart, type RangeChart } from './history-chart.js';

export interface HistoryPanel {
  element: HTMLElement;
  /** Adds a live reading of this pot. */
  add(reading: StoredReading): void;
  /** Loads the shown period again, after the live stream reconnected. */
  reload(): void;
  destroy(): void;
}

/** Shortest time between two `/series` requests of a longer period, whatever readings arrive. */
const MIN_REFRESH_MS = 60_000;
/** A longer period also refreshes this often with no reading, so its window keeps up with now. */
const SLIDE_MS = 5 * 60_000;

type Chart = { kind: 'live'; chart: PotChart } | { kind: 'range'; chart: RangeChart };

interface Controls {
  element: HTMLElement;
  buttons: Map<PeriodId, HTMLButtonElement>;
  form: HTMLFormElement;
  fromInput: HTMLInputElement;
  toInput: HTMLInputElement;
  formError: HTMLElement;
}

function dateField(name: string, label: string): [HTMLLabelElement, HTMLInputElement] {
  const input = h('input', { attrs: { type: 'date', name, id: `history-${name}`, required: '' } });
  return [h('label', { attrs: { for: input.id }, text: label }), input];
}

function buildControls(): Controls {
  const buttons = new Map<PeriodId, HTMLButtonElement>();
  for (const id of [...PRESETS.map((p) => p.id), 'custom' as const]) {
    buttons.set(id, h('button', { class: 'period', attrs: { type: 'button', 'data-period': id, 'aria-pressed': 'false' }, text: t(`history.period.${id}`) }));
  }
  const [fromLabel, fromInput] = dateField('from', t('history.from'));
  const [toLabel, toInput] = dateField('to', t('history.to'));
  const formError = h('p', { class: 'error form-error', attrs: { role: 'alert' } });
  const form = h('form', { class: 'history-custom', attrs: { novalidate: '' } },
    h('div', { class: 'date-field' }, fromLabel, fromInput),
    h('div', { class: 'date-field' }, toLabel, toInput),
    h('button', { attrs: { type: 'submit' }, text: t('history.show') }),
    formError);
  form.hidden = true;
  const group = h('div', { class: 'periods', attrs: { role: 'group', 'aria-label': t('history.periods') } }, ...buttons.values());
  return { element: h('div', { class: 'history-controls' }, group, form), buttons, form, fromInput, toInput, formError };
}

/** Creates the panel of pot `potId`; `intervalS` returns the pot's current reading interval. */
export function historyPanel(potId: string, intervalS: () => number): HistoryPanel {
  const controls = buildControls();
  // The canvas has no text of its own; the values it draws are in the live values and details.
  const host = h('div', { class: 'chart', attrs: { 'data-points': '0', role: 'img', 'aria-label': t('chart.label') } });
  const status = h('p', { class: 'history-status', attrs: { 'aria-live': 'polite' } });
  const bandNote = h('p', { class: 'history-note', text: t('history.band') });
  const csv = h('a', { class: 'export', attrs: { 'data-export': 'csv', download: '' }, text: t('history.exportCsv') });
  const json = h('a', { class: 'export', attrs: { 'data-export': 'json', download: '' }, text: t('history.exportJson') });
  const retention = h('p', { class: 'history-note', attrs: { 'data-field': 'retention' } });
  const element = h('section', { class: 'panel history' },
    h('h2', { text: t('history.title') }), controls.element, host, status, bandNote,
    h('p', { class: 'exports' }, csv, json), retention);

  let period: PeriodId = '24h';
  let range: TimeRange = presetRange(DAY_MS, Date.now());
  let chart: Chart | null = null;
  /** Live readings that arrived while the 24-hour history was loading. */
  let early: StoredReading[] | null = null;
  /** Increased by each load, so a late response of an earlier period is dropped. */
  let generation = 0;
  let lastLoad = 0;
  let refreshTimer: number | undefined;
  let slideTimer: number | undefined;

  function setRange(next: TimeRange): void {
    range = next;
    csv.href = exportUrl(potId, 'csv', next);
    json.href = exportUrl(potId, 'json', next);
  }

  function replaceChart(next: Chart | null): void {
    chart?.chart.destroy();
    host.replaceChildren();
    for (const key of ['points', 'columns', 'kind', 'stepS', 'spanS']) delete host.dataset[key];
    host.dataset['points'] = '0';
    chart = next;
  }

  async function loadLive(current: number): Promise<void> {
    const now = Date.now();
    setRange(presetRange(DAY_MS, now));
    replaceChart(null);
    const live = createPotChart(host, intervalS);
    chart = { kind: 'live', chart: live };
    early = [];
    bandNote.hidden = true;
    try {
      const response = await fetchReadings(potId, now - DAY_MS, now);
      if (current !== generation) return;
      live.add([...response.readings, ...early]);
      setText(status, '');
    } catch (err) {
      if (current !== generation) return;
      live.add(early);
      setText(status, t('pot.historyFailed', { error: (err as Error).message }));
    }
    early = null;
  }

  async function loadRange(current: number, shown: TimeRange): Promise<void> {
    setText(status, t('history.loading'));
    try {
      const series = await fetchSeries(potId, shown.from, shown.to);
      if (current !== generation) return;
      if (chart?.kind !== 'range') replaceChart({ kind: 'range', chart: createRangeChart(host) });
      (chart as { chart: RangeChart }).chart.show(series);
      bandNote.hidden = series.kind !== 'buckets';
      const points = series.n.filter((n) => n > 0).length;
      setText(status, points === 0 ? t('history.empty') : '');
    } catch (err) {
      if (current !== generation) return;
      setText(status, t('history.failed', { error: (err as Error).message }));
    }
  }

  function load(): void {
    const current = ++generation;
    lastLoad = Date.now();
    window.clearTimeout(refreshTimer);
    refreshTimer = undefined;
    const preset = PRESETS.find((p) => p.id === period);
    if (period === '24h') {
      void loadLive(current);
      return;
    }
    if (preset) setRange(presetRange(preset.spanMs, Date.now()));
    void loadRange(current, range);
  }

  /** Refreshes a preset longer period once MIN_REFRESH_MS passed since its last load. */
  function scheduleRefresh(): void {
    if (period === '24h' || period === 'custom' || refreshTimer !== undefined) return;
    const wait = Math.max(0, lastLoad + MIN_REFRESH_MS - Date.now());
    refreshTimer = window.setTimeout(() => {
      refreshTimer = undefined;
      load();
    }, wait);
  }

  function choose(next: PeriodId): void {
    period = next;
    for (const [id, button] of controls.buttons) button.setAttribute('aria-pressed', String(id === next));
    controls.form.hidden = next !== 'custom';
    if (next === 'custom') {
      const today = localDayText(Date.now());
      controls.fromInput.max = today;
      controls.toInput.max = today;
      if (controls.toInput.value === '') controls.toInput.value = today;
      if (controls.fromInput.value === '') controls.fromInput.value = localDayText(Date.now() - 7 * DAY_MS);
      controls.fromInput.focus();
      return;
    }
    load();
  }

  for (const [id, button] of controls.buttons) button.addEventListener('click', () => choose(id));
  controls.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parseCustomRange(controls.fromInput.value, controls.toInput.value, Date.now());
    setText(controls.formError, parsed.ok ? '' : t(`history.error.${parsed.error}`));
    controls.fromInput.setAttribute('aria-invalid', String(!parsed.ok));
    if (!parsed.ok) return;
    setRange(parsed.range);
    load();
  });
  // The links of a preset period export up to the moment of the click, not of the last load.
  for (const link of [csv, json]) {
    link.addEventListener('click', () => {
      const preset = PRESETS.find((p) => p.id === period);
      if (preset) setRange(presetRange(preset.spanMs, Date.now()));
    });
  }
  slideTimer = window.setInterval(() => {
    if (period !== '24h' && period !== 'custom') load();
  }, SLIDE_MS);

  fetchRawRetentionDays().then(
    (days) => setText(retention, t('history.retention', { days: formatDays(days) })),
    (err: unknown) => console.warn('retention policy could not be loaded', err),
  );
  choose('24h');

  return {
    element,
    add(reading) {
      if (chart?.kind === 'live') {
        if (early) early.push(reading);
        else chart.chart.add([reading]);
      } else {
        scheduleRefresh();
      }
    },
    reload: load,
    destroy() {
      generation++;
      window.clearTimeout(refreshTimer);
      window.clearInterval(slideTimer);
      replaceChart(null);
    },
  };
}
