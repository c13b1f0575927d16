// Pot identity: the 12 lowercase hex digits of the ESP32's Wi-Fi station MAC.
// Shared by the device, the hub and the virtual pots, so it sticks to what Espruino runs
// (no destructuring, spread, optional chaining or Number.isInteger).

export type PotId = string;

/**
 * Why a MAC was rejected, stable for programs: the hub sends it as the `code` of its 400 replies
 * and the dashboard picks its French or English text from it.
 */
export type PotIdReason = 'mac_not_text' | 'mac_format' | 'mac_multicast' | 'mac_all_zero';

export interface PotIdResult {
  ok: boolean;
  id?: PotId;
  /** English message for logs and API users, naming the rejected value. */
  error?: string;
  reason?: PotIdReason;
}

const SEPARATED = /^([0-9a-fA-F]{2})([:-])([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})\2([0-9a-fA-F]{2})$/;
const BARE = /^[0-9a-fA-F]{12}$/;
const CANONICAL = /^[0-9a-f]{12}$/;

/**
 * Parses a MAC written as `AA:BB:CC:DD:EE:FF`, `aa-bb-cc-dd-ee-ff` or `aabbccddeeff` into a pot id.
 * Rejects anything else, multicast MACs (lowest bit of the first byte set) and all-zero MACs.
 */
export function parsePotId(text: unknown): PotIdResult {
  if (typeof text !== 'string') {
    return { ok: false, reason: 'mac_not_text', error: 'invalid MAC: expected a string such as AA:BB:CC:DD:EE:FF' };
  }
  const trimmed = text.trim();
  let hex = '';
  const separated = SEPARATED.exec(trimmed);
  if (separated) {
    hex = separated[1]! + separated[3]! + separated[4]! + separated[5]! + separated[6]! + separated[7]!;
  } else if (BARE.test(trimmed)) {
    hex = trimmed;
  } else {
    return {
      ok: false,
      reason: 'mac_format',
      error: 'invalid MAC "' + trimmed.slice(0, 40) + '": write 6 hex bytes as AA:BB:CC:DD:EE:FF, AA-BB-CC-DD-EE-FF or AABBCCDDEEFF',
    };
  }

  hex = hex.toLowerCase();
  if (parseInt(hex.slice(0, 2), 16) & 1) {
    return { ok: false, reason: 'mac_multicast', error: 'invalid MAC "' + trimmed + '": a multicast address cannot identify a pot; use the Wi-Fi station MAC' };
  }
  if (hex === '000000000000') {
    return { ok: false, reason: 'mac_all_zero', error: 'invalid MAC "' + trimmed + '": the all-zero address cannot identify a pot' };
  }
  return { ok: true, id: hex };
}

/** Reports whether `text` is already a canonical pot id, as found in topics and file names. */
export function isPotId(text: string): boolean {
  return CANONICAL.test(text) && parsePotId(text).ok;
}

/** Formats a pot id for people as `AA:BB:CC:DD:EE:FF`. */
export function formatMac(id: PotId): string {
  const parts: string[] = [];
  for (let i = 0; i < 12; i += 2) parts.push(id.slice(i, i + 2).toUpperCase());
  return parts.join(':');
}
