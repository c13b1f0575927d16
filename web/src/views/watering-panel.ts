// The "Arroser" panel of a pot page: a button with the duration and its limits, the live list
// of commands and their states, water used today and this week, the automatic rule with its
// editor, and a notice when the rule stopped because the moisture did not rise. Users without
// control of the pot see the states but no button; the hub refuses them anyway. A pot that
// stated it has no pump gets an explanation in place of the button and the rule editor.
import { h, setText } from '../dom.js';
import { formatDateTime, formatNumber, plural, t } from '../i18n.js';
import { fetchCommands, fetchRules, saveRules, water, type CommandRecord, type CommandState, type CommandsView, type UsageTotal } from './watering-api.js';
import { rulesForm } from './watering-rules.js';
import { commandReason, noPumpNotice } from './watering-texts.js';

const SHOWN = 10;

/** Adds web/public/watering.css to the page once. */
function loadStyles(): void {
  if (document.querySelector('link[data-watering-css]')) return;
  document.head.append(h('link', { attrs: { rel: 'stylesheet', href: 'watering.css', 'data-watering-css': '' } }));
}

// Written out so every key appears as t('…') in the sources (test/web/strings.test.ts).
const STATE_TEXT: Record<CommandState, () => string> = {
  pending: () => t('watering.state.pending'),
  sent: () => t('watering.state.sent'),
  done: () => t('watering.state.done'),
  refused: () => t('watering.state.refused'),
  expired: () => t('watering.state.expired'),
  failed: () => t('watering.state.failed'),
  duplicate: () => t('watering.state.duplicate'),
};

const ORIGIN_TEXT = { manual: () => t('watering.origin.manual'), dry: () => t('watering.origin.dry'), schedule: () => t('watering.origin.schedule') };

function usageText(total: UsageTotal): string {
  const seconds = plural('watering.usage.seconds', total.runs, { seconds: formatNumber(total.seconds, 1) });
  return total.ml === null ? seconds : `${seconds} · ${t('watering.usage.ml', { ml: formatNumber(total.ml) })}`;
}

function commandItem(command: CommandRecord): HTMLElement {
  const parts = [ORIGIN_TEXT[command.origin](), plural('watering.asked', command.durationS)];
  // The plural form follows the number as shown, rounded to 0.1 s.
  if (command.ranS !== null) parts.push(plural('watering.ran', Math.round(command.ranS * 10) / 10));
  if (command.moistureBefore !== null && command.moistureAfter !== null) {
    parts.push(t('watering.moisture', { before: formatNumber(command.moistureBefore, 1), after: formatNumber(command.moistureAfter, 1) }));
  }
  return h('li', { class: `watering-command state-${command.state}`, attrs: { 'data-command': command.id, 'data-state': command.state } },
    h('strong', { class: 'watering-state', text: STATE_TEXT[command.state]() }),
    h('time', { text: formatDateTime(command.issued) }),
    h('span', { text: parts.join(' · ') }),
    commandReason(command));
}

