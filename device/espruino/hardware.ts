// The Hardware interface over Espruino on an ESP32: ADC1 pins, Wi-Fi, Storage, net and the pump pin.
import type { Channel, Hardware, MqttConnectOptions, MqttConnection, MqttHandlers } from '../core/hardware.js';
import { DEFAULT_TUNING, MqttClient } from '../mqtt/client.js';
import type { EspruinoRoot, Pin } from '../types/espruino.js';
import { pumpPinLevel } from '../../domain/pump-guard.js';
import type { DeviceSettings } from './device-settings.js';
import { espruinoSockets } from './net-socket.js';
import { pinByName } from './root.js';

/** Full scale of the ESP32's 12-bit ADC; analogRead returns a 0..1 fraction of it. */
const ADC_MAX = 4095;
/** Attenuation 3 gives the ADC about a 0..3.3 V range, the sensors' full output. */
const FULL_RANGE_ATTENUATION = 3;
/** ESP32.deepSleep takes a signed 32-bit count of microseconds (Espruino 2v29): about 35.8 minutes. */
const MAX_DEEP_SLEEP_MS = 2147483;
/** ESP32.getWakeupCause() value for a wake-up by the deep-sleep timer. */
const WAKEUP_TIMER = 4;

export function espruinoHardware(root: EspruinoRoot, settings: DeviceSettings): Hardware {
  const storage = root.require('Storage');
  const wifi = root.require('Wifi');
  const openSocket = espruinoSockets(root.require('net'));
  const sensorPower = pinByName(root, settings.pins.sensorPower);
  const pins: { moisture: Pin; light: Pin } = {
    moisture: pinByName(root, settings.pins.moisture),
    light: pinByName(root, settings.pins.light),
  };
  root.ESP32.setAtten(pins.moisture, FULL_RANGE_ATTENUATION);
  root.ESP32.setAtten(pins.light, FULL_RANGE_ATTENUATION);

  const hardware: Hardware = {
    readRaw: function (channel: Channel): number {
      const fraction = root.analogRead(pins[channel]);
      return typeof fraction === 'number' ? Math.round(fraction * ADC_MAX) : NaN;
    },
    adcMax: function (): number { return ADC_MAX; },
    mac: function (): string { return wifi.getIP().mac; },
    // Date.now() has a fractional part on Espruino.
    now: function (): number { return Math.floor(Date.now()); },
    rssi: function (): number | null {
      const details = wifi.getDetails();
      return details && typeof details.rssi === 'number' ? details.rssi : null;
    },
    // NOTE: no battery divider is wired in the documented circuit, so no voltage is reported.
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
    log: function (message: string): void { console.log(message); },
    millis: function (): number { return Date.now(); },
    wokeFromDeepSleep: function (): boolean { return root.ESP32.getWakeupCause() === WAKEUP_TIMER; },
    maxDeepSleepMs: function (): number { return MAX_DEEP_SLEEP_MS; },
    deepSleep: function (ms: number): void {
      root.digitalWrite(sensorPower, 0); // the sensors draw nothing while the pot sleeps
      root.ESP32.deepSleep(Math.round(ms * 1000));
    },
  };
  const pump = settings.pump;
  if (pump !== undefined) {
    // main.ts already drove the pin off at boot; this only switches it for a run.
    const pumpPin = pinByName(root, pump.pin);
    hardware.setPump = function (on: boolean): void { root.digitalWrite(pumpPin, pumpPinLevel(on, pump.activeLow)); };
  }
  return hardware;
}
