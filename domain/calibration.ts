// Raw soil-moisture ADC value to percent, from two points taken in the pot's own soil.
// Works whichever way the probe runs (capacitive probes usually read higher when drier).
// Espruino-compatible syntax: the firmware uses this file as is.

export interface Calibration {
  /** Raw value in dry soil: 0 %. */
  dry: number;
  /** Raw value in freshly watered, saturated soil: 100 %. */
  wet: number;
}

export interface MoistureResult {
  /** Percent 0..100, rounded to 0.1, or null when no calibration or no raw value. */
  percent: number | null;
  /** True when the raw value lay outside [dry, wet] and the percent was clamped to 0 or 100. */
  clamped: boolean;
}

function isNumber(x: unknown): x is number {
  return typeof x === 'number' && isFinite(x);
}

/** Returns a problem with the points in words, or null when they can be used. */
export function checkCalibration(cal: Calibration): string | null {
  if (!isNumber(cal.dry) || !isNumber(cal.wet)) return 'dry and wet must both be finite numbers';
  if (cal.dry === cal.wet) return 'dry and wet are equal (' + cal.dry + '): take the wet point again in saturated soil';
  return null;
}

export function moisturePercent(raw: number | null | undefined, cal: Calibration | null | undefined): MoistureResult {
  if (!isNumber(raw) || !cal || checkCalibration(cal) !== null) return { percent: null, clamped: false };

  const fraction = (cal.dry - raw) / (cal.dry - cal.wet);
  let clamped = false;
  let percent = fraction * 100;
  if (percent < 0) {
    percent = 0;
    clamped = true;
  } else if (percent > 100) {
    percent = 100;
    clamped = true;
  }
  return { percent: Math.round(percent * 10) / 10, clamped: clamped };
}
