import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFirmware } from '../../device/build/build.js';
import { formatProblem } from '../../device/build/gate.js';
import { parseCommand, type Command } from '../../domain/command.js';
import {
  bootGuard, decideCommand, decideInvalid, emptyGuardState, finishRun, guardStateText, MAX_REMEMBERED_IDS,
  parseGuardState, pumpPinLevel, type GuardState, type PumpSettings,
} from '../../domain/pump-guard.js';

const NOW = 1_760_000_000;
const SETTINGS: PumpSettings = { maxRunS: 30, minIntervalS: 600, flowMlPerS: 2 };

function waterCommand(id: string, durationS: number, issued = NOW - 10): Command {
  return { v: 1, id, kind: 'water', duration_s: durationS, issued, expires: issued + 3600 };
}

/** Runs one command to its end as the firmware would: decide, run the pump, finish. */
function runToEnd(state: GuardState, command: Command, nowS: number) {
  const decision = decideCommand(state, SETTINGS, command, nowS, 20);
  if (decision.action !== 'pump') return { state: decision.state, decision, ack: decision.ack };
  const finished = finishRun(decision.state, nowS + decision.runS, 35);
  return { state: finished.state, decision, ack: finished.ack };
}

const limits = suite('pump guard limits');

limits('device maximum wins over a larger request', () => {
  const decision = decideCommand(emptyGuardState(), SETTINGS, waterCommand('big', 300), NOW, 20);
  assert.is(decision.action, 'pump');
  assert.is(decision.runS, 30);
  assert.ok(decision.limited);
  const done = finishRun(decision.state, NOW + 30, 40);
  assert.is(done.ack?.result, 'done');
  assert.is(done.ack?.ran_s, 30);
  assert.is(done.ack?.moisture_before, 20);
  assert.is(done.ack?.moisture_after, 40);
});

limits('smaller request runs as asked', () => {
  const decision = decideCommand(emptyGuardState(), SETTINGS, waterCommand('small', 12), NOW, null);
  assert.is(decision.runS, 12);
  assert.not.ok(decision.limited);
});

limits('volume converts with the pump flow', () => {
  const command: Command = { v: 1, id: 'vol', kind: 'water', volume_ml: 41, issued: NOW, expires: NOW + 60 };
  assert.is(decideCommand(emptyGuardState(), SETTINGS, command, NOW, null).runS, 21);
  const noFlow = decideCommand(emptyGuardState(), { ...SETTINGS, flowMlPerS: 0 }, command, NOW, null);
  assert.is(noFlow.action, 'reply');
  assert.is(noFlow.ack?.result, 'refused');
  assert.match(noFlow.ack?.error ?? '', 'flow');
});

limits('minimum interval holds', () => {
  const first = runToEnd(emptyGuardState(), waterCommand('a', 10), NOW);
  const endS = NOW + 10;
  const tooSoon = decideCommand(first.state, SETTINGS, waterCommand('b', 10, endS), endS + 599, null);
  assert.is(tooSoon.action, 'reply');
  assert.is(tooSoon.ack?.result, 'refused');
  assert.match(tooSoon.ack?.error ?? '', 'try again in 1 s');
  const later = decideCommand(first.state, SETTINGS, waterCommand('c', 10, endS), endS + 600, null);
  assert.is(later.action, 'pump');
});

limits('refuses while a run is in progress', () => {
  const running = decideCommand(emptyGuardState(), SETTINGS, waterCommand('a', 10), NOW, null);
  const second = decideCommand(running.state, { ...SETTINGS, minIntervalS: 0 }, waterCommand('b', 10), NOW + 2, null);
  assert.is(second.ack?.result, 'refused');
  assert.match(second.ack?.error ?? '', 'already running');
});

limits('refuses when no pump is set up', () => {
  const decision = decideCommand(emptyGuardState(), { ...SETTINGS, maxRunS: 0 }, waterCommand('a', 10), NOW, null);
  assert.is(decision.ack?.result, 'refused');
});

limits('refusals carry a reason code', () => {
  const volume: Command = { v: 1, id: 'vol', kind: 'water', volume_ml: 50, issued: NOW - 10, expires: NOW + 3600 };
  const ran = runToEnd(emptyGuardState(), waterCommand('first', 5), NOW).state;
  const running = decideCommand(emptyGuardState(), SETTINGS, waterCommand('long', 20), NOW, 20).state;
  const cases: Array<[string, GuardState, PumpSettings, Command, number, string]> = [
    ['no pump', emptyGuardState(), { ...SETTINGS, maxRunS: 0 }, waterCommand('a', 5), NOW, 'no_pump'],
    ['pump running', running, SETTINGS, waterCommand('b', 5), NOW + 1, 'pump_busy'],
    ['minimum interval', ran, SETTINGS, waterCommand('c', 5), NOW + 60, 'min_interval'],
    ['clock not set', emptyGuardState(), SETTINGS, waterCommand('d', 5), 1000, 'clock_not_set'],
    ['volume without flow', emptyGuardState(), { ...SETTINGS, flowMlPerS: 0 }, volume, NOW, 'no_flow'],
    ['expired', emptyGuardState(), SETTINGS, waterCommand('e', 5, NOW - 7200), NOW, 'arrived_expired'],
  ];
  for (const [name, state, settings, command, nowS, reason] of cases) {
    const decision = decideCommand(state, settings, command, nowS, null);
    assert.is(decision.ack?.reason, reason, name);
    assert.ok((decision.ack?.error ?? '').length > 0, `${name}: details in words`);
  }
  assert.is(decideInvalid(emptyGuardState(), parseCommand('{"v":1,"id":"bad","kind":"dance"}'))?.ack?.reason, 'invalid_command');
  assert.is(bootGuard(running, NOW + 5).ack?.reason, 'restarted');
});

