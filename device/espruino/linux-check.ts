// A check of the firmware on Espruino's Linux build: the same core and MQTT client as poco.js,
// over Espruino's own `net` and Storage, with fixed sensor counts instead of ADC pins. The
// script that runs it defines POCO_CHECK before this bundle (test/firmware/espruino-linux.test.ts).
// In battery mode deep sleep is simulated: the cycle's connection is gone, and the next cycle
// starts after the sleep, as a reboot would.
import type { Channel, Hardware, MqttConnectOptions, MqttConnection, MqttHandlers } from '../core/hardware.js';
import { DEFAULT_CYCLE_TIMINGS, runCycle } from '../core/cycle.js';
import { potOptions, startPot, type PotOptions } from '../core/pot.js';
import { DEFAULT_TUNING, MqttClient } from '../mqtt/client.js';
import { espruinoSockets } from './net-socket.js';
import { espruinoRoot } from './root.js';

interface CheckSettings {
  url: string;
  mac: string;
  mode: 'mains' | 'battery';
  intervalS: number;
}

/** Fixed counts, so the check can compute the calibrated moisture it expects. */
const FAKE_COUNTS = { moisture: 2000, light: 300 };

function checkHardware(settings: CheckSettings, wokeFromSleep: boolean, sleep: (ms: number) => void): Hardware {
  const root = espruinoRoot();
  const storage = root.require('Storage');
  const openSocket = espruinoSockets(root.require('net'));
  return {
    readRaw: function (channel: Channel): number { return FAKE_COUNTS[channel]; },
    adcMax: function (): number { return 4095; },
    mac: function (): string { return settings.mac; },
    now: function (): number { return Math.floor(Date.now()); },
    rssi: function (): number | null { return null; },
    batteryMv: function (): number | null { return null; },
    storageRead: function (name: string): string | null {
      const text = storage.read(name);
      return typeof text === 'string' ? text : null;
    },
    storageWrite: function (name: string, text: string): void { storage.write(name, text); },
    setTimeout: function (fn: () => void, ms: number): number { return root.setTimeout(fn, ms); },
    clearTimeout: function (id: number): void { if (id >= 0) root.clearTimeout(id); },
    mqttConnect: function (options: MqttConnectOptions, handlers: MqttHandlers): MqttConnection {
      return new MqttClient(options, handlers, openSocket, { setTimeout: root.setTimeout, clearTimeout: root.clearTimeout }, DEFAULT_TUNING);
    },
    log: function (message: string): void { console.log('POCO ' + message); },
    millis: function (): number { return Date.now(); },
    wokeFromDeepSleep: function (): boolean { return wokeFromSleep; },
    maxDeepSleepMs: function (): number { return 2147483; },
    deepSleep: sleep,
  };
}

function runBatteryCheck(settings: CheckSettings, options: PotOptions, woke: boolean): void {
  const hardware = checkHardware(settings, woke, function (ms: number) {
    console.log('POCO_SLEEP ' + ms);
    espruinoRoot().setTimeout(function () { runBatteryCheck(settings, options, true); }, ms);
  });
  runCycle(hardware, options, DEFAULT_CYCLE_TIMINGS, hardware.millis());
}

function main(): void {
  const settings = (espruinoRoot() as unknown as { POCO_CHECK?: CheckSettings }).POCO_CHECK;
  if (settings === undefined) {
    console.log('POCO_CHECK is not defined: define it before this bundle, e.g. var POCO_CHECK={url:"mqtt://127.0.0.1:1883",mac:"02:00:00:00:00:01",mode:"mains",intervalS:1}');
    return;
  }
  const options = potOptions({ brokerUrl: settings.url, intervalS: settings.intervalS, fw: 'poco-espruino-check' });
  console.log('POCO_CHECK start ' + settings.mode + ' ' + process.version);
  if (settings.mode === 'battery') runBatteryCheck(settings, options, false);
  else startPot(checkHardware(settings, false, function () {}), options);
}

main();
