// The offline buffer: readings not yet acknowledged by the broker, kept in flash so they
// survive a reboot and deep sleep, and published oldest first on the next connection.
// Flash wears with every erase, so the file is written only when its text changes, and a
// reading that the broker acknowledges at once is never written. Espruino-compatible syntax.
import type { Reading } from '../../domain/reading.js';
import type { Hardware } from './hardware.js';
import { BUFFER_FILE } from './settings.js';

/** Default size: a day of readings at the 15-minute interval of a battery pot. */
export const DEFAULT_BUFFER_MAX = 96;

export interface BufferedReading {
  seq: number;
  /** The reading's JSON, the payload published; kept as text because it takes less RAM on Espruino. */
  text: string;
}

export interface OfflineBuffer {
  entries: BufferedReading[];
  /** Readings dropped because the buffer was full, since the storage was erased. */
  dropped: number;
  /** Adds a reading; when full, drops the oldest one not in flight and returns it, else null. */
  push(reading: Reading, headInFlight: boolean): BufferedReading | null;
  /** Removes the head once the broker acknowledged it. */
  shift(): void;
  /** Writes the buffer to flash when it differs from what flash holds. */
  save(): void;
}

// File format: line 1 is {"dropped":n}, then one reading's JSON per line, oldest first.
function parseBuffer(hw: Hardware, text: string, max: number): { entries: BufferedReading[]; dropped: number } {
  const lines = text.split('\n');
  const result = { entries: [] as BufferedReading[], dropped: 0 };
  let skipped = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    let value: any = null;
    try {
      value = JSON.parse(line);
    } catch (error) {
      value = null;
    }
    if (i === 0 && value !== null && typeof value.dropped === 'number') result.dropped = value.dropped;
    else if (value !== null && typeof value.seq === 'number') result.entries.push({ seq: value.seq, text: line });
    else skipped++;
  }
  if (skipped > 0) hw.log('offline buffer: ' + skipped + ' damaged line(s) in ' + BUFFER_FILE + ' skipped');
  while (result.entries.length > max) {
    result.entries.shift();
    result.dropped++;
  }
  return result;
}

// Never empty: Espruino's Storage.write rejects a zero-length file.
function formatBuffer(entries: BufferedReading[], dropped: number): string {
  let text = JSON.stringify({ dropped: dropped });
  for (let i = 0; i < entries.length; i++) text += '\n' + (entries[i] as BufferedReading).text;
  return text;
}

/** Loads the buffer stored in flash (empty when none) with room for `max` readings. */
export function loadBuffer(hw: Hardware, max: number): OfflineBuffer {
  const stored = hw.storageRead(BUFFER_FILE);
  const parsed = parseBuffer(hw, stored === null ? '' : stored, max);
  let saved = stored === null ? formatBuffer([], 0) : stored;
  if (parsed.entries.length > 0) hw.log('offline buffer: ' + parsed.entries.length + ' reading(s) kept in flash to publish');

  const buffer: OfflineBuffer = {
    entries: parsed.entries,
    dropped: parsed.dropped,
    push: function (reading: Reading, headInFlight: boolean): BufferedReading | null {
      let dropped: BufferedReading | null = null;
      if (buffer.entries.length >= max) {
        // The head may be in flight: drop the one after it, the oldest not yet handed to MQTT.
        dropped = buffer.entries.splice(headInFlight && buffer.entries.length > 1 ? 1 : 0, 1)[0] as BufferedReading;
        buffer.dropped++;
        hw.log('offline buffer full (' + max + '): dropped reading ' + dropped.seq + ', ' + buffer.dropped + ' dropped so far');
      }
      buffer.entries.push({ seq: reading.seq, text: JSON.stringify(reading) });
      return dropped;
    },
    shift: function (): void {
      buffer.entries.shift();
    },
    save: function (): void {
      const text = formatBuffer(buffer.entries, buffer.dropped);
      if (text === saved) return;
      hw.storageWrite(BUFFER_FILE, text);
      saved = text;
    },
  };
  return buffer;
}
