import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dayFileStringifier } from '../../hub/store/day-json.js';
import { generateReadings } from './history-helpers.js';

const stringify = suite('day file JSON');

stringify('equals JSON.stringify while appending', () => {
  const write = dayFileStringifier();
  const readings = generateReadings(Date.UTC(2026, 2, 29), 50);
  const day = { readings: readings.slice(0, 0) };
  assert.is(write(day), JSON.stringify(day));
  for (const batch of [readings.slice(0, 1), readings.slice(1, 20), [], readings.slice(20)]) {
    day.readings.push(...batch);
    assert.is(write(day), JSON.stringify(day));
  }
});

stringify('follows a reading inserted earlier', () => {
  const write = dayFileStringifier();
  const readings = generateReadings(Date.UTC(2026, 2, 29), 30);
  const day = { readings: readings.filter((_, i) => i !== 10 && i !== 29) };
  write(day);
  day.readings.splice(10, 0, readings[10]!);
  assert.is(write(day), JSON.stringify(day));
  day.readings.splice(28, 0, readings[29]!);
  assert.is(write(day), JSON.stringify(day));
});

stringify('follows a replaced list', () => {
  const write = dayFileStringifier();
  const readings = generateReadings(Date.UTC(2026, 2, 29), 10);
  write({ readings: readings.slice(0, 5) });
  const replaced = { readings: readings.slice(3) };
  assert.is(write(replaced), JSON.stringify(replaced));
});

stringify('keeps keys beside readings', () => {
  const write = dayFileStringifier();
  const day = { readings: generateReadings(Date.UTC(2026, 2, 29), 3), note: 'kept' } as unknown as { readings: [] };
  assert.is(write(day), JSON.stringify(day));
});

stringify.run();
