// Text shown for a pot and its latest reading, shared by the cards and the pot page.
import { formatMac } from '../../domain/pot-id.js';
import { formatAgo, formatNumber, t } from './i18n.js';
import type { Pot, PotStatus, StoredReading } from './types.js';

export interface ValueText {
  text: string;
  /** Reason the value needs care (raw, clamped), or null. */
  note: string | null;
}

const NO_VALUE: ValueText = { text: '—', note: null };

export function potTitle(pot: Pot): string {
  const name = pot.name?.trim();
  return name ? name : formatMac(pot.id);
}

export function statusText(status: PotStatus): string {
  return t(`status.${status}`);
}

export function moistureText(reading: StoredReading | null): ValueText {
  if (!reading) return NO_VALUE;
  if (typeof reading.moisture === 'number') {
    const text = t('unit.percent', { value: formatNumber(reading.moisture, 1) });
    return { text, note: reading.moisture_clamped ? t('value.clamped') : null };
  }
  if (typeof reading.moisture_raw === 'number') {
    return { text: t('unit.raw', { value: formatNumber(reading.moisture_raw) }), note: t('value.moistureRawNote') };
  }
  return NO_VALUE;
}

export function lightText(reading: StoredReading | null): ValueText {
  if (!reading) return NO_VALUE;
  if (typeof reading.light === 'number') return { text: t('unit.lux', { value: formatNumber(reading.light) }), note: null };
  if (typeof reading.light_raw === 'number') {
    return { text: t('unit.raw', { value: formatNumber(reading.light_raw) }), note: t('value.lightRawNote') };
  }
  return NO_VALUE;
}

/** Warnings about the reading itself: partial, and each sensor fault the pot reported. */
export function readingWarnings(reading: StoredReading | null): string[] {
  if (!reading) return [];
  const warnings: string[] = [];
  if (reading.partial) warnings.push(t('value.partial'));
  for (const fault of reading.faults ?? []) warnings.push(t(`fault.${fault}`));
  return warnings;
}

export function seenText(pot: Pot, now: number): string {
  return t('seen.ago', { ago: formatAgo(pot.lastSeen, now) });
}
