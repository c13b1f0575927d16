import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkPumpFlow, dailyWaterUsage, secondsForVolume, waterUsedMl } from '../../domain/water-usage.js';
import { zonedClock } from '../../domain/watering-rules.js';

const usage = suite('water usage');

usage('one run is seconds times flow', () => {
  assert.is(waterUsedMl(12, 2.5), 30);
  assert.is(waterUsedMl(0, 2.5), 0);
  assert.is(waterUsedMl(-3, 2.5), 0);
});

usage('volume rounds up to whole seconds', () => {
  assert.is(secondsForVolume(41, 2), 21);
  assert.is(secondsForVolume(40, 2), 20);
});

usage('sums runs per local day', () => {
  const runs = [
    { at: Date.parse('2025-06-03T08:00:00Z'), ranS: 10 },
    { at: Date.parse('2025-06-02T07:00:00Z'), ranS: 10 },
    { at: Date.parse('2025-06-02T18:00:00Z'), ranS: 4.5 },
    // 22:30 UTC is already 3 June in Paris in summer.
    { at: Date.parse('2025-06-02T22:30:00Z'), ranS: 0 },
  ];
  assert.equal(dailyWaterUsage(runs, 3, zonedClock('Europe/Paris')), [
    { day: '2025-06-02', runs: 2, seconds: 14.5, ml: 44 },
    { day: '2025-06-03', runs: 2, seconds: 10, ml: 30 },
  ]);
  assert.equal(dailyWaterUsage(runs, 3, zonedClock('UTC')).map((day) => day.runs), [3, 1]);
  assert.equal(dailyWaterUsage([], 3, zonedClock('UTC')), []);
});

usage('rejects an invalid pump flow', () => {
  for (const flow of [0, -1, Number.NaN, 1000, Infinity]) {
    const problem = checkPumpFlow(flow);
    assert.type(problem, 'string', String(flow));
    assert.match(problem ?? '', 'mL/s');
    assert.throws(() => dailyWaterUsage([], flow, zonedClock('UTC')), /pump flow/);
  }
  assert.is(checkPumpFlow(2.5), null);
});

usage.run();
