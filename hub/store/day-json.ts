// JSON text of a raw day file, built incrementally. lowdb writes a whole file on each flush, and
// JSON.stringify of a day that keeps growing made a burst into one day cost the square of its
// readings in serialization. Readings are appended in time order, so the text of those already
// written is kept and only the new ones are serialized. The result equals JSON.stringify(data).
import type { StoredReading } from '../../domain/reading.js';

interface DayData {
  readings: StoredReading[];
}

/**
 * Returns a stringify function for one day file. It reuses the text of the readings serialized
 * by its previous call while that list only grew at its end. Any other change (a late reading
 * inserted before them, a new array, keys beside `readings`) serializes the whole day again.
 * Reading objects must not be changed in place once written: the hub replaces them instead.
 */
export function dayFileStringifier(): (data: DayData) => string {
  let array: StoredReading[] | null = null;
  let count = 0;
  let last: StoredReading | undefined;
  let text = '';

  return (data) => {
    if (Object.keys(data).length !== 1) return JSON.stringify(data);
    const readings = data.readings;
    const grewAtEnd = readings === array && readings.length >= count && (count === 0 || readings[count - 1] === last);
    if (!grewAtEnd) {
      array = readings;
      count = 0;
      text = '';
    }

    const added: string[] = [];
    for (let i = count; i < readings.length; i++) added.push(JSON.stringify(readings[i]));
    if (added.length > 0) text += (count > 0 ? ',' : '') + added.join(',');
    count = readings.length;
    last = readings[count - 1];
    return '{"readings":[' + text + ']}';
  };
}
