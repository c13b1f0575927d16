// Remote commands on the pot: each message on <prefix>/<id>/cmd goes through the pump guard
// (domain/pump-guard.ts), the pump runs on a timer, and the acknowledgement goes to
// <prefix>/<id>/cmd/ack. Acknowledgements wait in flash until the broker has them, so one
// written just before deep sleep or a restart is sent at the next connection.
// Espruino-compatible syntax: callbacks only, no spread, `?.` or `??`, functions before callers.
import { moisturePercent, type Calibration } from '../../domain/calibration.js';
import { ackText, buildAck, parseCommand, type Command, type CommandAck } from '../../domain/command.js';
import {
  bootGuard, decideCommand, decideInvalid, finishRun, guardStateText, parseGuardState,
  type GuardDecision, type GuardState, type PumpSettings,
} from '../../domain/pump-guard.js';
import type { Hardware, MqttConnection } from './hardware.js';
import { sampleChannel } from './sampling.js';

/** Storage names (28 characters at most). */
export const GUARD_FILE = 'poco.pump';
export const ACK_FILE = 'poco.acks';
/** Acknowledgements kept for a later connection; the oldest is dropped beyond this. */
export const MAX_STORED_ACKS = 8;
/** Wait after the pump stops before measuring again, so the water reaches the probe. */
export const SETTLE_MS = 2000;

export interface CommandEvent {
  type: 'pump';
  on: boolean;
  id: string;
  runS: number;
}

export interface CommandRunnerOptions {
  ackTopic: string;
  /** Limits in force: the device's own, lowered by the hub's config when it asks for less. */
  limits: () => PumpSettings;
  calibration: () => Calibration | null;
  samples: number;
  /** Carries out `sample_now`. */
  sampleNow: () => void;
  /** Runs when the runner has nothing left to do: pump off and every acknowledgement sent. */
  onIdle: () => void;
  onEvent?: (event: CommandEvent) => void;
}

export interface CommandRunner {
  /** Handles the text of one message on the command topic. */
  receive(text: string): void;
  /** Sets the live connection (null when closed) and sends the stored acknowledgements. */
  setConnection(conn: MqttConnection | null): void;
  /** True while the pump runs or an acknowledgement waits for the broker. */
  busy(): boolean;
  /** Seconds of the run in progress, 0 when the pump is off. */
  runningS(): number;
  /** Switches the pump off now; a run cut short is acknowledged with the seconds it ran. */
  halt(): void;
}

function setPump(hw: Hardware, on: boolean): void {
  if (typeof hw.setPump === 'function') hw.setPump(on);
}

/** Switches the pump off; the first thing a boot does, before any other step. */
export function pumpOffAtBoot(hw: Hardware): void {
  setPump(hw, false);
}

function loadAcks(hw: Hardware): string[] {
  const text = hw.storageRead(ACK_FILE);
  if (text === null) return [];
  try {
    const value = JSON.parse(text);
    if (Array.isArray(value)) return value.filter(function (item) { return typeof item === 'string'; });
  } catch (error) {
    hw.log('stored acknowledgements are not JSON: dropped');
  }
  return [];
}

function readMoisture(hw: Hardware, calibration: Calibration | null, samples: number): number | null {
  const sample = sampleChannel(hw, 'moisture', samples);
  return moisturePercent(sample.raw, calibration).percent;
}

