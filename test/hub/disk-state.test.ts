import { pino } from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DiskState, STALLED_FLUSH_MS } from '../../hub/store/durability.js';

const disk = suite('disk state');

disk('flush without end is a failure', () => {
  const state = new DiskState(pino({ level: 'silent' }));
  state.flushStarted(1000);
  assert.not.ok(state.needsRetry(1000 + STALLED_FLUSH_MS), 'not yet at the bound');
  assert.not.ok(state.failing);
  assert.ok(state.needsRetry(1001 + STALLED_FLUSH_MS), 'past the bound');
  assert.match(state.error ?? '', /has not finished after 30 s/);
  state.recovered();
  assert.not.ok(state.failing);
});

disk('ended flush is no failure', () => {
  const state = new DiskState(pino({ level: 'silent' }));
  state.flushStarted(1000);
  state.flushEnded();
  assert.not.ok(state.needsRetry(1000 + 10 * STALLED_FLUSH_MS));
});

disk.run();
