// A battery pot on Node. Each wake-up runs the core's cycle (device/core/cycle.ts) on fresh host
// hardware over the same storage folder. Deep sleep tears that boot down and boots again after
// the interval of virtual time, as an ESP32 reboots after deep sleep.
import { DEFAULT_CYCLE_TIMINGS, runCycle, type CycleEvent, type CycleTimings } from '../core/cycle.js';
import type { PotOptions } from '../core/pot.js';
import { createSpeedClock } from './clock.js';
import { createHostHardware, type HostHardware, type HostHardwareOptions } from './hardware.js';

export type BatteryHardwareOptions = Omit<HostHardwareOptions, 'clock' | 'wokeFromDeepSleep' | 'onDeepSleep'>;

export interface BatteryPot {
  /** Boots so far, the first power-on included. */
  boots(): number;
  /** True between deep sleep and the next wake-up. */
  sleeping(): boolean;
  /** The current boot's hardware, or null while asleep. */
  hardware(): HostHardware | null;
  /** Lets the current cycle end in deep sleep, then boots no more. */
  stop(): Promise<void>;
}

/**
 * Scales the cycle's bounds by `speed`. They are in hardware time, which runs `speed` times
 * faster than real time on the host, but the network does not speed up.
 */
export function hostCycleTimings(speed: number): CycleTimings {
  const base = DEFAULT_CYCLE_TIMINGS;
  return {
    connectMs: base.connectMs * speed, publishMs: base.publishMs * speed, configWaitMs: base.configWaitMs * speed,
    disconnectMs: base.disconnectMs * speed, commandWaitMs: base.commandWaitMs * speed,
  };
}

export function startBatteryPot(hardware: BatteryHardwareOptions, options: PotOptions, onEvent?: (event: CycleEvent) => void): BatteryPot {
  const startMs = hardware.startMs ?? Date.now();
  const clock = createSpeedClock(hardware.speed, startMs);
  const timings = hostCycleTimings(hardware.speed);
  let boots = 0;
  let current: HostHardware | null = null;
  let wakeTimer: number | null = null;
  let stopping = false;
  let stopped: () => void = () => {};

  function boot(woke: boolean): void {
    wakeTimer = null;
    boots++;
    const hw = createHostHardware({ ...hardware, startMs, clock, wokeFromDeepSleep: woke, onDeepSleep: (ms) => sleep(hw, ms) });
    current = hw;
    runCycle(hw, options, timings, hw.millis(), onEvent);
  }

  function sleep(hw: HostHardware, ms: number): void {
    hw.dropConnection(); // power off: a socket still open dies without DISCONNECT
    hw.release(); // and the boot's timers die with it
    current = null;
    if (stopping) {
      stopped();
      return;
    }
    wakeTimer = clock.setTimeout(() => boot(true), ms);
  }

  boot(false);
  return {
    boots: () => boots,
    sleeping: () => current === null,
    hardware: () => current,
    stop() {
      stopping = true;
      if (current === null) {
        if (wakeTimer !== null) clock.clearTimeout(wakeTimer);
        clock.clearAll();
        return Promise.resolve();
      }
      return new Promise((resolve) => { stopped = resolve; });
    },
  };
}
