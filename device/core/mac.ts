// The pot id from the Wi-Fi MAC, for the firmware. domain/pot-id.ts states the same rule with
// regular expressions that Espruino 2v29 cannot run (`{2}` quantifiers and a `\2` backreference
// never match there), so the device checks the characters one by one.
import type { PotId } from '../../domain/pot-id.js';

const HEX = '0123456789abcdef';

/** Returns the 12-digit id of `AA:BB:CC:DD:EE:FF`, `aa-bb-…` or `aabbccddeeff`, or null when invalid, multicast or zero. */
export function potIdFromMac(text: string): PotId | null {
  const lower = String(text).trim().toLowerCase();
  let hex = '';
  if (lower.length === 17) {
    const separator = lower.charAt(2);
    if (separator !== ':' && separator !== '-') return null;
    for (let i = 0; i < 17; i++) {
      if (i % 3 === 2) {
        if (lower.charAt(i) !== separator) return null;
      } else {
        hex += lower.charAt(i);
      }
    }
  } else if (lower.length === 12) {
    hex = lower;
  } else {
    return null;
  }
  for (let i = 0; i < 12; i++) if (HEX.indexOf(hex.charAt(i)) < 0) return null;
  if (parseInt(hex.slice(0, 2), 16) & 1) return null; // multicast
  if (hex === '000000000000') return null;
  return hex;
}

/** Returns the id of the pot's own MAC; throws with the MAC when it cannot name a pot. */
export function potIdOrThrow(mac: string): PotId {
  const id = potIdFromMac(mac);
  if (id === null) throw new Error('cannot start the pot: MAC "' + mac + '" is not a unicast MAC such as AA:BB:CC:DD:EE:FF');
  return id;
}
