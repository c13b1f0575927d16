// Alert texts for e-mail, push and webhooks: French first, then English, because the people who
// read them are French-speaking students and their teachers.
import type { AlertKind, Delivery } from './types.js';

const NAMES: Record<AlertKind, { fr: string; en: string }> = {
  too_dry: { fr: 'trop sec', en: 'too dry' },
  too_wet: { fr: 'trop humide', en: 'too wet' },
  too_dark: { fr: 'trop sombre', en: 'too dark' },
  too_bright: { fr: 'trop de lumière', en: 'too bright' },
  sensor_fault: { fr: 'capteur en panne', en: 'sensor fault' },
  pot_silent: { fr: 'le pot ne répond plus', en: 'pot silent' },
  battery_low: { fr: 'batterie faible', en: 'battery low' },
  no_rise: { fr: 'l’arrosage automatique est arrêté', en: 'automatic watering stopped' },
};

const ADVICE: Record<AlertKind, { fr: string; en: string }> = {
  too_dry: { fr: 'Arrosez la plante.', en: 'Water the plant.' },
  too_wet: { fr: 'La terre reste détrempée : arrosez moins et vérifiez que le pot draine.', en: 'The soil stays soaked: water less and check that the pot drains.' },
  too_dark: { fr: 'Rapprochez la plante d’une fenêtre.', en: 'Move the plant closer to a window.' },
  too_bright: { fr: 'Éloignez la plante du soleil direct.', en: 'Move the plant out of direct sun.' },
  sensor_fault: { fr: 'Vérifiez le câblage du capteur ; la plante n’est pas jugée tant que la panne dure.', en: 'Check the sensor wiring; the plant is not judged while the fault lasts.' },
  pot_silent: { fr: 'Vérifiez l’alimentation et le Wi-Fi du pot.', en: 'Check the pot’s power and Wi-Fi.' },
  battery_low: { fr: 'Rechargez ou changez la batterie.', en: 'Charge or replace the battery.' },
  no_rise: {
    fr: 'L’humidité n’a pas remonté après un arrosage : réservoir vide ou pompe en panne ? Réactivez la règle dans « Arroser » une fois réparé.',
    en: 'The moisture did not rise after a watering: empty tank or broken pump? Turn the rule back on under "Arroser" once fixed.',
  },
};

export interface AlertMessage {
  subject: string;
  text: string;
  /** Body of the webhook's JSON POST. */
  json: Record<string, unknown>;
}

export function kindNames(kind: AlertKind): { fr: string; en: string } {
  return NAMES[kind];
}

function formatTime(at: number, timeZone: string, language: 'fr' | 'en'): string {
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(at);
}

export function alertMessage(delivery: Delivery, timeZone: string): AlertMessage {
  const { alert, phase, potName } = delivery;
  const name = NAMES[alert.kind];
  const raised = phase === 'raised';
  const subject = raised
    ? `POCO ${potName} : ${name.fr} / ${name.en}`
    : `POCO ${potName} : fin de « ${name.fr} » / ${name.en} cleared`;
  const when = raised ? alert.at : alert.clearedAt ?? alert.at;
  const fr = raised
    ? `Le pot « ${potName} » signale : ${name.fr} (depuis le ${formatTime(alert.since, timeZone, 'fr')}). ${ADVICE[alert.kind].fr}`
    : `Le pot « ${potName} » ne signale plus : ${name.fr} (le ${formatTime(when, timeZone, 'fr')}).`;
  const en = raised
    ? `Pot "${potName}" reports: ${name.en} (since ${formatTime(alert.since, timeZone, 'en')}). ${ADVICE[alert.kind].en}`
    : `Pot "${potName}" no longer reports: ${name.en} (at ${formatTime(when, timeZone, 'en')}).`;
  return {
    subject,
    text: `${fr}\n\n${en}\n\n${alert.detail}\n`,
    json: {
      potId: alert.potId,
      potName,
      phase,
      kind: alert.kind,
      key: alert.key,
      since: alert.since,
      at: when,
      detail: alert.detail,
      message_fr: fr,
      message_en: en,
    },
  };
}
