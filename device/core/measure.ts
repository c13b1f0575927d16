// Builds one reading from the sensors. Espruino-compatible syntax: the firmware uses this file.
import { moisturePercent, type Calibration } from '../../domain/calibration.js';
import { PROTOCOL_VERSION, type Reading, type SensorFault } from '../../domain/reading.js';
import type { Hardware } from './hardware.js';
import { sampleChannel } from './sampling.js';

/**
 * Samples both channels and returns the reading to publish as `seq`. `ts` is the time from
 * saneTimestamp() in clock.ts, or null when the clock cannot be trusted: the reading then goes
 * without `ts` and the hub dates it when it arrives.
 */
export function measure(hw: Hardware, seq: number, fw: string, calibration: Calibration | null, samples: number, ts: number | null): Reading {
  const faults: SensorFault[] = [];
  const moisture = sampleChannel(hw, 'moisture', samples);
  const light = sampleChannel(hw, 'light', samples);
  if (moisture.fault !== null) faults.push(moisture.fault);
  if (light.fault !== null) faults.push(light.fault);

  const reading: Reading = { v: PROTOCOL_VERSION, seq: seq, fw: fw };
  reading.moisture_raw = moisture.raw;
  const percent = moisturePercent(moisture.raw, calibration);
  reading.moisture = percent.percent;
  if (percent.clamped) reading.moisture_clamped = true;

  reading.light_raw = light.raw;
  if (typeof hw.luxFromRaw === 'function') {
    reading.light = light.raw === null ? null : hw.luxFromRaw(light.raw);
  }

  if (ts !== null) reading.ts = ts;

  const rssi = hw.rssi();
  if (rssi !== null) reading.rssi = rssi;
  const battery = hw.batteryMv();
  if (battery !== null) reading.battery_mv = battery;
  if (faults.length > 0) reading.faults = faults;
  return reading;
}
