// Sensor sampling: several ADC reads per channel, averaged, with wiring faults reported as
// values instead of exceptions. Espruino-compatible syntax: the firmware uses this file as is.
import type { SensorFault } from '../../domain/reading.js';
import type { Channel, Hardware } from './hardware.js';

export const DEFAULT_SAMPLES = 8;

export interface ChannelSample {
  /** Mean of the usable samples rounded to a whole count, or null when the channel is faulty. */
  raw: number | null;
  fault: SensorFault | null;
}

/**
 * Reads a channel `count` times and averages the finite samples that are not at a rail.
 * The channel is faulty (raw null) when no sample is finite (`<channel>_nan`) or when at least
 * half of the finite samples sit at 0 or adcMax (`<channel>_rail`). An open or shorted wire
 * pins the ADC to a rail, but a single rail sample among good ones is a glitch and is dropped.
 */
export function sampleChannel(hw: Hardware, channel: Channel, count: number): ChannelSample {
  const max = hw.adcMax(channel);
  const zeroIsRail = typeof hw.lowRailIsFault === 'function' ? hw.lowRailIsFault(channel) : true;
  let finite = 0;
  let atRail = 0;
  let sum = 0;

  for (let i = 0; i < count; i++) {
    const value = hw.readRaw(channel);
    if (typeof value !== 'number' || !isFinite(value)) continue;
    finite++;
    if (value >= max || (zeroIsRail && value <= 0)) {
      atRail++;
    } else {
      sum += value;
    }
  }

  if (finite === 0) return { raw: null, fault: (channel + '_nan') as SensorFault };
  if (atRail * 2 >= finite) return { raw: null, fault: (channel + '_rail') as SensorFault };
  return { raw: Math.round(sum / (finite - atRail)), fault: null };
}