export function wateringPanel(potId: string): { element: HTMLElement; destroy(): void } {
  loadStyles();
  const notice = h('div', { class: 'watering-notice', attrs: { role: 'alert', 'data-field': 'watering-notice' } });
  notice.hidden = true;
  const duration = h('input', { attrs: { type: 'number', min: '1', max: '600', step: '1', value: '10', 'data-field': 'water-duration' } });
  const limits = h('small', { attrs: { 'data-field': 'water-limits' } });
  const button = h('button', { attrs: { type: 'submit', 'data-action': 'water' }, text: t('watering.button') });
  const message = h('p', { class: 'watering-message', attrs: { role: 'status', 'data-field': 'water-message' } });
  const form = h('form', { class: 'watering-form', attrs: { novalidate: '' } }, h('label', { class: 'watering-field' }, h('span', { text: t('watering.duration') }), duration, limits), button);
  const readOnly = h('p', { class: 'watering-readonly', text: t('watering.readOnly') });
  const usage = h('p', { class: 'watering-usage', attrs: { 'data-field': 'water-usage' } });
  const list = h('ol', { class: 'watering-commands', attrs: { 'data-field': 'water-commands', 'aria-live': 'polite' } });
  const rulesHost = h('div', {});
  const rulesTitle = h('h3', { text: t('watering.rulesTitle') });
  const noPump = noPumpNotice();
  noPump.hidden = true;
  let commands: CommandRecord[] = [];
  let view: CommandsView | null = null;

  function showCommands(): void {
    list.replaceChildren(...commands.slice(0, SHOWN).map(commandItem));
    if (commands.length === 0) list.append(h('li', { class: 'care-none', text: t('watering.none') }));
  }

  function showNotice(disabled: { at: number } | null, canControl: boolean): void {
    notice.hidden = disabled === null;
    if (disabled === null) return;
    const enable = h('button', { attrs: { type: 'button', 'data-action': 'enable-rule' }, text: t('watering.enable') });
    enable.addEventListener('click', () => void saveRules(potId, { enable: true }).then(() => refresh(), (err: unknown) => setText(message, (err as Error).message)));
    notice.replaceChildren(h('strong', { text: t('watering.stopped') }), ' ', h('span', { text: t('watering.stoppedAt', { at: formatDateTime(disabled.at) }) }), ...(canControl ? [enable] : []));
  }

  async function refresh(): Promise<void> {
    try {
      const [next, rules] = await Promise.all([fetchCommands(potId), fetchRules(potId)]);
      view = next;
      commands = next.commands;
      showCommands();
      // A pot that never stated whether it has a pump keeps the button: older firmware may drive one.
      const pumpless = next.pump === false;
      noPump.hidden = !pumpless;
      form.hidden = pumpless || !next.canControl;
      readOnly.hidden = pumpless || next.canControl;
      rulesTitle.hidden = pumpless;
      rulesHost.hidden = pumpless;
      duration.max = String(next.limits.maxDurationS);
      setText(limits, t('watering.limits', { max: next.limits.maxDurationS }));
      setText(usage, `${t('watering.today')} ${usageText(next.usage.today)} — ${t('watering.week')} ${usageText(next.usage.week)}`);
      showNotice(rules.state.disabled, next.canControl);
      rulesHost.replaceChildren(rulesForm(potId, rules, next.canControl, () => void refresh()));
    } catch (err) {
      console.warn(`watering of pot ${potId} could not be loaded`, err);
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const seconds = Number(duration.value);
    const max = view?.limits.maxDurationS ?? 600;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > max) { setText(message, t('watering.badDuration', { max })); return; }
    button.disabled = true;
    void water(potId, seconds).then(({ command }) => {
      setText(message, t('watering.queued'));
      if (!commands.some((c) => c.id === command.id)) commands.unshift(command);
      showCommands();
    }, (err: unknown) => setText(message, (err as Error).message)).finally(() => { button.disabled = false; });
  });

  // The dashboard's shared stream carries readings and pots; commands come on their own stream.
  const source = new EventSource('api/events');
  source.addEventListener('command', (event) => {
    const data = JSON.parse((event as MessageEvent<string>).data) as { potId: string; command: CommandRecord };
    if (data.potId !== potId) return;
    const index = commands.findIndex((c) => c.id === data.command.id);
    if (index >= 0) commands[index] = data.command;
    else commands.unshift(data.command);
    showCommands();
    if (data.command.ackAt !== null) void refresh();
  });
  source.addEventListener('alert', (event) => {
    const data = JSON.parse((event as MessageEvent<string>).data) as { potId: string; alert: { kind: string } };
    if (data.potId === potId && data.alert.kind === 'no_rise') void refresh();
  });

  const element = h('section', { class: 'panel watering-panel', attrs: { 'data-panel': 'watering' } },
    h('h2', { text: t('watering.title') }), notice, noPump, form, readOnly, message, usage,
    h('h3', { text: t('watering.commandsTitle') }), list,
    rulesTitle, rulesHost);
  void refresh();
  return { element, destroy: () => source.close() };
}
