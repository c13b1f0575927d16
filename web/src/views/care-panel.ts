// Plant care on the pot page: species and name, plant state with explanations, sensor faults and
// alerts, pot health, the watering forecast, the care timeline with notes, and the calibration
// wizard. Pot names and notes are untrusted text and only ever set as text.
import { h, setText } from '../dom.js';
import { currentLanguage, formatDateTime, formatDays, formatNumber, t } from '../i18n.js';
import { onReading } from '../store.js';
import {
  addNote, fetchCare, fetchSpecies, fetchTimeline, saveCare,
  type CareSummary, type SpeciesEntry, type TimelineEvent,
} from './care-api.js';
import { photoPanel, timelinePhoto } from './care-photos.js';
import { calibrationWizard } from './care-wizard.js';
import { wateringCommandText, wateringRuleText } from './watering-events.js';

const REFRESH_MS = 15000;
const SHOWN_EVENTS = 30;

/** Adds web/public/care.css to the page once. */
export function loadCareStyles(): void {
  if (document.querySelector('link[data-care-css]')) return;
  document.head.append(h('link', { attrs: { rel: 'stylesheet', href: 'care.css', 'data-care-css': '' } }));
}

function speciesName(species: SpeciesEntry): string {
  return currentLanguage() === 'fr' ? species.name_fr : species.name_en;
}

function stateRows(care: CareSummary): Array<[string, string, string]> {
  const rows: Array<[string, string, string]> = [];
  const range = care.thresholds;
  rows.push([t('care.moistureState'), t(`care.state.${care.moistureState}`),
    range ? t('care.explainMoisture', { min: range.moisture.min, max: range.moisture.max }) : t('care.explainNoSpecies')]);
  rows.push([t('care.lightState'), t(`care.state.${care.lightState}`),
    range ? t('care.explainLight', { min: formatNumber(range.light.min), max: formatNumber(range.light.max) }) : t('care.explainNoSpecies')]);
  const health = care.health;
  rows.push([t('care.battery'), health.battery_mv === null ? '—' : t('unit.volt', { value: formatNumber(health.battery_mv / 1000, 2) }), t('care.explainBattery')]);
  rows.push([t('care.rssi'), health.rssi === null ? '—' : t('unit.dbm', { value: formatNumber(health.rssi) }), t('care.explainRssi')]);
  rows.push([t('care.firmware'), health.fw ?? '—', '']);
  return rows;
}

function forecastText(care: CareSummary): string {
  const forecast = care.forecast;
  if (!forecast) return t('care.forecast.none');
  if (!forecast.result.ok || forecast.days === null) return t(`care.forecast.${forecast.result.reason ?? 'none'}`);
  const { days, earliest, latest } = forecast.days;
  return t('care.forecast.in', { days: formatDays(days, 1), earliest: formatDays(earliest, 1), latest: formatDays(latest, 1) });
}

/** Text of a detected watering: the rise in percent, or the raw counts when the pot is not calibrated. */
function wateringDetectedText(data: Record<string, unknown>): string {
  const rise = data['risePercent'];
  if (typeof rise === 'number') return t('care.event.watering', { rise: formatNumber(rise, 0) });
  const before = data['rawBefore'];
  const after = data['rawAfter'];
  if (typeof before === 'number' && typeof after === 'number') return t('care.event.wateringRaw', { before: formatNumber(before), after: formatNumber(after) });
  return t('care.event.wateringDetected');
}

function eventText(event: TimelineEvent): string {
  const data = event.data;
  switch (event.kind) {
    case 'watering': return wateringDetectedText(data);
    case 'alert_raised': return t('care.event.raised', { alert: t(`care.alert.${String(data['alert'])}`) });
    case 'alert_cleared': return t('care.event.cleared', { alert: t(`care.alert.${String(data['alert'])}`) });
    case 'calibration': return t('care.event.calibration', { version: String(data['version']), dry: String(data['dry']), wet: String(data['wet']) });
    case 'note': return t('care.event.note', { text: String(data['text']) });
    case 'photo': return typeof data['caption'] === 'string' ? t('care.event.photoCaption', { caption: data['caption'] }) : t('care.event.photo');
    case 'watering_command': return wateringCommandText(data);
    case 'watering_rule': return wateringRuleText(data);
    default: return event.kind;
  }
}

function settingsForm(potId: string, species: SpeciesEntry[], care: CareSummary, onSaved: () => void): HTMLElement {
  const name = h('input', { attrs: { type: 'text', maxlength: '60', 'data-field': 'care-name' } });
  name.value = care.care.name ?? '';
  const select = h('select', { attrs: { 'data-field': 'care-species' } }, h('option', { attrs: { value: '' }, text: t('care.noSpecies') }));
  const sorted = species.slice().sort((a, b) => speciesName(a).localeCompare(speciesName(b)));
  for (const entry of sorted) select.append(h('option', { attrs: { value: entry.id }, text: `${speciesName(entry)} (${entry.latin})` }));
  select.value = care.care.speciesId ?? '';
  const message = h('span', { class: 'care-status', attrs: { role: 'status' } });
  const form = h('form', { class: 'care-form' },
    h('label', {}, h('span', { text: t('care.name') }), name),
    h('label', {}, h('span', { text: t('care.species') }), select),
    h('button', { attrs: { type: 'submit' }, text: t('care.save') }),
    message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void saveCare(potId, { name: name.value, speciesId: select.value === '' ? null : select.value }).then(() => {
      setText(message, t('care.saved'));
      onSaved();
    }, (err: unknown) => setText(message, (err as Error).message));
  });
  return form;
}

