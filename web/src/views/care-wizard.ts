// Calibration wizard on the pot page: capture the live raw value in dry soil, then in freshly
// watered, saturated soil, save both points (the hub sends them to the pot), and recompute the
// stored history. Each step explains why soil is used and not air or a glass of water.
import { h, setText } from '../dom.js';
import { formatNumber, plural, t } from '../i18n.js';
import { fetchCalibration, recompute, saveCalibration } from './care-api.js';

export function calibrationWizard(potId: string, onSaved: () => void): HTMLElement {
  const points: { dry: number | null; wet: number | null } = { dry: null, wet: null };
  const status = h('p', { class: 'care-status', attrs: { role: 'status', 'data-field': 'wizard-status' } });
  const hints = h('ul', { class: 'warnings', attrs: { 'data-field': 'wizard-hints' } });
  hints.hidden = true;
  const save = h('button', { attrs: { type: 'button', 'data-action': 'save-calibration' }, text: t('care.wizard.save') });
  save.disabled = true;
  const redo = h('button', { attrs: { type: 'button', 'data-action': 'recompute' }, text: t('care.wizard.recompute') });

  function step(kind: 'dry' | 'wet'): HTMLElement {
    const value = h('span', { class: 'value', attrs: { 'data-field': `wizard-${kind}` }, text: '—' });
    const button = h('button', { attrs: { type: 'button', 'data-action': `capture-${kind}` }, text: t('care.wizard.capture') });
    button.addEventListener('click', () => {
      void fetchCalibration(potId).then((data) => {
        if (data.live === null) {
          setText(status, t('care.wizard.noLive'));
          return;
        }
        points[kind] = data.live.median;
        setText(value, formatNumber(data.live.median));
        setText(status, plural('care.wizard.captured', data.live.readings));
        save.disabled = points.dry === null || points.wet === null;
      }, (err: unknown) => setText(status, (err as Error).message));
    });
    return h('li', { class: 'wizard-step' },
      h('h4', { text: t(`care.wizard.${kind}Title`) }),
      h('p', { text: t(`care.wizard.${kind}Help`) }),
      h('p', {}, button, ' ', h('span', { text: t('care.wizard.raw') }), ' ', value));
  }

  save.addEventListener('click', () => {
    if (points.dry === null || points.wet === null) return;
    void saveCalibration(potId, points.dry, points.wet).then((result) => {
      setText(status, t(result.published ? 'care.wizard.saved' : 'care.wizard.savedNotSent', { version: result.calibration.version }));
      hints.replaceChildren(...result.hints.map((hint) => h('li', { text: t(`care.wizard.hint.${hint}`) })));
      hints.hidden = result.hints.length === 0;
      onSaved();
    }, (err: unknown) => setText(status, (err as Error).message));
  });
  redo.addEventListener('click', () => {
    void recompute(potId).then(
      (result) => setText(status, t('care.wizard.recomputed', { changed: result.changed, readings: result.readings })),
      (err: unknown) => setText(status, (err as Error).message));
  });

  return h('section', { class: 'panel care-wizard', attrs: { 'data-panel': 'calibration' } },
    h('h2', { text: t('care.wizard.title') }),
    h('p', { class: 'explain', text: t('care.wizard.why') }),
    h('ol', { class: 'wizard-steps' }, step('dry'), step('wet')),
    h('p', {}, save, ' ', redo),
    status,
    hints);
}
