// Shared pieces of the watering suites: a battery pot with a pump on a pumped soil model (the
// device core on host hardware), and a reader of the hub's live stream.
import { join } from 'node:path';
import { potOptions } from '../../device/core/pot.js';
import type { CycleEvent } from '../../device/core/cycle.js';
import { startBatteryPot, type BatteryPot } from '../../device/host/battery.js';
import { createPumpedSoil, type PumpedSoil } from '../../device/host/pumped-source.js';
import { SYNTHETIC_CALIBRATION } from '../../device/host/sensors.js';

export const SPEED = 30;

export interface PumpPot {
  id: string;
  soil: PumpedSoil;
  pot: BatteryPot;
  events: CycleEvent[];
}

/** Starts a battery pot with a 5 s pump, waking every 60 virtual seconds (2 s at SPEED). */
export function startPumpPot(brokerUrl: string, dir: string, mac: string, startPercent: number, risePerPumpS = 2): PumpPot {
  const startMs = Date.now();
  const soil = createPumpedSoil({ startPercent, startMs, dryPerHour: 0.5, risePerPumpS });
  const events: CycleEvent[] = [];
  const pot = startBatteryPot(
    { mac, dataDir: join(dir, mac.replace(/:/g, '')), speed: SPEED, clockSet: true, startMs, source: soil, log: () => {} },
    potOptions({
      brokerUrl, intervalS: 60, calibration: SYNTHETIC_CALIBRATION,
      pump: { activeLow: false, maxRunS: 5, minIntervalS: 0, flowMlPerS: 2 },
    }),
    (event) => events.push(event),
  );
  return { id: mac.replace(/:/g, '').toLowerCase(), soil, pot, events };
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface LiveReader {
  events: Array<{ event: string; data: any }>;
  close(): void;
}

/** Reads GET /api/events and keeps every event with its parsed data. */
export async function readLive(url: string): Promise<LiveReader> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, { signal: controller.signal });
  const events: LiveReader['events'] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return { events, close: () => controller.abort() };
}