/** Builds the care panels of a pot page; `destroy` stops their refresh. */
export function carePanels(potId: string): { element: HTMLElement; destroy(): void } {
  loadCareStyles();
  const stateList = h('dl', { class: 'care-state', attrs: { 'data-field': 'care-state' } });
  const alerts = h('ul', { class: 'care-alerts', attrs: { 'data-field': 'care-alerts' } });
  const faults = h('ul', { class: 'warnings', attrs: { 'data-field': 'care-faults' } });
  const forecast = h('p', { class: 'care-forecast', attrs: { 'data-field': 'care-forecast' } });
  const settingsHost = h('div', {});
  const timeline = h('ol', { class: 'care-timeline', attrs: { 'data-field': 'care-timeline' } });
  const note = h('input', { attrs: { type: 'text', maxlength: '1000', 'data-field': 'care-note' } });
  const noteForm = h('form', { class: 'care-form' }, h('label', {}, h('span', { text: t('care.note') }), note), h('button', { attrs: { type: 'submit' }, text: t('care.addNote') }));
  const photo = photoPanel(potId, () => void refresh());
  let species: SpeciesEntry[] = [];
  let settingsShown = false;

  function show(care: CareSummary): void {
    stateList.replaceChildren(...stateRows(care).map(([label, value, explain]) =>
      h('div', { class: 'care-row' }, h('dt', { text: label }), h('dd', {}, h('strong', { text: value }), explain ? h('span', { class: 'explain', text: explain }) : null))));
    faults.replaceChildren(...care.faults.map((f) => h('li', { text: t('care.fault', { sensor: t(`care.sensor.${f.sensor}`), kind: t(`care.faultKind.${f.kind}`) }) })));
    faults.hidden = care.faults.length === 0;
    alerts.replaceChildren(...care.alerts.map((a) => h('li', { class: `care-alert care-alert-${a.kind}`, text: `${t(`care.alert.${a.kind}`)} · ${formatDateTime(a.at)}` })));
    if (care.alerts.length === 0) alerts.append(h('li', { class: 'care-none', text: t('care.noAlert') }));
    setText(forecast, forecastText(care));
    photo.show(care.care.photo, care.care.name ?? '');
    if (!settingsShown && species.length > 0) {
      settingsHost.replaceChildren(settingsForm(potId, species, care, () => void refresh()));
      settingsShown = true;
    }
  }

  async function refresh(): Promise<void> {
    try {
      const [care, events] = await Promise.all([fetchCare(potId), fetchTimeline(potId)]);
      show(care);
      const recent = events.events.slice(-SHOWN_EVENTS).reverse();
      timeline.replaceChildren(...recent.map((event) => h('li', { class: `event-${event.kind}` }, h('time', { text: formatDateTime(event.at) }), ' ', h('span', { text: eventText(event) }),
        event.kind === 'photo' ? timelinePhoto(potId, event.data) : null)));
      if (recent.length === 0) timeline.append(h('li', { class: 'care-none', text: t('care.noEvent') }));
    } catch (err) {
      console.warn(`care of pot ${potId} could not be loaded`, err);
    }
  }

  noteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (note.value.trim() === '') return;
    void addNote(potId, note.value).then(() => {
      note.value = '';
      void refresh();
    }, (err: unknown) => console.warn('note not saved', err));
  });

  const element = h('div', { class: 'care-panels' },
    h('section', { class: 'panel', attrs: { 'data-panel': 'care' } },
      h('h2', { text: t('care.title') }),
      settingsHost,
      h('h3', { text: t('care.alertsTitle') }), alerts, faults,
      stateList,
      h('h3', { text: t('care.forecastTitle') }), forecast),
    photo.element,
    h('section', { class: 'panel', attrs: { 'data-panel': 'timeline' } }, h('h2', { text: t('care.timelineTitle') }), noteForm, timeline),
    calibrationWizard(potId, () => void refresh()));

  void fetchSpecies().then((list) => {
    species = list.species;
    return refresh();
  }, (err: unknown) => console.warn('species could not be loaded', err));
  let pending: number | undefined;
  const stopReading = onReading((id) => {
    if (id !== potId || pending !== undefined) return;
    pending = window.setTimeout(() => {
      pending = undefined;
      void refresh();
    }, 1000);
  });
  const timer = window.setInterval(() => void refresh(), REFRESH_MS);
  return {
    element,
    destroy() {
      stopReading();
      window.clearInterval(timer);
      window.clearTimeout(pending);
    },
  };
}