export function createCommandRunner(hw: Hardware, options: CommandRunnerOptions): CommandRunner {
  pumpOffAtBoot(hw);
  const loaded = parseGuardState(hw.storageRead(GUARD_FILE));
  if (loaded.error !== null) hw.log(loaded.error);
  let state: GuardState = loaded.state;
  const acks: string[] = loadAcks(hw);
  let conn: MqttConnection | null = null;
  let sending = false;
  let pumpTimer = -1;
  let settleTimer = -1;
  let settling: CommandAck | null = null;

  function nowS(): number {
    return Math.floor(hw.now() / 1000);
  }

  function saveState(next: GuardState): void {
    state = next;
    hw.storageWrite(GUARD_FILE, guardStateText(state));
  }

  function saveAcks(): void {
    if (acks.length === 0 && hw.storageRead(ACK_FILE) === null) return;
    hw.storageWrite(ACK_FILE, JSON.stringify(acks));
  }

  function checkIdle(): void {
    if (state.running === null && settleTimer < 0 && acks.length === 0 && !sending) options.onIdle();
  }

  // Sends the oldest acknowledgement, then the next once the broker has it.
  function send(): void {
    if (sending || conn === null || acks.length === 0) { checkIdle(); return; }
    const text = acks[0] as string;
    const mine = conn;
    sending = true;
    mine.publish(options.ackTopic, text, 1, false, function (error) {
      sending = false;
      if (error !== null) {
        hw.log('acknowledgement not sent (' + error + '): kept for the next connection');
        return;
      }
      if (acks[0] === text) acks.shift();
      saveAcks();
      send();
    });
  }

  function queue(ack: CommandAck): void {
    acks.push(ackText(ack));
    while (acks.length > MAX_STORED_ACKS) acks.shift();
    saveAcks(); // in flash before sending: a restart now still reports the outcome
    hw.log('command ' + ack.id + ': ' + ack.result + (ack.error ? ' (' + ack.error + ')' : ''));
    send();
  }

  function endRun(timerDone: boolean): void {
    const run = state.running;
    if (run === null) return;
    setPump(hw, false);
    if (options.onEvent) options.onEvent({ type: 'pump', on: false, id: run.id, runS: run.runS });
    hw.clearTimeout(pumpTimer);
    pumpTimer = -1;
    // The run is stored as finished at once, so a restart during the settling wait is no failure.
    const stoppedS = nowS();
    const pending: GuardState = { ids: state.ids, lastRunEndS: stoppedS, running: null };
    // A run that its timer ended lasted runS, even when an NTP step moved the clock meanwhile.
    const endS = timerDone ? Math.max(stoppedS, run.startS + run.runS) : stoppedS;
    settling = finishRun(state, endS, null).ack;
    saveState(pending);
    settleTimer = hw.setTimeout(settled, SETTLE_MS);
  }

  function settled(): void {
    hw.clearTimeout(settleTimer);
    settleTimer = -1;
    const ack = settling;
    settling = null;
    if (ack === null) return;
    ack.moisture_after = readMoisture(hw, options.calibration(), options.samples);
    queue(ack);
  }

  function startPump(decision: GuardDecision): void {
    saveState(decision.state); // the id is in flash before the pump starts
    const run = decision.state.running;
    if (run === null) return;
    if (decision.limited) hw.log('command ' + run.id + ': run cut to the pot maximum of ' + decision.runS + ' s');
    setPump(hw, true);
    if (options.onEvent) options.onEvent({ type: 'pump', on: true, id: run.id, runS: decision.runS });
    pumpTimer = hw.setTimeout(function () { endRun(true); }, decision.runS * 1000);
  }

  function execute(command: Command, decision: GuardDecision): void {
    saveState(decision.state);
    if (command.kind === 'sample_now') {
      options.sampleNow();
      queue(buildAck(command.id, 'done', null));
      return;
    }
    // NOTE: the Hardware interface has no restart yet, so `reboot` is refused on every pot.
    queue(buildAck(command.id, 'refused', { reason: 'not_supported', error: 'reboot is not available on this pot' }));
  }

  function receive(text: string): void {
    const parsed = parseCommand(text);
    if (!parsed.ok || !parsed.command) {
      const invalid = decideInvalid(state, parsed);
      hw.log('command rejected: ' + parsed.error);
      if (invalid !== null) {
        saveState(invalid.state);
        if (invalid.ack !== null) queue(invalid.ack);
      }
      return;
    }
    const command = parsed.command;
    const before = command.kind === 'water' ? readMoisture(hw, options.calibration(), options.samples) : null;
    const decision = decideCommand(state, options.limits(), command, nowS(), before);
    if (decision.action === 'pump') startPump(decision);
    else if (decision.action === 'execute') execute(command, decision);
    else {
      if (decision.state !== state) saveState(decision.state);
      if (decision.ack !== null) queue(decision.ack);
    }
  }

  // A run that a restart cut short is closed and reported first.
  const booted = bootGuard(state, nowS());
  if (booted.ack !== null) {
    saveState(booted.state);
    queue(booted.ack);
  }

  return {
    receive: receive,
    setConnection: function (next) {
      conn = next;
      if (next === null) sending = false;
      send();
    },
    busy: function () { return state.running !== null || settleTimer >= 0 || acks.length > 0; },
    runningS: function () { return state.running === null ? 0 : state.running.runS; },
    halt: function () {
      if (state.running !== null) endRun(false);
      setPump(hw, false);
      // No time left to settle: acknowledge with the moisture as it is now.
      if (settleTimer >= 0) settled();
    },
  };
}