limits.run();

// ---

const once = suite('pump guard ids and expiry');

once('expired command is refused and reported', () => {
  const command = waterCommand('old', 10, NOW - 7200);
  const decision = decideCommand(emptyGuardState(), SETTINGS, command, NOW, null);
  assert.is(decision.action, 'reply');
  assert.is(decision.ack?.result, 'expired');
  assert.is(decision.ack?.ran_s, 0);
  assert.match(decision.ack?.error ?? '', '3600 s');
  assert.equal(decision.state.ids, ['old']);
});

once('unset clock refuses the command', () => {
  const decision = decideCommand(emptyGuardState(), SETTINGS, waterCommand('a', 10), 1000, null);
  assert.is(decision.ack?.result, 'refused');
  assert.match(decision.ack?.error ?? '', 'clock');
});

once('duplicate id runs once', () => {
  const first = runToEnd(emptyGuardState(), waterCommand('dup', 10), NOW);
  assert.is(first.ack?.result, 'done');
  const again = decideCommand(first.state, { ...SETTINGS, minIntervalS: 0 }, waterCommand('dup', 10), NOW + 5000, null);
  assert.is(again.action, 'reply');
  assert.is(again.ack?.result, 'duplicate');
});

once('duplicate id runs once after a reboot', () => {
  const decision = decideCommand(emptyGuardState(), SETTINGS, waterCommand('dup', 10), NOW, 20);
  const stored = guardStateText(decision.state);

  // The pot restarts halfway through the run: the pump must stay off and the id stay known.
  const loaded = parseGuardState(stored);
  assert.is(loaded.error, null);
  const booted = bootGuard(loaded.state, NOW + 5);
  assert.is(booted.ack?.result, 'failed');
  assert.is(booted.ack?.ran_s, 5);
  assert.is(booted.state.running, null);
  assert.is(booted.state.lastRunEndS, NOW + 10);

  const redelivered = decideCommand(parseGuardState(guardStateText(booted.state)).state, { ...SETTINGS, minIntervalS: 0 }, waterCommand('dup', 10), NOW + 60, 20);
  assert.is(redelivered.ack?.result, 'duplicate');
});

once('remembered ids stay bounded', () => {
  let state = emptyGuardState();
  const settings = { ...SETTINGS, minIntervalS: 0 };
  for (let i = 0; i < MAX_REMEMBERED_IDS + 5; i++) state = runToEnd(state, waterCommand('id-' + i, 1), NOW + i * 10).state;
  assert.is(state.ids.length, MAX_REMEMBERED_IDS);
  assert.is(state.ids[0], 'id-5');
  assert.ok(guardStateText(state).length < 1024, String(guardStateText(state).length));
  const newest = decideCommand(state, settings, waterCommand('id-' + (MAX_REMEMBERED_IDS + 4), 1), NOW + 1000, null);
  assert.is(newest.ack?.result, 'duplicate');
});

once('invalid command with an id is refused once', () => {
  const parsed = parseCommand(JSON.stringify({ v: 1, id: 'bad', kind: 'dance', issued: NOW, expires: NOW + 60 }));
  const first = decideInvalid(emptyGuardState(), parsed);
  assert.is(first?.ack?.result, 'refused');
  assert.match(first?.ack?.error ?? '', 'kind');
  assert.is(decideInvalid(first!.state, parsed)?.ack?.result, 'duplicate');
  assert.is(decideInvalid(emptyGuardState(), parseCommand('not json')), null);
});

once('other kinds execute once', () => {
  const reboot: Command = { v: 1, id: 'r1', kind: 'reboot', issued: NOW, expires: NOW + 60 };
  const decision = decideCommand(emptyGuardState(), SETTINGS, reboot, NOW, null);
  assert.is(decision.action, 'execute');
  assert.is(decideCommand(decision.state, SETTINGS, reboot, NOW + 1, null).ack?.result, 'duplicate');
});

once.run();

// ---

const boot = suite('pump guard at boot');

boot('pump pin is off at boot', () => {
  assert.is(pumpPinLevel(false, false), false);
  assert.is(pumpPinLevel(false, true), true);
  assert.is(pumpPinLevel(true, true), false);
});

boot('clean boot sends nothing', () => {
  const booted = bootGuard(emptyGuardState(), NOW);
  assert.is(booted.ack, null);
  assert.equal(booted.state, emptyGuardState());
});

boot('unreadable stored state starts empty', () => {
  for (const text of ['{', '[]', '{"ids":"a"}', '{"ids":[],"lastRunEndS":-1}']) {
    const loaded = parseGuardState(text);
    assert.type(loaded.error, 'string', text);
    assert.equal(loaded.state, emptyGuardState(), text);
  }
  assert.is(parseGuardState(null).error, null);
});

boot.run();

// ---

const gate = suite<{ dir: string }>('pump guard on Espruino', { dir: '' });

gate.before((context) => {
  context.dir = mkdtempSync(join(tmpdir(), 'poco-pump-gate-'));
});

gate.after((context) => {
  rmSync(context.dir, { recursive: true, force: true });
});

gate('pump-guard.ts passes the build gate', async (context) => {
  const entry = join(context.dir, 'entry.ts');
  writeFileSync(entry, `import * as guard from '${resolve('domain/pump-guard.js')}';\nconsole.log(guard);\n`);
  const outFile = join(context.dir, 'out.js');
  const result = await buildFirmware({ entry, outFile, root: process.cwd(), firmwareVersion: '0.0.0-test' });
  assert.ok(result.ok, result.problems.map(formatProblem).join('\n'));
  assert.match(readFileSync(outFile, 'utf8'), /function decideCommand/);
});

gate.run();
