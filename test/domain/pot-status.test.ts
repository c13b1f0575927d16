import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { estimateIntervalS, potStatus, STATUS_SLACK_MS } from '../../domain/pot-status.js';

const NOW = 1_750_000_000_000;
const base = { intervalS: 60, announced: null, announcedAt: null } as const;

const status = suite('pot status');

status('is unknown before any reading', () => {
  assert.is(potStatus({ ...base, lastSeen: null }, NOW), 'unknown');
});

status('is online within three intervals', () => {
  assert.is(potStatus({ ...base, lastSeen: NOW - 3 * 60000 - STATUS_SLACK_MS }, NOW), 'online');
});

status('is offline after three intervals', () => {
  assert.is(potStatus({ ...base, lastSeen: NOW - 3 * 60000 - STATUS_SLACK_MS - 1 }, NOW), 'offline');
});

status('follows a sleeping pot interval', () => {
  assert.is(potStatus({ ...base, intervalS: 1800, lastSeen: NOW - 80 * 60000 }, NOW), 'online');
});

status('is offline when announced after the last reading', () => {
  assert.is(potStatus({ ...base, lastSeen: NOW - 1000, announced: 'offline', announcedAt: NOW - 500 }, NOW), 'offline');
});

status('ignores an offline announcement older than a reading', () => {
  assert.is(potStatus({ ...base, lastSeen: NOW - 1000, announced: 'offline', announcedAt: NOW - 5000 }, NOW), 'online');
});

status.run();

// ---

const interval = suite('interval estimate');

interval('takes the median gap', () => {
  assert.is(estimateIntervalS([0, 60000, 120000, 600000, 660000], 60), 60);
});

interval('ignores order and repeated times', () => {
  assert.is(estimateIntervalS([120000, 0, 60000, 60000], 60), 60);
});

interval('falls back without gaps', () => {
  assert.is(estimateIntervalS([5000], 60), 60);
  assert.is(estimateIntervalS([], 45), 45);
});

interval.run();
