// The state a pot keeps in flash across reboots and deep sleep: its reading counter and the
// last config the hub sent. Espruino-compatible syntax: the firmware uses this file as is.
import { parsePotConfig, type PotConfig } from '../../domain/pot-config.js';
import type { Hardware } from './hardware.js';

/** Storage names, short enough for Espruino Storage (28 characters at most). */
export const SEQ_FILE = 'poco.seq';
export const CONFIG_FILE = 'poco.config';

/** Largest `seq` the protocol allows; the counter wraps to 0 after it. */
export const MAX_SEQ = 4294967295;

/** Reads the next sequence number, or 0 when none was stored or the stored text is damaged. */
export function loadSeq(hw: Hardware): number {
  const text = hw.storageRead(SEQ_FILE);
  if (text === null) return 0;
  const value = parseInt(text, 10);
  if (!isFinite(value) || value < 0 || value > MAX_SEQ) {
    hw.log('stored seq "' + text.slice(0, 20) + '" is invalid: counting again from 0');
    return 0;
  }
  return value;
}

export function storeSeq(hw: Hardware, next: number): void {
  hw.storageWrite(SEQ_FILE, String(next));
}

/** Reads the stored config, or null when none was stored or it no longer validates. */
export function loadConfig(hw: Hardware): PotConfig | null {
  const text = hw.storageRead(CONFIG_FILE);
  if (text === null) return null;
  const result = parsePotConfig(text);
  if (!result.ok || !result.config) {
    hw.log('stored config ignored: ' + result.error);
    return null;
  }
  return result.config;
}

export function storeConfig(hw: Hardware, config: PotConfig): void {
  hw.storageWrite(CONFIG_FILE, JSON.stringify(config));
}
