// Care timeline lines for remote watering: a command and its outcome (`watering_command`), and a
// rule's skips and no-rise stop (`watering_rule`), in the page's language.
import { formatNumber, t } from '../i18n.js';

type EventData = Record<string, unknown>;

function percent(value: unknown): string {
  return typeof value === 'number' ? formatNumber(value, 0) : '?';
}

/** Describes a command's step: its state, its origin and the seconds asked for or run. */
export function wateringCommandText(data: EventData): string {
  const seconds = typeof data['ranS'] === 'number' ? data['ranS'] : data['durationS'];
  return t('care.event.wateringCommand', {
    seconds: typeof seconds === 'number' ? formatNumber(seconds, 0) : '?',
    origin: t(`watering.origin.${String(data['origin'])}`),
    state: t(`watering.state.${String(data['state'])}`),
  });
}

/** Describes a rule's skip (quiet hours, daily limits) or its stop after no rise. */
export function wateringRuleText(data: EventData): string {
  if (data['stopped'] === 'no_rise') {
    return t('care.event.wateringStopped', { before: percent(data['beforePercent']), best: percent(data['bestPercent']) });
  }
  return t('care.event.wateringSkipped', { reason: t(`care.wateringSkip.${String(data['skip'])}`) });
}
