// The rules editor of the "Arroser" panel: threshold, run, daily limits, quiet hours, schedules
// and the pump flow. Values are checked by the hub, which returns the problem in words.
import { h, setText } from '../dom.js';
import { t } from '../i18n.js';
import { saveRules, type Rule, type RulesView, type Schedule } from './watering-api.js';

function field(label: string, input: HTMLInputElement, hint = ''): HTMLElement {
  return h('label', { class: 'watering-field' }, h('span', { text: label }), input, hint ? h('small', { text: hint }) : null);
}

function numberInput(name: string, value: number | null, min: number, max: number, step = '1'): HTMLInputElement {
  const input = h('input', { attrs: { type: 'number', name, min: String(min), max: String(max), step, 'data-field': `rule-${name}` } });
  input.value = value === null ? '' : String(value);
  return input;
}

// A text field, not type=time: Chromium shows a time field in the browser's locale (10:00 PM on
// an English system) whatever the page's language, and the hub's rule takes 24-hour HH:MM.
function timeInput(name: string, value: string): HTMLInputElement {
  const input = h('input', {
    attrs: {
      type: 'text', name, 'data-field': `rule-${name}`, pattern: '([01][0-9]|2[0-3]):[0-5][0-9]',
      inputmode: 'numeric', maxlength: '5', size: '5', placeholder: '22:00', title: t('watering.rules.timeHint'),
    },
  });
  input.value = value;
  return input;
}

/** Parses "1,3,5 08:00 10" lines: days (0 = Sunday), time, seconds. */
export function parseSchedules(text: string): Schedule[] | string {
  const schedules: Schedule[] = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const match = /^([0-6](?:,[0-6])*)\s+(\d\d:\d\d)\s+(\d+)$/.exec(line);
    if (!match) return t('watering.rules.badSchedule', { line });
    schedules.push({ days: match[1]!.split(',').map(Number), time: match[2]!, durationS: Number(match[3]) });
  }
  return schedules;
}

function schedulesText(schedules: Schedule[]): string {
  return schedules.map((s) => `${s.days.join(',')} ${s.time} ${s.durationS}`).join('\n');
}

/** Builds the rules form; `onSaved` receives the hub's response. Read-only users see it disabled. */
export function rulesForm(potId: string, view: RulesView, canControl: boolean, onSaved: (next: RulesView) => void): HTMLElement {
  const rule: Rule = view.rule ?? view.defaults;
  const enabled = h('input', { attrs: { type: 'checkbox', name: 'enabled', 'data-field': 'rule-enabled' } });
  enabled.checked = view.rule !== null && rule.enabled;
  const threshold = numberInput('threshold', rule.thresholdPercent, 1, 99);
  const dryFor = numberInput('dryFor', Math.round(rule.dryForMs / 60000), 0, 1440);
  const duration = numberInput('duration', rule.durationS, 1, 600);
  const perDay = numberInput('perDay', rule.maxPerDay, 1, 50);
  const secondsPerDay = numberInput('secondsPerDay', rule.maxSecondsPerDay, 1, 3600);
  const quietStart = timeInput('quietStart', rule.quietHours?.start ?? '');
  const quietEnd = timeInput('quietEnd', rule.quietHours?.end ?? '');
  const flow = numberInput('flow', view.flowMlPerS, 0.05, 500, '0.05');
  const schedules = h('textarea', { attrs: { name: 'schedules', rows: '2', 'data-field': 'rule-schedules', placeholder: '1,3,5 08:00 10' } });
  schedules.value = schedulesText(rule.schedules);
  const message = h('p', { class: 'watering-message', attrs: { role: 'status' } });
  const save = h('button', { attrs: { type: 'submit' }, text: t('watering.rules.save') });

  const form = h('form', { class: 'watering-rules', attrs: { 'data-field': 'watering-rules' } },
    h('label', { class: 'watering-check' }, enabled, h('span', { text: t('watering.rules.enabled') })),
    h('div', { class: 'watering-grid' },
      field(t('watering.rules.threshold'), threshold, t('watering.rules.thresholdHint')),
      field(t('watering.rules.dryFor'), dryFor),
      field(t('watering.rules.duration'), duration),
      field(t('watering.rules.perDay'), perDay),
      field(t('watering.rules.secondsPerDay'), secondsPerDay),
      field(t('watering.rules.quietStart'), quietStart),
      field(t('watering.rules.quietEnd'), quietEnd),
      field(t('watering.rules.flow'), flow, t('watering.rules.flowHint'))),
    h('label', { class: 'watering-field' }, h('span', { text: t('watering.rules.schedules') }), schedules, h('small', { text: t('watering.rules.schedulesHint') })),
    canControl ? save : null,
    message);
  for (const input of form.querySelectorAll('input, textarea')) (input as HTMLInputElement).disabled = !canControl;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parseSchedules(schedules.value);
    if (typeof parsed === 'string') { setText(message, parsed); return; }
    const number = (input: HTMLInputElement): number => Number(input.value);
    const quiet = quietStart.value && quietEnd.value ? { start: quietStart.value, end: quietEnd.value } : null;
    const next: Partial<Rule> = {
      enabled: enabled.checked, thresholdPercent: threshold.value === '' ? null : number(threshold), dryForMs: number(dryFor) * 60000,
      durationS: number(duration), maxPerDay: number(perDay), maxSecondsPerDay: number(secondsPerDay), quietHours: quiet, schedules: parsed,
    };
    void saveRules(potId, { rule: next, flowMlPerS: flow.value === '' ? null : number(flow) }).then((saved) => {
      setText(message, t('watering.rules.saved'));
      onSaved(saved);
    }, (err: unknown) => setText(message, (err as Error).message));
  });
  return form;
}
