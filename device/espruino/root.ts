// Typed access to Espruino's root scope. Espruino names it `global`; Node types declare that
// name too, so the cast is the only bridge between the two.
import type { EspruinoRoot, Pin } from '../types/espruino.js';

export function espruinoRoot(): EspruinoRoot {
  return global as unknown as EspruinoRoot;
}

/** Looks a pin up by name ("D34"); throws with the name when the board has no such pin. */
export function pinByName(root: EspruinoRoot, name: string): Pin {
  const pin = root[name];
  if (pin === undefined || pin === null) throw new Error('pin "' + name + '" does not exist on this board: use a name such as D34');
  return pin as Pin;
}
